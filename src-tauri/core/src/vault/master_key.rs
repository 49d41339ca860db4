//! The master key: 32 random bytes in the OS keyring, created once and then only ever read.
//! If the keyring errors, no key is created: a key may already exist there, and replacing it
//! would orphan every row it sealed. A session-only key lives in memory for one run instead.

use chacha20poly1305::aead::{KeyInit, OsRng};
use chacha20poly1305::XChaCha20Poly1305;
use keyring::Entry;
use sha2::{Digest, Sha256};

use super::key_storage::{backend_name, explain};
use super::{Sensitive, KEYRING_SERVICE, MASTER_KEY_ENTRY};
use crate::error::{ErrorCode, UserError};

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

/// The master key could not be had: never a reason to create another (that would orphan every
/// sealed row), so the person is offered the session-only mode instead.
impl From<KeyError> for UserError {
    fn from(error: KeyError) -> Self {
        match error {
            KeyError::KeyringUnavailable { reason, .. } => UserError::new(
                ErrorCode::KeyringUnavailable,
                format!("{reason} Switchboard keeps account tokens encrypted with a key in the keyring and will not create a new one while it cannot read it. You can also continue for this session only."),
            ),
            KeyError::Malformed { .. } => UserError::new(ErrorCode::KeyringUnavailable, format!("{error}.")),
        }
    }
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
        Self::load_or_create_in(&entry, &slot.service)
    }

    /// `load_or_create` on an entry already made (tests hand in a mock credential).
    fn load_or_create_in(entry: &Entry, service: &str) -> Result<Self, KeyError> {
        match entry.get_secret() {
            Ok(stored) => Self::from_stored(Sensitive::new(stored)),
            Err(keyring::Error::NoEntry) => {
                let fresh = Sensitive::new(XChaCha20Poly1305::generate_key(&mut OsRng).to_vec());
                entry.set_secret(fresh.expose()).map_err(|error| unavailable(&error))?;
                tracing::info!(service = %service, "created the master key in the keyring");
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
        Self::load_existing_in(&entry)
    }

    /// `load_existing` on an entry already made (tests hand in a mock credential).
    fn load_existing_in(entry: &Entry) -> Result<Option<Self>, KeyError> {
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
    use keyring::mock::MockCredential;

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

    /// An entry backed by keyring's in-memory mock, private to the test (no process-global
    /// credential builder is touched, so tests using the real keyring are unaffected).
    fn mock_entry() -> Entry {
        Entry::new_with_credential(Box::new(MockCredential::default()))
    }

    fn mock(entry: &Entry) -> &MockCredential {
        entry
            .get_credential()
            .downcast_ref()
            .expect("the test entry is a mock credential")
    }

    /// The keyring failures that must never lead to a new key: locked, or not answering.
    fn keyring_errors() -> [(keyring::Error, &'static str); 2] {
        [
            (
                keyring::Error::NoStorageAccess("the collection is locked".into()),
                "locked (NoStorageAccess)",
            ),
            (
                keyring::Error::PlatformFailure("the Secret Service did not answer".into()),
                "not answering (PlatformFailure)",
            ),
        ]
    }

    #[test]
    fn a_keyring_error_with_no_key_stored_creates_none() {
        for (error, why) in keyring_errors() {
            let entry = mock_entry();
            mock(&entry).set_error(error);
            let outcome = MasterKey::load_or_create_in(&entry, "test-service");
            assert!(
                matches!(outcome, Err(KeyError::KeyringUnavailable { .. })),
                "E2: a keyring that is {why} is reported unavailable, got {outcome:?}"
            );
            // The mock's error is used up by the read; a set would now have succeeded.
            assert!(
                matches!(entry.get_secret(), Err(keyring::Error::NoEntry)),
                "E2: no key may be written when the keyring is {why}: the key may exist and be unreadable"
            );
        }
    }

    #[test]
    fn a_keyring_error_with_a_key_stored_leaves_that_key_alone() {
        for (error, why) in keyring_errors() {
            let entry = mock_entry();
            let existing = vec![42u8; KEY_LEN];
            entry.set_secret(&existing).expect("store the existing key");
            mock(&entry).set_error(error);
            let outcome = MasterKey::load_or_create_in(&entry, "test-service");
            assert!(
                matches!(outcome, Err(KeyError::KeyringUnavailable { .. })),
                "E2: a keyring that is {why} on a later run is reported unavailable, got {outcome:?}"
            );
            assert_eq!(
                entry.get_secret().ok(),
                Some(existing),
                "E2: the stored key must be left exactly as it was when the keyring is {why}"
            );
        }
    }

    #[test]
    fn a_locked_keyring_is_named_in_the_reason() {
        let entry = mock_entry();
        let (locked, _) = keyring_errors().into_iter().next().expect("a locked case");
        mock(&entry).set_error(locked);
        match MasterKey::load_or_create_in(&entry, "test-service") {
            Err(KeyError::KeyringUnavailable { reason, .. }) => assert!(
                reason.contains("locked") && reason.contains("try again"),
                "E2: the person is told the keyring is locked and may retry: {reason}"
            ),
            other => panic!("E2: a locked keyring must be KeyringUnavailable, got {other:?}"),
        }
    }

    #[test]
    fn load_existing_reports_a_keyring_error_not_a_missing_key() {
        for (error, why) in keyring_errors() {
            let entry = mock_entry();
            let existing = vec![42u8; KEY_LEN];
            entry.set_secret(&existing).expect("store the existing key");
            mock(&entry).set_error(error);
            let outcome = MasterKey::load_existing_in(&entry);
            assert!(
                matches!(outcome, Err(KeyError::KeyringUnavailable { .. })),
                "E2/E4: a keyring that is {why} is not a deleted key (Ok(None) would mark every connection for re-authorization), got {outcome:?}"
            );
            assert_eq!(entry.get_secret().ok(), Some(existing), "load_existing never writes");
        }
        let empty = mock_entry();
        assert!(
            matches!(MasterKey::load_existing_in(&empty), Ok(None)),
            "E4: a keyring that answers with no entry means the key is gone"
        );
        assert!(
            matches!(empty.get_secret(), Err(keyring::Error::NoEntry)),
            "load_existing never creates a key"
        );
    }

    #[test]
    fn a_missing_key_is_created_once_and_then_read_back() {
        let entry = mock_entry();
        let created = MasterKey::load_or_create_in(&entry, "test-service").expect("the keyring answered NoEntry");
        assert_eq!(created.origin(), KeyOrigin::Keyring, "a stored key outlives the run");
        let stored = entry.get_secret().expect("the new key was stored");
        assert_eq!(stored.as_slice(), created.bytes(), "the key in use is the one stored");
        let again = MasterKey::load_or_create_in(&entry, "test-service").expect("read the stored key");
        assert_eq!(
            again.id(),
            created.id(),
            "a later run reads the same key, never a new one"
        );
    }

    #[test]
    fn a_stored_value_of_the_wrong_length_is_left_in_the_keyring() {
        let entry = mock_entry();
        entry.set_secret(&[7u8; 16]).expect("store a short value");
        let outcome = MasterKey::load_or_create_in(&entry, "test-service");
        assert!(
            matches!(outcome, Err(KeyError::Malformed { found: 16 })),
            "a 16-byte entry is not a key, got {outcome:?}"
        );
        assert_eq!(
            entry.get_secret().ok(),
            Some(vec![7u8; 16]),
            "the malformed entry is left untouched, not replaced"
        );
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
