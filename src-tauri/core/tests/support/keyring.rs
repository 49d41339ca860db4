//! Shared by the keyring tests: a private keyring account per test, and the session checks.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::time::{SystemTime, UNIX_EPOCH};

use switchboard_core::vault::KeyringSlot;

/// A keyring slot no other test (or the real app) uses.
pub fn private_slot(test: &str) -> KeyringSlot {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    KeyringSlot {
        service: "dev.switchboard.desktop.tests".into(),
        account: format!("{test}-{}-{nanos}", std::process::id()),
    }
}

/// The raw keyring entry behind a slot, for checking what the vault did to it.
pub fn entry(slot: &KeyringSlot) -> keyring::Entry {
    keyring::Entry::new(&slot.service, &slot.account).expect("a keyring entry handle")
}

pub fn require_session_bus() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "keyring tests need a D-Bus session with gnome-keyring; run them with `make test` or `tests/session.sh cargo test`"
    );
}
