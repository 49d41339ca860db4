//! What can go wrong in the chat itself (the actions' own failures become error cards, not
//! errors): a bad request from the window, a conversation or run that is not there, a card
//! already answered, the database.

use crate::connections::ConnectionError;
use crate::db::DbError;
use crate::error::{ErrorCode, UserError};
use crate::tools::ToolError;

/// The longest message the chat takes (a pasted document is not a request).
pub const MAX_MESSAGE_CHARS: usize = 4_000;
pub const MAX_TITLE_CHARS: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum AssistantError {
    #[error("Write something first.")]
    EmptyMessage,
    #[error("That message is too long ({0} characters; at most 4,000).")]
    MessageTooLong(usize),
    #[error("A title needs 1 to 200 characters.")]
    BadTitle,
    #[error("There is no conversation {0}.")]
    NoConversation(i64),
    #[error("There is no run {0}.")]
    NoRun(i64),
    /// The card was answered already (another window, a double click) or the run moved on.
    #[error("That was already answered; the conversation shows what happened.")]
    AlreadyAnswered,
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Connections(#[from] ConnectionError),
    #[error(transparent)]
    Tools(#[from] ToolError),
    #[error(transparent)]
    Model(#[from] crate::llm::model::ModelChoiceError),
    #[error("The run could not be saved: {0}.")]
    Stored(#[from] serde_json::Error),
}

impl From<AssistantError> for UserError {
    fn from(error: AssistantError) -> Self {
        match error {
            AssistantError::Database(error) => error.into(),
            AssistantError::Connections(error) => error.into(),
            AssistantError::Tools(error) => error.into(),
            AssistantError::Model(error) => error.into(),
            AssistantError::Stored(_) => UserError::new(ErrorCode::Internal, error.to_string()),
            AssistantError::NoConversation(_) | AssistantError::NoRun(_) => {
                UserError::new(ErrorCode::NotFound, error.to_string())
            }
            other => UserError::new(ErrorCode::InvalidInput, other.to_string()),
        }
    }
}
