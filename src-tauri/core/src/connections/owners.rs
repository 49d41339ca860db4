//! Whose secrets a vault row holds, and the one place their keys are spelled. The vault itself
//! treats owners as opaque text; these are the owners connections use.

use crate::ids::ConnectionId;

/// An owner of sealed secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretOwner<'a> {
    /// A connection's tokens or pasted key (by connection id).
    Connection(ConnectionId),
    /// A deleted connection's token, kept sealed until its revocation is retried (by the
    /// `revocations` row's id).
    Revocation(i64),
    /// A provider app's client secret saved in Settings (by provider id).
    ProviderApp(&'a str),
}

impl SecretOwner<'_> {
    /// The owner as the vault files it.
    pub fn key(&self) -> String {
        match self {
            Self::Connection(id) => format!("connection:{id}"),
            Self::Revocation(id) => format!("revocation:{id}"),
            Self::ProviderApp(provider) => format!("provider:{provider}"),
        }
    }
}

/// What a connection's secrets are bound to besides their owner: its provider and account,
/// so a sealed value moved to another connection's row does not open.
pub fn connection_context(provider: &str, account_id: &str) -> String {
    format!("{provider}|{account_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_keys_keep_the_stored_spelling() {
        assert_eq!(
            SecretOwner::Connection(ConnectionId(7)).key(),
            "connection:7",
            "rows sealed before stay readable"
        );
        assert_eq!(SecretOwner::Revocation(3).key(), "revocation:3");
        assert_eq!(SecretOwner::ProviderApp("github").key(), "provider:github");
    }
}
