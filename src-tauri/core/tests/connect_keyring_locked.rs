//! The core when the keyring cannot be used (SECURITY.md E1–E3 at the level a person
//! meets them): a sign-in does not start and no key is created, session-only mode connects with
//! a key in memory, and the next start forgets what was connected that way. Alone in its
//! binary: it locks the session's keyring.

#[path = "integration/support/connector.rs"]
mod connector;
#[path = "integration/support/keyring.rs"]
mod keyring;
#[path = "integration/support/node.rs"]
mod node;
#[path = "integration/support/oidc.rs"]
mod oidc;

use std::time::Duration;

use connector::{google_overrides, Harness};
use oidc::{approve_in_browser, OidcServer};
use switchboard_core::connections::{ConnectMethod, ConnectRequest, FlowState};
use switchboard_core::error::ErrorCode;
use switchboard_core::vault::KeyMode;

#[tokio::test]
async fn a_locked_keyring_stops_the_sign_in_and_session_only_mode_forgets_at_restart() {
    keyring::require_session_bus();
    let server = OidcServer::start();
    let overrides = google_overrides(&server, "\"loopback\"");
    let slot = keyring::private_slot("session-only");
    let harness = Harness::new(&overrides, slot.clone(), Duration::from_secs(30));
    let request = ConnectRequest {
        provider: "google".into(),
        products: vec![],
        method: ConnectMethod::Browser,
        redirect: None,
        connection: None,
        scopes: vec![],
    };

    keyring::lock_login_keyring();
    let refused = harness.services.sign_ins.start(&request).await;
    let entry_after = keyring::entry(&slot).get_secret();
    keyring::unlock_login_keyring();
    let error = refused.expect_err("a locked keyring must stop the sign-in");
    assert_eq!(
        error.code(),
        ErrorCode::KeyringUnavailable,
        "the UI offers session-only mode for this code"
    );
    assert!(
        error.to_string().contains("locked"),
        "the message says the keyring is locked: {}",
        error
    );
    assert!(
        matches!(entry_after, Err(keyring::NoEntry)),
        "E1/E3: no key may be created while the keyring errors, got {entry_after:?}"
    );
    assert!(
        harness.opened.try_recv().is_err(),
        "no browser for a sign-in that cannot be saved"
    );

    harness.services.keys.use_session_only();
    assert_eq!(
        harness.services.keys.mode(),
        KeyMode::SessionOnly,
        "Settings shows session-only mode"
    );
    let started = harness
        .services
        .sign_ins
        .start(&request)
        .await
        .expect("session-only sign-in starts");
    approve_in_browser(&harness.browser_url(), "ana").await;
    let connection = match harness.outcome(&started.flow_id).await {
        FlowState::Connected { connection } => *connection,
        other => panic!("the session-only sign-in connects, got {other:?}"),
    };
    assert!(connection.session_only, "the connection is marked session-only");
    assert!(
        matches!(keyring::entry(&slot).get_secret(), Err(keyring::NoEntry)),
        "session-only mode never writes a key to the keyring"
    );

    let Harness { data, .. } = harness;
    let restarted = Harness::in_dir(data, &overrides, slot, Duration::from_secs(30));
    restarted.services.store.reconcile_at_start().expect("start-up check");
    assert!(
        restarted.services.store.list().expect("list").is_empty(),
        "a session-only connection is forgotten at the next start"
    );
    let secrets: i64 = restarted
        .services
        .context
        .db()
        .conn()
        .query_row("SELECT count(*) FROM secrets", [], |row| row.get(0))
        .expect("count secrets");
    assert_eq!(secrets, 0, "and so are its sealed tokens");
}
