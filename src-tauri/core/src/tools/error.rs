//! What can go wrong running an action, said where it happens; its `ErrorCode` decided once,
//! in `code`, and met with the message in `UserError` only at the boundary.

use crate::connections::ConnectionError;
use crate::db::DbError;
use crate::error::{ErrorCode, UserError};
use crate::oauth::http::HttpError;

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("There is no action called “{0}”.")]
    UnknownAction(String),
    #[error("The actions catalogue of this build is broken: {0}.")]
    Catalog(String),
    /// Each entry: the JSON pointer of a bad field and what is wrong with it.
    #[error("Some of the action's fields are not valid: {}.", .0.join("; "))]
    InvalidArguments(Vec<String>),
    #[error("Connect {product} first: no enabled connection has it.")]
    NoConnection { product: String },
    /// More than one connection could run it: the person chooses (`choices`: "name (id N)").
    #[error("More than one connection can do this; choose one: {}.", .choices.join(", "))]
    WhichConnection { choices: Vec<String> },
    #[error("That connection cannot run {action}: it is not a {product} connection.")]
    WrongConnection { action: String, product: String },
    /// The connection was not granted what this needs (`missing`, in plain words).
    #[error("{provider} has not allowed Switchboard to {}. Allow more access on this account to use it.", .missing.join(", "))]
    NeedsConsent { provider: String, missing: Vec<String> },
    #[error("Your setting for {action} on this account is “never”: nothing was sent.")]
    Denied { action: String },
    #[error("{action} always asks first: it deletes, shares with someone else, or reads a file from this computer.")]
    CannotAlwaysAllow { action: String },
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("{provider} refused: {message}")]
    Refused {
        provider: String,
        status: u16,
        message: String,
    },
    #[error("{provider} refused the access; connect the account again.")]
    AccessRefused { provider: String },
    #[error("{provider} did not allow this with the access it was given: {message}")]
    Forbidden { provider: String, message: String },
    #[error("{provider} asked to wait {minutes} minutes before trying again.")]
    WaitTooLong { provider: String, minutes: u64 },
    #[error("{provider} is not answering (HTTP {status}); try again later.")]
    Unavailable { provider: String, status: u16 },
    #[error("{provider} is limiting requests; try again in a few minutes.")]
    RateLimited { provider: String },
    #[error("Could not reach {provider}: {error}.")]
    Network { provider: String, error: HttpError },
    /// A write whose answer never came: it may have happened. Never sent again on its own.
    #[error("{provider} did not answer after the request was sent, so it may have happened: check before trying again{}.", .check.as_deref().map(|link| format!(" ({link})")).unwrap_or_default())]
    Unknown { provider: String, check: Option<String> },
    #[error("{provider}'s answer could not be read.")]
    Unreadable { provider: String },
    #[error("The action's fields could not be used: {0}.")]
    Plan(String),
}

impl ToolError {
    pub fn code(&self) -> ErrorCode {
        use ToolError::*;
        match self {
            UnknownAction(_) | InvalidArguments(_) | WhichConnection { .. } | WrongConnection { .. } | Plan(_) => {
                ErrorCode::InvalidInput
            }
            CannotAlwaysAllow { .. } => ErrorCode::InvalidInput,
            Catalog(_) => ErrorCode::Internal,
            NoConnection { .. } | AccessRefused { .. } => ErrorCode::NeedsAuth,
            NeedsConsent { .. } | Forbidden { .. } => ErrorCode::NeedsConsent,
            Denied { .. } => ErrorCode::Denied,
            Connection(error) => error.code(),
            Database(_) => ErrorCode::Storage,
            Refused { .. } => ErrorCode::ProviderRejected,
            WaitTooLong { .. } | Unavailable { .. } | RateLimited { .. } | Network { .. } | Unknown { .. } => {
                ErrorCode::Network
            }
            Unreadable { .. } => ErrorCode::ProviderRejected,
        }
    }
}

impl From<ToolError> for UserError {
    fn from(error: ToolError) -> Self {
        match error {
            ToolError::Connection(error) => error.into(),
            ToolError::Database(error) => error.into(),
            other => UserError::new(other.code(), other.to_string()),
        }
    }
}
