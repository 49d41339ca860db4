//! The master key: 32 random bytes in the OS keyring, created once and then only ever read.
//! If the keyring errors, no key is created: a key may already exist there, and replacing it
//! would orphan every row it sealed. A session-only key lives in memory for one run instead.

use chacha20poly1305::aead::{KeyInit, OsRng};
use chacha20poly1305::XChaCha20Poly1305;
use keyring::Entry;
use sha2::{Digest, Sha256};

use super::key_storage::{backend_name, explain};
use super::{Sensitive, KEYRING_SERVICE, MASTER_KEY_ENTRY};

pub const KEY_LEN: usize = 32;

/// Where in the keyring the master key is filed; tests use their own account names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyringSlot {
    pub service: String,
    pub account: String,
}

impl KeyringSlot {
    /// The default data directory's key is `master-key`; a directory chosen with
    /// `SWITCHBOARD_DATA_DIR` has its own, `master-key@{dir}`, so separate databases never
    /// share (or clobber the check of) one key.
    pub fn for_paths(paths: &crate::paths::AppPaths) -> Self {
        if paths.custom {
            Self {
                account: format!("{MASTER_KEY_ENTRY}@{}", paths.data_dir.display()),
                ..Self::default()
            }
        } else {
            Self::default()
        }
    }
}

impl Default for KeyringSlot {
    fn default() -> Self {
        Self {
            service: KEYRING_SERVICE.to_owned(),
            account: MASTER_KEY_ENTRY.to_owned(),
        }
    }
}

/// Where this run's key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    /// Read from (or just created in) the OS keyring: secrets outlive this run.
    Keyring,
    /// Made for this run only: everything it seals is unreadable after exit.
    SessionOnly,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{reason}")]
    KeyringUnavailable { backend: String, reason: String },
    #[error("the keyring entry for Switchboard's key holds {found} bytes instead of {KEY_LEN}; it was left untouched")]
    Malformed { found: usize },
}

pub struct MasterKey {
    bytes: Sensitive<[u8; KEY_LEN]>,
    id: String,
    origin: KeyOrigin,
}

impl MasterKey {
    /// Reads the key from the keyring, creating it only when the keyring says there is none.
    pub fn load_or_create(slot: &KeyringSlot) -> Result<Self, KeyError> {
        let entry = Entry::new(&slot.service, &slot.account).map_err(|error| unavailable(&error))?;
        match entry.get_secret() {
            Ok(stored) => Self::from_stored(Sensitive::new(stored)),
            Err(keyring::Error::NoEntry) => {
                let fresh = Sensitive::new(XChaCha20Poly1305::generate_key(&mut OsRng).to_vec());
                entry.set_secret(fresh.expose()).map_err(|error| unavailable(&error))?;
                tracing::info!(service = %slot.service, "created the master key in the keyring");
                // Read back: if another process created one at the same moment, use the one stored.
                let stored = entry.get_secret().map_err(|error| unavailable(&error))?;
                Self::from_stored(Sensitive::new(stored))
            }
            Err(error) => Err(unavailable(&error)),
        }
    }

    /// Reads the key if the keyring holds one; never creates it. `Ok(None)`: the keyring
    /// answered and has no key (it was never made, or someone deleted it).
    pub fn load_existing(slot: &KeyringSlot) -> Result<Option<Self>, KeyError> {
        let entry = Entry::new(&slot.service, &slot.account).map_err(|error| unavailable(&error))?;
        match entry.get_secret() {
            Ok(stored) => Self::from_stored(Sensitive::new(stored)).map(Some),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(unavailable(&error)),
        }
    }

    /// A key for this run only, for when the keyring cannot be used and the person chose to
    /// go on without it.
    pub fn session_only() -> Self {
        let mut bytes = [0u8; KEY_LEN];
        bytes.copy_from_slice(&XChaCha20Poly1305::generate_key(&mut OsRng));
        Self::new(bytes, KeyOrigin::SessionOnly)
    }

    fn from_stored(stored: Sensitive<Vec<u8>>) -> Result<Self, KeyError> {
        let bytes: [u8; KEY_LEN] = stored.expose().as_slice().try_into().map_err(|_| KeyError::Malformed {
            found: stored.expose().len(),
        })?;
        Ok(Self::new(bytes, KeyOrigin::Keyring))
    }

    fn new(bytes: [u8; KEY_LEN], origin: KeyOrigin) -> Self {
        let digest = Sha256::new()
            .chain_update(b"switchboard master key id\0")
            .chain_update(bytes)
            .finalize();
        let id = digest[..8].iter().map(|byte| format!("{byte:02x}")).collect();
        Self {
            bytes: Sensitive::new(bytes),
            id,
            origin,
        }
    }

    /// A short, public name of this key (a hash prefix), stored beside what it seals.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn origin(&self) -> KeyOrigin {
        self.origin
    }

    pub(super) fn bytes(&self) -> &[u8; KEY_LEN] {
        self.bytes.expose()
    }
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MasterKey")
            .field("id", &self.id)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

fn unavailable(error: &keyring::Error) -> KeyError {
    KeyError::KeyringUnavailable {
        backend: backend_name().to_owned(),
        reason: explain(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_only_keys_differ_and_never_print_their_bytes() {
        let first = MasterKey::session_only();
        let second = MasterKey::session_only();
        assert_ne!(first.id(), second.id(), "each run's session key must be fresh");
        assert_eq!(
            first.origin(),
            KeyOrigin::SessionOnly,
            "the origin must say it will not outlive the run"
        );
        let printed = format!("{first:?}");
        let hex: String = first.bytes().iter().map(|byte| format!("{byte:02x}")).collect();
        assert!(!printed.contains(&hex), "Debug must not print the key: {printed}");
    }

    #[test]
    fn a_stored_value_of_the_wrong_length_is_refused_not_replaced() {
        let outcome = MasterKey::from_stored(Sensitive::new(vec![7u8; 16]));
        assert!(
            matches!(outcome, Err(KeyError::Malformed { found: 16 })),
            "a 16-byte entry is not a key, got {outcome:?}"
        );
    }
}
