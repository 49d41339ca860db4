//! What can go wrong while browsing, said where it happens (`provider` is the provider's
//! display name). Its `Display` is how it reads to a person; `code` decides once which
//! `ErrorCode` the UI switches on; they meet in `UserError` only at the boundary.

use crate::connections::ConnectionError;
use crate::context::UnknownProvider;
use crate::error::{ErrorCode, UserError};
use crate::oauth::http::HttpError;

/// Searches longer than this are refused.
pub const MAX_SEARCH_CHARS: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum ResourceError {
    /// The connection cannot be used (gone, turned off, keyring, renewal).
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    #[error(transparent)]
    UnknownProvider(#[from] UnknownProvider),

    // The request itself is wrong.
    #[error("Switchboard cannot browse “{kind}”.")]
    UnknownKind { kind: String },
    #[error("That place is too long to open.")]
    PlaceTooLong,
    #[error("That listing id is not valid.")]
    InvalidListingId,
    #[error("Choosing a {kind} needs a different account than this {provider} one.")]
    OtherAccount { kind: String, provider: String },
    #[error("{kind} has no filter “{filter}”.")]
    UnknownFilter { kind: String, filter: String },
    #[error("Search for at most {MAX_SEARCH_CHARS} characters of plain text.")]
    InvalidSearch,
    /// `place` is shown without control characters, at most 80 of them.
    #[error("“{place}” is not a place this list can open.")]
    BadLocation { place: String },
    #[error("{0}")]
    BadApiAddress(HttpError),
    #[error("This Supabase connection has no project URL. Reconnect it with the project's URL (https://<project>.supabase.co).")]
    NoProjectUrl,

    // More access is needed on the same account.
    #[error("Browsing for a {kind} needs access this {provider} account has not given ({missing}). Allow it on this account.")]
    MissingScopes {
        kind: String,
        provider: String,
        missing: String,
    },
    #[error("{provider} has not given this connection permission to list these; allow more access on this account.")]
    NeedsConsent { provider: String },

    // The provider's answer.
    #[error("{provider} refused this connection's access; connect the account again.")]
    AccessRefused { provider: String },
    #[error("{provider} answered in a way Switchboard could not read.")]
    Unreadable { provider: String },
    #[error("{provider} is limiting requests right now; try again in a minute.")]
    RateLimited { provider: String },
    #[error("{provider} could not answer (HTTP {status}); try again later.")]
    Unavailable { provider: String, status: u16 },
    #[error("{provider} asks Switchboard to wait {minutes} min before listing more; try again then.")]
    WaitTooLong { provider: String, minutes: u64 },
    #[error("{provider} does not let this account see that (HTTP 403).")]
    Forbidden { provider: String },
    #[error("{provider} says that is not there any more (HTTP 404); go back and choose again.")]
    Gone { provider: String },
    /// `place` is shown without control characters.
    #[error("“{place}” is not in this project (any more), or its API does not expose it. Refresh the list.")]
    NotInProject { place: String },
    /// `reason` is the status (`HTTP 400`) or the provider's error code, cleaned.
    #[error("{provider} did not accept the request ({reason}).")]
    NotAccepted { provider: String, reason: String },
    #[error("{0}; try again.")]
    Network(HttpError),
}

impl ResourceError {
    /// What the UI offers for it: decided here, once.
    pub fn code(&self) -> ErrorCode {
        use ResourceError::*;
        match self {
            Connection(error) => error.code(),
            UnknownProvider(_) | Gone { .. } | NotInProject { .. } => ErrorCode::NotFound,
            UnknownKind { .. }
            | PlaceTooLong
            | InvalidListingId
            | OtherAccount { .. }
            | UnknownFilter { .. }
            | InvalidSearch
            | BadLocation { .. }
            | BadApiAddress(_)
            | NoProjectUrl => ErrorCode::InvalidInput,
            MissingScopes { .. } | NeedsConsent { .. } => ErrorCode::NeedsConsent,
            AccessRefused { .. } => ErrorCode::NeedsAuth,
            Unreadable { .. } | Forbidden { .. } | NotAccepted { .. } => ErrorCode::ProviderRejected,
            RateLimited { .. } | Unavailable { .. } | WaitTooLong { .. } | Network(_) => ErrorCode::Network,
        }
    }
}

/// The boundary: what crosses into the webview (and the CLI's one line).
impl From<ResourceError> for UserError {
    fn from(error: ResourceError) -> Self {
        match error {
            ResourceError::Connection(error) => UserError::from(error),
            other => UserError::new(other.code(), other.to_string()),
        }
    }
}
