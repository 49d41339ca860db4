//! OAuth flows: the strict parser for callbacks (deep links and loopback requests), the loopback
//! listener, PKCE and flow secrets, the registry of flows waiting for a callback, and the one
//! place a deep link is delivered to. It stores no tokens (the vault does).

pub mod authorize;
pub mod callback;
pub mod device;
pub mod discovery;
pub mod http;
pub mod id_token;
pub mod inbox;
pub mod jwks;
pub mod loopback;
pub mod pending;
pub mod pkce;
pub mod retry;
pub mod token;

pub use callback::{parse_callback_query, parse_callback_url, AuthorizationCallback, CallbackRejected};
pub use inbox::{receive_deep_link, DeepLinkOutcome, DeepLinkReceipt};
pub use loopback::{LoopbackError, LoopbackListener, LOOPBACK_TIMEOUT};
pub use pending::{PendingFlow, PendingFlows};
pub use pkce::{random_token, Pkce};
