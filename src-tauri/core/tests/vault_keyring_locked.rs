//! SECURITY.md E3 (and E2's "keyring errors on a later run"): with the keyring locked and no
//! one to unlock it, the existing key is reported unavailable, no new key is written, and once
//! unlocked the same key is read again. Alone in its binary: it locks the session's keyring.

#[path = "support/keyring.rs"]
mod keyring_support;

use std::process::{Command, Stdio};
use std::time::Duration;

use dbus::arg::{RefArg, Variant};

use keyring_support::{entry, private_slot, require_session_bus};
use switchboard_core::vault::{KeyError, MasterKey};

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
fn unlock_login_keyring() {
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

#[test]
fn a_locked_keyring_reports_unavailable_and_never_replaces_the_key() {
    require_session_bus();
    let slot = private_slot("locked");
    let original = MasterKey::load_or_create(&slot).expect("create the key while unlocked");

    secret_service("Lock");
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
