//! The IPC boundary's error: `{ code, message }` with a closed `ErrorCode` the UI switches on.
//! Each module keeps its own `thiserror` enum and says here how it reads to a person; this is
//! not a place for module logic, and no message ever carries a secret.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of failure a command met; the UI decides what to offer from this alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum ErrorCode {
    /// The request itself was wrong (a bad id, a malformed value): fix the input.
    InvalidInput,
    /// The thing asked for does not exist (any more): refresh the view.
    NotFound,
    /// The database could not be read or written: usually disk space or permissions.
    Storage,
    /// The OS keyring could not give the master key: unlock it, or continue session-only.
    KeyringUnavailable,
    /// The provider needs a client ID (or secret) in Settings before a sign-in can start.
    NotConfigured,
    /// The provider refused: a wrong key, a declined sign-in.
    ProviderRejected,
    /// The connection's sign-in no longer works (revoked, expired): re-authorize it.
    NeedsAuth,
    /// The connection works but was not granted what this needs: allow more on the same account.
    NeedsConsent,
    /// The connection is turned off: enable it to use it.
    Disabled,
    /// The person's policy refuses this action on this account: change the policy to run it.
    Denied,
    /// The provider could not be reached or did not answer in time: try again.
    Network,
    /// A fault in Switchboard itself: report it.
    Internal,
}

/// The only error shape that crosses into the webview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UserError {
    pub code: ErrorCode,
    /// For people: what happened and what to do.
    pub message: String,
}

impl UserError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_message_only() {
        let json = serde_json::to_value(UserError::new(ErrorCode::NotFound, "That notice is gone."))
            .expect("a UserError always serializes");
        assert_eq!(
            json,
            serde_json::json!({"code": "NotFound", "message": "That notice is gone."}),
            "the UI relies on exactly {{code, message}} with the code as a plain string"
        );
    }
}
