//! OAuth flows. For now: the strict parser for callbacks that arrive as deep links, the
//! registry of flows waiting for a callback, and the one place a deep link is delivered to.
//! It stores no tokens.

pub mod callback;
pub mod inbox;
pub mod pending;

pub use callback::{parse_callback_url, AuthorizationCallback, CallbackRejected};
pub use inbox::{receive_deep_link, DeepLinkOutcome, DeepLinkReceipt};
pub use pending::{PendingFlow, PendingFlows};
