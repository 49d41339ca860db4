//! Connecting Google (pointed by an overrides file at oidc-provider, a real OpenID Connect
//! server) through the core's services, as the app does it: loopback and deep-link redirects, the
//! id_token naming the account, tokens sealed in a real SQLite file with the key in the real
//! keyring; replays (A3), two flows at once (A20), granted scopes (B10), a deleted key (E4).

use crate::support::connector;
use crate::support::google_flow;
use crate::support::keyring;
use crate::support::oidc;

use std::net::TcpStream;
use std::time::Duration;

use connector::{google_overrides, Harness};
use google_flow::{google, harness, loopback_port, DEEP_LINK, LOOPBACK};
use oidc::{approve_in_browser, approve_until_redirect, OidcServer};
use switchboard_core::connections::{connection_context, SecretOwner};
use switchboard_core::oauth::{receive_deep_link, DeepLinkOutcome};
use switchboard_core::vault::SecretStore;

#[tokio::test]
async fn a_loopback_sign_in_ends_connected_as_the_accounts_email_with_sealed_tokens() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "loopback", Duration::from_secs(30));
    let started = harness
        .services
        .sign_ins
        .start(&google())
        .await
        .expect("the sign-in starts");
    let url = harness.browser_url();
    assert!(
        url.contains("code_challenge_method=S256"),
        "PKCE S256 on every request: {url}"
    );
    assert!(
        url.contains("access_type=offline"),
        "Google's extra parameters are sent: {url}"
    );
    let (approved, printed) = approve_in_browser(&url, "ana").await;
    assert!(approved, "the browser stand-in finishes:\n{printed}");
    let connection = harness.connected(harness.outcome(&started.flow_id).await);
    assert_eq!(
        connection.account_label, "ana@example.com",
        "the id_token's email names the account"
    );
    assert_eq!(
        connection.account_id,
        format!("{}|ana", server.issuer),
        "keyed by (iss, sub)"
    );
    assert!(connection.expires_at.is_some(), "the access token's expiry is recorded");
    assert!(
        connection.scopes.contains(&"openid".to_owned())
            && !connection.scopes.iter().any(|scope| scope.contains("gmail")),
        "B10: the scopes stored are those granted, not those asked: {:?}",
        connection.scopes
    );
    assert_eq!(connection.products, ["gmail", "drive"], "the chosen products");
    assert!(
        TcpStream::connect(("127.0.0.1", loopback_port(&url))).is_err(),
        "the loopback listener closes once its callback came"
    );

    let key = harness.services.keys.key().expect("the key");
    let token = {
        let db = harness.services.context.db();
        let context = connection_context("google", &connection.account_id);
        SecretStore::new(&db, &key)
            .get(&SecretOwner::Connection(connection.id).key(), &context, "access_token")
            .expect("readable")
            .expect("an access token is stored")
    };
    let bytes = harness.database_bytes();
    assert!(
        !bytes
            .windows(token.expose().len())
            .any(|window| window == token.expose().as_bytes()),
        "the access token must be stored encrypted only"
    );

    let again = harness
        .services
        .sign_ins
        .start(&google())
        .await
        .expect("a second sign-in");
    approve_in_browser(&harness.browser_url(), "ana").await;
    let reconnected = harness.connected(harness.outcome(&again.flow_id).await);
    assert_eq!(
        reconnected.id, connection.id,
        "the same account connected again keeps its connection"
    );
    assert_eq!(harness.services.store.list().expect("list").len(), 1);
}

#[tokio::test]
async fn a_deep_link_callback_is_used_once() {
    let server = OidcServer::start();
    let harness = harness(&server, DEEP_LINK, "deep-link", Duration::from_secs(30));
    let started = harness
        .services
        .sign_ins
        .start(&google())
        .await
        .expect("the sign-in starts");
    let redirect = approve_until_redirect(&harness.browser_url(), "ana").await;
    assert!(
        redirect.starts_with("switchboard://oauth/callback/google?"),
        "{redirect}"
    );
    let catalog = harness.services.context.catalog();
    let pending = harness.services.sign_ins.pending();
    let first = receive_deep_link(redirect.as_bytes(), catalog, pending, harness.services.context.now());
    assert_eq!(
        first.outcome,
        DeepLinkOutcome::Delivered,
        "the waiting sign-in takes the link"
    );
    let replay = receive_deep_link(redirect.as_bytes(), catalog, pending, harness.services.context.now());
    assert_eq!(
        replay.outcome,
        DeepLinkOutcome::NoPendingFlow,
        "A3: the same callback again is ignored"
    );
    let connection = harness.connected(harness.outcome(&started.flow_id).await);
    assert_eq!(connection.account_label, "ana@example.com");
}

#[tokio::test]
async fn two_sign_ins_at_once_each_finish_with_their_own_verifier() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "two", Duration::from_secs(30));
    let first = harness.services.sign_ins.start(&google()).await.expect("first");
    let first_url = harness.browser_url();
    let second = harness.services.sign_ins.start(&google()).await.expect("second");
    let second_url = harness.browser_url();
    let (bob, ana) = tokio::join!(
        approve_in_browser(&second_url, "bob"),
        approve_in_browser(&first_url, "ana")
    );
    assert!(ana.0 && bob.0, "both browsers finish:\n{}\n{}", ana.1, bob.1);
    let labels = [
        harness.connected(harness.outcome(&first.flow_id).await).account_label,
        harness.connected(harness.outcome(&second.flow_id).await).account_label,
    ];
    assert_eq!(
        labels,
        ["ana@example.com", "bob@example.com"],
        "A20: each flow gets its own account"
    );
}

