//! Why a model did not answer, each saying what the person can do about it.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("No language model is set up: choose one in Settings › Model.")]
    NotConfigured,
    #[error("The model server at {url} can't be reached. Check that it is running and the address in Settings › Model is right.")]
    Unreachable { url: String },
    #[error("The model server refused the API key. Enter the right key in Settings › Model.")]
    WrongKey,
    #[error("The model server doesn't know the model \"{model}\". Choose one it offers in Settings › Model.")]
    UnknownModel { model: String },
    #[error("The model \"{model}\" can't call tools, which Switchboard needs to act. Choose a model that supports tool calling (function calling) in Settings › Chat model.")]
    NoTools { model: String },
    #[error("The model server is busy (too many requests). Try again in a moment.")]
    RateLimited,
    #[error("The model server answered with an error ({status}){}. Try again, or check the server.", detail_suffix(.detail))]
    Server { status: u16, detail: String },
    #[error("The model server didn't answer within {0:?}. Check that it is running and not overloaded.")]
    NoAnswer(Duration),
    #[error("The model server stopped sending for {0:?}. Try again, or check the server.")]
    Stalled(Duration),
    #[error("The model took longer than {0:?} for one request, so it was stopped. Try a simpler request.")]
    TooSlow(Duration),
    #[error("The model server ended its answer half-way. Try again.")]
    Interrupted,
    #[error("The model server's answer could not be read ({0}). Check that the server speaks the protocol chosen in Settings › Model.")]
    BadReply(String),
    #[error("Stopped.")]
    Cancelled,
    #[error("The model's API key can't be read: {0}")]
    Key(String),
}

fn detail_suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

impl ModelError {
    /// Worth sending again before any of the answer arrived.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::RateLimited) || matches!(self, Self::Server { status, .. } if *status >= 500)
    }
}
