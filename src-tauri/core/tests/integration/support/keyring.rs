//! Shared by the keyring tests: a private keyring account per test, and the session checks.

#![allow(dead_code)] // also compiled into the tests that need a process of their own, which use parts of it

use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dbus::arg::{RefArg, Variant};

#[allow(unused_imports)] // used by the binaries that check for an absent key
pub use keyring::Error::NoEntry;
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

/// Locks the session's login keyring, as a screen lock or a timeout would.
pub fn lock_login_keyring() {
    secret_service("Lock");
}

fn secret_service(method: &str) {
    let status = Command::new("gdbus")
        .args(["call", "--session", "--dest", "org.freedesktop.secrets"])
        .args(["--object-path", "/org/freedesktop/secrets"])
        .args(["--method", &format!("org.freedesktop.Secret.Service.{method}")])
        .arg("[objectpath '/org/freedesktop/secrets/collection/login']")
        .stdout(Stdio::null())
        .status()
        .expect("run gdbus");
    assert!(status.success(), "gdbus {method} failed: {status}");
}

/// What tests/session.sh unlocks the login keyring with.
const TEST_KEYRING_PASSWORD: &[u8] = b"switchboard-test";

/// Unlocks the login collection with its password over gnome-keyring's own D-Bus interface
/// (the Secret Service's Unlock would need a person at a prompt). The password travels in a
/// "plain" Secret Service session, which is what that interface expects.
pub fn unlock_login_keyring() {
    let conn = dbus::blocking::Connection::new_session().expect("connect to the session bus");
    let service = conn.with_proxy(
        "org.freedesktop.secrets",
        "/org/freedesktop/secrets",
        Duration::from_secs(10),
    );
    let (_output, session): (Variant<Box<dyn RefArg>>, dbus::Path) = service
        .method_call("org.freedesktop.Secret.Service", "OpenSession", ("plain", Variant("")))
        .expect("open a plain Secret Service session");
    let secret = (session, Vec::<u8>::new(), TEST_KEYRING_PASSWORD.to_vec(), "text/plain");
    let login = dbus::Path::from("/org/freedesktop/secrets/collection/login");
    let () = service
        .method_call(
            "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
            "UnlockWithMasterPassword",
            (login, secret),
        )
        .expect("unlock the login keyring with the test password");
}
