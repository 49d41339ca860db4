//! SECURITY.md E3 (and E2's "keyring errors on a later run"): with the keyring locked and no
//! one to unlock it, the existing key is reported unavailable, no new key is written, and once
//! unlocked the same key is read again. Alone in its binary: it locks the session's keyring.

#[path = "integration/support/keyring.rs"]
mod keyring_support;

use keyring_support::{entry, lock_login_keyring, private_slot, require_session_bus, unlock_login_keyring};
use switchboard_core::vault::{KeyError, MasterKey};

#[test]
fn a_locked_keyring_reports_unavailable_and_never_replaces_the_key() {
    require_session_bus();
    let slot = private_slot("locked");
    let original = MasterKey::load_or_create(&slot).expect("create the key while unlocked");

    lock_login_keyring();
    let outcome = MasterKey::load_or_create(&slot);
    unlock_login_keyring();

    match outcome {
        Err(KeyError::KeyringUnavailable { reason, .. }) => assert!(
            reason.contains("locked"),
            "the reason must tell the person the keyring is locked: {reason}"
        ),
        other => panic!("a locked keyring must give KeyringUnavailable, got {other:?}"),
    }
    let after = MasterKey::load_or_create(&slot).expect("the key reads again once unlocked");
    assert_eq!(
        after.id(),
        original.id(),
        "the locked keyring's key must not have been replaced"
    );
    entry(&slot).delete_credential().expect("clean up the test key");
}
