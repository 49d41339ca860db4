//! Whether the OS keyring can hold Switchboard's master key, asked without ever creating one:
//! a key that may exist elsewhere must never be replaced by a new one (that orphans every row).

use keyring::Entry;
use serde::Serialize;
use ts_rs::TS;

use super::{KeyringSlot, Sensitive};

/// The keyring service name the master key is filed under.
pub const KEYRING_SERVICE: &str = crate::APP_IDENTIFIER;
/// The keyring entry (account) of the master key.
pub const MASTER_KEY_ENTRY: &str = "master-key";

/// What the keyring said when asked for the master key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state")]
pub enum KeyStorageStatus {
    /// The keyring answered and holds the master key.
    Ready { backend: String },
    /// The keyring answered and has no key yet: one is created with the first connection.
    NoKeyYet { backend: String },
    /// The keyring could not be used; `reason` says why and what to do.
    Unavailable { backend: String, reason: String },
}

impl KeyStorageStatus {
    pub fn is_usable(&self) -> bool {
        !matches!(self, Self::Unavailable { .. })
    }
}

/// Asks the platform keyring for the master key entry and reports what it found; the key's
/// bytes are dropped (and zeroed) at once.
pub fn probe_key_storage(slot: &KeyringSlot) -> KeyStorageStatus {
    let backend = backend_name().to_owned();
    let entry = match Entry::new(&slot.service, &slot.account) {
        Ok(entry) => entry,
        Err(error) => {
            return KeyStorageStatus::Unavailable {
                backend,
                reason: explain(&error),
            }
        }
    };
    match entry.get_secret().map(Sensitive::new) {
        Ok(_key) => KeyStorageStatus::Ready { backend },
        Err(keyring::Error::NoEntry) => KeyStorageStatus::NoKeyYet { backend },
        Err(error) => KeyStorageStatus::Unavailable {
            backend,
            reason: explain(&error),
        },
    }
}

pub(super) fn backend_name() -> &'static str {
    if cfg!(target_os = "linux") {
        "Secret Service (GNOME Keyring, KWallet)"
    } else if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(windows) {
        "Windows Credential Manager"
    } else {
        "platform keyring"
    }
}

/// A sentence for people; keyring errors can carry platform detail but never secret values.
pub(super) fn explain(error: &keyring::Error) -> String {
    match error {
        keyring::Error::NoStorageAccess(detail) => format!(
            "The keyring is locked or refused access ({detail}). Unlock it (for example by signing in to your desktop session) and try again."
        ),
        keyring::Error::PlatformFailure(detail) => format!(
            "The keyring service did not answer ({detail}). On Linux, make sure a Secret Service provider such as GNOME Keyring or KWallet is running in your session."
        ),
        other => format!("The keyring could not be used: {other}."),
    }
}
