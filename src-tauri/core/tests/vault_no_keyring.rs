//! SECURITY.md E1 and E2: with no Secret Service at all (no session bus), the vault reports
//! `KeyringUnavailable` and writes no key, neither a new one nor over an existing one; with the
//! bus back, the existing key is intact. The keyless half runs in a child process (this test
//! binary again) started without a reachable bus: libdbus reads the bus address once per
//! process, so it cannot be taken away in-process.

#[path = "integration/support/keyring.rs"]
mod keyring_support;

use std::process::Command;

use keyring_support::{entry, private_slot, require_session_bus};
use switchboard_core::vault::{KeyError, KeyringSlot, MasterKey};

const CHILD_SLOTS: &str = "SWITCHBOARD_TEST_NO_BUS_SLOTS";

/// The child's half: does nothing unless the test below started this process.
#[test]
fn child_process_without_a_bus_asks_for_keys() {
    let Ok(slots) = std::env::var(CHILD_SLOTS) else {
        return;
    };
    for account in slots.split(',') {
        let slot = KeyringSlot {
            account: account.to_owned(),
            ..private_slot("unused")
        };
        let outcome = MasterKey::load_or_create(&slot);
        assert!(
            matches!(outcome, Err(KeyError::KeyringUnavailable { .. })),
            "without a Secret Service, {account} must be KeyringUnavailable, got {outcome:?}"
        );
    }
}

#[test]
fn without_a_secret_service_no_key_is_created_or_replaced() {
    require_session_bus();
    let existing = private_slot("existing");
    let original = MasterKey::load_or_create(&existing).expect("create a key while the bus is up");
    let absent = private_slot("absent");

    let child = Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", "child_process_without_a_bus_asks_for_keys", "--nocapture"])
        .env(CHILD_SLOTS, format!("{},{}", existing.account, absent.account))
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/switchboard-test-bus",
        )
        .output()
        .expect("run the child without a bus");
    assert!(
        child.status.success(),
        "the keyless child failed: {}{}",
        String::from_utf8_lossy(&child.stdout),
        String::from_utf8_lossy(&child.stderr)
    );
    assert!(
        String::from_utf8_lossy(&child.stdout).contains("1 passed"),
        "the child must have run its half: {}",
        String::from_utf8_lossy(&child.stdout)
    );

    assert!(
        matches!(entry(&absent).get_secret(), Err(keyring::Error::NoEntry)),
        "no key may be created while the keyring is unreachable"
    );
    let after = MasterKey::load_or_create(&existing).expect("the key reads again with the bus back");
    assert_eq!(after.id(), original.id(), "the existing key must be untouched");
    entry(&existing).delete_credential().expect("clean up the test key");
}