#[tokio::test]
async fn a_loopback_answer_replayed_as_a_deep_link_is_ignored() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "replay", Duration::from_secs(30));
    let started = harness
        .services
        .sign_ins
        .start(&google())
        .await
        .expect("the sign-in starts");
    let answer = approve_until_redirect(&harness.browser_url(), "ana").await;
    let query = answer
        .split_once('?')
        .map(|(_, query)| query)
        .expect("the answer's query");
    let as_link = format!("switchboard://oauth/callback/google?{query}");
    let deliver = || {
        receive_deep_link(
            as_link.as_bytes(),
            harness.services.context.catalog(),
            harness.services.sign_ins.pending(),
            0,
        )
    };
    assert_eq!(
        deliver().outcome,
        DeepLinkOutcome::NoPendingFlow,
        "A3: a loopback flow never takes a deep link"
    );
    connector::browse(&answer).await; // the browser delivers the answer over loopback
    harness.connected(harness.outcome(&started.flow_id).await);
    assert_eq!(
        deliver().outcome,
        DeepLinkOutcome::NoPendingFlow,
        "A3: nor after it finished"
    );
    assert_eq!(
        harness.services.store.list().expect("list").len(),
        1,
        "one answer, one connection"
    );
}

#[tokio::test]
async fn a_deleted_keyring_key_leaves_connections_needing_reauthorization() {
    let server = OidcServer::start();
    let overrides = google_overrides(&server, LOOPBACK);
    keyring::require_session_bus();
    let slot = keyring::private_slot("deleted-key");
    let harness = Harness::new(&overrides, slot.clone(), Duration::from_secs(30));
    let started = harness
        .services
        .sign_ins
        .start(&google())
        .await
        .expect("the sign-in starts");
    approve_in_browser(&harness.browser_url(), "ana").await;
    let connection = harness.connected(harness.outcome(&started.flow_id).await);

    keyring::entry(&slot)
        .delete_credential()
        .expect("the person deletes the key in Seahorse");
    let Harness { data, .. } = harness;
    let restarted = Harness::in_dir(data, &overrides, slot, Duration::from_secs(30));
    restarted.services.store.reconcile_at_start().expect("start-up check");
    let listed = restarted.services.store.list().expect("list");
    assert_eq!(listed.len(), 1, "E4: the database and the connection are kept");
    assert_eq!(listed[0].id, connection.id);
    assert!(
        matches!(&listed[0].status, switchboard_core::connections::ConnectionStatus::NeedsReauthorization { reason } if reason.contains("Connect it again")),
        "E4: a connection whose key is gone needs re-authorization, got {:?}",
        listed[0].status
    );
}

#[tokio::test]
async fn re_authorizing_keeps_the_connection_and_refuses_another_account() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "reauthorize", Duration::from_secs(30));
    let mut gmail_only = google();
    gmail_only.products = vec!["gmail".into()];
    let started = harness
        .services
        .sign_ins
        .start(&gmail_only)
        .await
        .expect("first sign-in");
    approve_in_browser(&harness.browser_url(), "ana").await;
    let original = harness.connected(harness.outcome(&started.flow_id).await);

    let mut renew = gmail_only.clone();
    renew.products = vec!["drive".into()];
    renew.connection = Some(original.id);
    let again = harness
        .services
        .sign_ins
        .start(&renew)
        .await
        .expect("re-authorization starts");
    let url = harness.browser_url();
    let asked = google_flow::query_value(&url, "scope");
    for scope in [
        "openid",
        "offline_access",
        "https://www.googleapis.com/auth/gmail.readonly",
        "https://www.googleapis.com/auth/drive.readonly",
    ] {
        assert!(
            asked.split(' ').any(|s| s == scope),
            "the union of granted and newly needed scopes is asked: {scope} in {asked}"
        );
    }
    approve_in_browser(&url, "ana").await;
    let renewed = harness.connected(harness.outcome(&again.flow_id).await);
    assert_eq!(renewed.id, original.id, "re-authorizing keeps the connection id");
    assert_eq!(renewed.products, ["gmail", "drive"], "and adds the products asked for");

    let as_bob = harness
        .services
        .sign_ins
        .start(&renew)
        .await
        .expect("re-authorization starts");
    approve_in_browser(&harness.browser_url(), "bob").await;
    match harness.outcome(&as_bob.flow_id).await {
        switchboard_core::connections::FlowState::Failed { message, .. } => assert!(
            message.contains("bob@example.com") && message.contains("ana@example.com"),
            "signing in as someone else is refused, naming both: {message}"
        ),
        other => panic!("another account must not replace this connection, got {other:?}"),
    }
    assert_eq!(
        harness.services.store.list().expect("list").len(),
        1,
        "bob was not added or swapped in"
    );
}
