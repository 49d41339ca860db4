//! Actions: what Switchboard can do in a connected account (send an email, star a repository),
//! each with typed parameters and the JSON Schema derived from them, the narrowest scopes it
//! needs and its side-effect class, described as data (`catalog/actions/*.toml`) beside the
//! code that builds its request and reads its answer (`actions/`); and the one executor every
//! run goes through, from the window, the CLI and the assistant (`executor`).

mod actions;
pub mod call;
pub mod catalog;
pub mod error;
pub mod executor;
pub mod info;
pub mod output;
pub mod policy;
mod refusal;
mod send;

pub use call::{Call, CallBody, Method, RequestPreview};
pub use catalog::{Action, ActionCatalog, ActionMeta, SideEffect};
pub use error::ToolError;
pub use executor::{Consent, Executor, PendingApproval, RunOutcome, RunRequest};
pub use info::ActionInfo;
pub use output::{ActionOutput, ActionResult};
pub use policy::Policy;
