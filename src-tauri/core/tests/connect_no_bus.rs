//! No session D-Bus at all (SECURITY.md A23, E1): the keyring cannot be reached, so a sign-in
//! reports `KeyringUnavailable` and creates nothing; in session-only mode a loopback sign-in
//! against oidc-provider still connects (loopback needs no bus; deep links do). Alone in its
//! binary: libdbus reads the bus address once per process, so it is taken away first thing.

#[path = "integration/support/connector.rs"]
mod connector;
#[path = "integration/support/google_flow.rs"]
mod google_flow;
#[path = "integration/support/keyring.rs"]
mod keyring;
#[path = "integration/support/node.rs"]
mod node;
#[path = "integration/support/oidc.rs"]
mod oidc;

use std::time::Duration;

use connector::{google_overrides, Harness};
use google_flow::{google, LOOPBACK};
use oidc::{approve_in_browser, OidcServer};
use switchboard_core::error::ErrorCode;

#[tokio::test]
async fn without_a_session_bus_loopback_sign_in_works_in_session_only_mode() {
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/switchboard-test-bus",
    );
    let server = OidcServer::start();
    let harness = Harness::new(
        &google_overrides(&server, LOOPBACK),
        keyring::private_slot("no-bus"),
        Duration::from_secs(30),
    );
    let refused = harness
        .services
        .sign_ins
        .start(&google())
        .await
        .expect_err("no keyring");
    assert_eq!(
        refused.code(),
        ErrorCode::KeyringUnavailable,
        "E1: the UI offers session-only mode for this"
    );
    assert!(
        harness.opened.try_recv().is_err(),
        "no browser for a sign-in that could not be saved"
    );

    harness.services.keys.use_session_only();
    let started = harness
        .services
        .sign_ins
        .start(&google())
        .await
        .expect("session-only sign-in");
    let (approved, printed) = approve_in_browser(&harness.browser_url(), "ana").await;
    assert!(approved, "the browser stand-in finishes:\n{printed}");
    let connection = harness.connected(harness.outcome(&started.flow_id).await);
    assert_eq!(
        connection.account_label, "ana@example.com",
        "A23: loopback works without D-Bus"
    );
    assert!(connection.session_only, "made with the in-memory key");
}
