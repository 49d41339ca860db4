//! Language models behind the chat: the person's choice of server (`choice`, `settings`), one
//! client for two protocols (`client` with `openai` and `anthropic`), and the provider-neutral
//! request and answer they exchange (`wire`).

pub mod anthropic;
pub mod choice;
pub mod client;
pub mod error;
pub mod openai;
pub mod settings;
pub mod wire;

pub use choice::{model_error_code, ModelChoice, ModelChoiceError, BUILTIN_NAME, OLLAMA_URL};
pub use client::{Cancel, ModelClient, ModelTiming, Protocol};
pub use error::ModelError;
pub use settings::*;
pub use wire::{ModelReply, ModelRequest, ToolCall, ToolSpec, Turn};
