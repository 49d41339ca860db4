//! The assistant: conversations, and the runs that carry a person's request through the
//! workflow — choose the action (a `Planner`), check the account is connected (a Connect card
//! that resumes the run when the connection lands), find the resources it names, ask for what
//! is missing (a form for just those fields), ask approval for writes (the exact parameters,
//! shown as what they are), execute through the one executor, and report in plain words.
//! The planner is the built-in one or a language model (`converse`), whose tool calls are
//! checked and become the same runs, cards and approvals.
//! Every step is a row in SQLite. It never talks to a provider itself: the executor and the
//! resources service do.

mod access;
mod answers;
mod converse;
pub mod error;
mod live;
mod lookup;
pub mod model;
mod model_context;
mod present;
mod progress;
mod service;
mod steps;
mod tool_calls;

pub use converse::ModelLimits;
pub use error::AssistantError;
pub use model::{Card, CardAnswer, ChatMessage, ConversationSummary, MessagePage, NextStep, Presentation, Role};
pub use service::{Assistant, AssistantParts, ChatChanged, ChatStreamed};
