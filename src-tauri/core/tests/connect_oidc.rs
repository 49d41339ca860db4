//! Connecting Google (pointed by an overrides file at oidc-provider, a real OpenID Connect
//! server) through the connector, as the app does it: loopback and deep-link redirects, the
//! id_token naming the account, tokens sealed in a real SQLite file with the key in the real
//! keyring. Also the callback cases of SECURITY.md A3, A6, A12, A13, A19, A20 and B10.

#[path = "support/connector.rs"]
mod connector;
#[path = "support/keyring.rs"]
mod keyring;
#[path = "support/oidc.rs"]
mod oidc;

use std::net::TcpStream;
use std::time::Duration;

use connector::{google_overrides, Harness};
use oidc::{approve_in_browser, approve_until_redirect, decline_in_browser, OidcServer};
use switchboard_core::connections::{
    browser_flow, connection_context, connection_owner, ConnectMethod, ConnectRequest, Connection, FlowState,
};
use switchboard_core::error::ErrorCode;
use switchboard_core::oauth::{receive_deep_link, DeepLinkOutcome};
use switchboard_core::vault::SecretStore;

const LOOPBACK: &str = "\"loopback\"";
const DEEP_LINK: &str = "\"deep_link\"";

fn google() -> ConnectRequest {
    ConnectRequest {
        provider: "google".into(),
        products: vec!["gmail".into(), "drive".into()],
        method: ConnectMethod::Browser,
        redirect: None,
    }
}

fn harness(server: &OidcServer, redirect: &str, test: &str, timeout: Duration) -> Harness {
    keyring::require_session_bus();
    Harness::new(
        &google_overrides(server, redirect),
        keyring::private_slot(test),
        timeout,
    )
}

fn connected(state: FlowState) -> Connection {
    match state {
        FlowState::Connected { connection } => connection,
        other => panic!("the sign-in must end connected, got {other:?}"),
    }
}

fn failure(state: FlowState) -> String {
    match state {
        FlowState::Failed { message, .. } => message,
        other => panic!("the sign-in must fail, got {other:?}"),
    }
}

fn query_value(url: &str, name: &str) -> String {
    let url = url::Url::parse(url).expect("a URL");
    let value = url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned());
    value.unwrap_or_else(|| panic!("{name} missing from {url}"))
}

fn loopback_port(authorize_url: &str) -> u16 {
    let redirect = url::Url::parse(&query_value(authorize_url, "redirect_uri")).expect("redirect_uri");
    redirect.port().expect("a loopback port")
}

#[tokio::test]
async fn a_loopback_sign_in_ends_connected_as_the_accounts_email_with_sealed_tokens() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "loopback", Duration::from_secs(30));
    let started = browser_flow::start(&harness.connector, &google())
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
    let connection = connected(harness.outcome(&started.flow_id).await);
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

    let key = harness.connector.key().expect("the key");
    let token = {
        let db = harness.connector.db();
        let context = connection_context("google", &connection.account_id);
        SecretStore::new(&db, &key)
            .get(&connection_owner(connection.id), &context, "access_token")
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

    let again = browser_flow::start(&harness.connector, &google())
        .await
        .expect("a second sign-in");
    approve_in_browser(&harness.browser_url(), "ana").await;
    let reconnected = connected(harness.outcome(&again.flow_id).await);
    assert_eq!(
        reconnected.id, connection.id,
        "the same account connected again keeps its connection"
    );
    assert_eq!(harness.connector.list_connections().expect("list").len(), 1);
}

#[tokio::test]
async fn a_deep_link_callback_is_used_once() {
    let server = OidcServer::start();
    let harness = harness(&server, DEEP_LINK, "deep-link", Duration::from_secs(30));
    let started = browser_flow::start(&harness.connector, &google())
        .await
        .expect("the sign-in starts");
    let redirect = approve_until_redirect(&harness.browser_url(), "ana").await;
    assert!(
        redirect.starts_with("switchboard://oauth/callback/google?"),
        "{redirect}"
    );
    let catalog = harness.connector.catalog();
    let pending = &harness.connector.pending;
    let first = receive_deep_link(redirect.as_bytes(), catalog, pending, harness.connector.now());
    assert_eq!(
        first.outcome,
        DeepLinkOutcome::Delivered,
        "the waiting sign-in takes the link"
    );
    let replay = receive_deep_link(redirect.as_bytes(), catalog, pending, harness.connector.now());
    assert_eq!(
        replay.outcome,
        DeepLinkOutcome::NoPendingFlow,
        "A3: the same callback again is ignored"
    );
    let connection = connected(harness.outcome(&started.flow_id).await);
    assert_eq!(connection.account_label, "ana@example.com");
}

#[tokio::test]
async fn declining_in_the_browser_says_so() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "decline", Duration::from_secs(30));
    let started = browser_flow::start(&harness.connector, &google())
        .await
        .expect("the sign-in starts");
    decline_in_browser(&harness.browser_url()).await;
    let message = failure(harness.outcome(&started.flow_id).await);
    assert!(
        message.contains("declined"),
        "A6: plain words for access_denied: {message}"
    );
    assert!(
        harness.connector.list_connections().expect("list").is_empty(),
        "nothing connected"
    );
}

#[tokio::test]
async fn a_callback_from_another_issuer_or_naming_none_is_refused() {
    let server = OidcServer::start();
    let harness = harness(&server, DEEP_LINK, "issuer", Duration::from_secs(30));
    let cases = [
        (
            "&iss=https%3A%2F%2Fevil.example",
            "unexpected issuer",
            "A12: a different iss",
        ),
        (
            "",
            "did not say which server",
            "A13: no iss from a server that advertises it",
        ),
    ];
    for (iss, expected, why) in cases {
        let started = browser_flow::start(&harness.connector, &google())
            .await
            .expect("the sign-in starts");
        let state = query_value(&harness.browser_url(), "state");
        let link = format!("switchboard://oauth/callback/google?code=forged&state={state}{iss}");
        let receipt = receive_deep_link(
            link.as_bytes(),
            harness.connector.catalog(),
            &harness.connector.pending,
            0,
        );
        assert_eq!(
            receipt.outcome,
            DeepLinkOutcome::Delivered,
            "the state matches, so the flow checks it"
        );
        let message = failure(harness.outcome(&started.flow_id).await);
        assert!(
            message.contains(expected),
            "{why} must be refused before the code is used: {message}"
        );
    }
    assert!(
        harness.connector.list_connections().expect("list").is_empty(),
        "nothing connected"
    );
}

#[tokio::test]
async fn a_sign_in_never_finished_times_out_and_closes_its_port() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "timeout", Duration::from_millis(500));
    let started = browser_flow::start(&harness.connector, &google())
        .await
        .expect("the sign-in starts");
    let port = loopback_port(&harness.browser_url());
    let message = failure(harness.outcome(&started.flow_id).await);
    assert!(
        message.contains("in time"),
        "A19: the flow says it timed out: {message}"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "A19: the port is closed after the timeout"
    );
}

#[tokio::test]
async fn cancel_ends_the_wait_and_closes_the_port() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "cancel", Duration::from_secs(30));
    let started = browser_flow::start(&harness.connector, &google())
        .await
        .expect("the sign-in starts");
    let port = loopback_port(&harness.browser_url());
    harness
        .connector
        .cancel(&started.flow_id)
        .expect("cancel a running sign-in");
    assert_eq!(
        harness.outcome(&started.flow_id).await,
        FlowState::Cancelled,
        "Cancel ends the flow"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the port is closed after Cancel"
    );
    let again = harness.connector.cancel(&started.flow_id).expect_err("cancelled once");
    assert_eq!(
        again.code,
        ErrorCode::NotFound,
        "an ended flow cannot be cancelled again"
    );
}

#[tokio::test]
async fn two_sign_ins_at_once_each_finish_with_their_own_verifier() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "two", Duration::from_secs(30));
    let first = browser_flow::start(&harness.connector, &google()).await.expect("first");
    let first_url = harness.browser_url();
    let second = browser_flow::start(&harness.connector, &google())
        .await
        .expect("second");
    let second_url = harness.browser_url();
    let (bob, ana) = tokio::join!(
        approve_in_browser(&second_url, "bob"),
        approve_in_browser(&first_url, "ana")
    );
    assert!(ana.0 && bob.0, "both browsers finish:\n{}\n{}", ana.1, bob.1);
    let labels = [
        connected(harness.outcome(&first.flow_id).await).account_label,
        connected(harness.outcome(&second.flow_id).await).account_label,
    ];
    assert_eq!(
        labels,
        ["ana@example.com", "bob@example.com"],
        "A20: each flow gets its own account"
    );
}

#[tokio::test]
async fn without_a_client_id_the_sign_in_does_not_start() {
    keyring::require_session_bus();
    let harness = Harness::new("", keyring::private_slot("unconfigured"), Duration::from_secs(5));
    let error = browser_flow::start(&harness.connector, &google())
        .await
        .expect_err("no client ID");
    assert_eq!(
        error.code,
        ErrorCode::NotConfigured,
        "the UI offers Settings for this code"
    );
    assert!(
        error.message.contains("Settings"),
        "the message says where to fix it: {}",
        error.message
    );
    assert!(
        harness.opened.try_recv().is_err(),
        "no browser is opened for a sign-in that cannot work"
    );
}

#[tokio::test]
async fn a_deleted_keyring_key_leaves_connections_needing_reauthorization() {
    let server = OidcServer::start();
    let overrides = google_overrides(&server, LOOPBACK);
    keyring::require_session_bus();
    let slot = keyring::private_slot("deleted-key");
    let harness = Harness::new(&overrides, slot.clone(), Duration::from_secs(30));
    let started = browser_flow::start(&harness.connector, &google())
        .await
        .expect("the sign-in starts");
    approve_in_browser(&harness.browser_url(), "ana").await;
    let connection = connected(harness.outcome(&started.flow_id).await);

    keyring::entry(&slot)
        .delete_credential()
        .expect("the person deletes the key in Seahorse");
    let Harness { data, .. } = harness;
    let restarted = Harness::in_dir(data, &overrides, slot, Duration::from_secs(30));
    restarted.connector.reconcile_at_start().expect("start-up check");
    let listed = restarted.connector.list_connections().expect("list");
    assert_eq!(listed.len(), 1, "E4: the database and the connection are kept");
    assert_eq!(listed[0].id, connection.id);
    assert!(
        matches!(&listed[0].status, switchboard_core::connections::ConnectionStatus::NeedsReauthorization { reason } if reason.contains("Connect it again")),
        "E4: a connection whose key is gone needs re-authorization, got {:?}",
        listed[0].status
    );
}

#[tokio::test]
async fn a_loopback_answer_replayed_as_a_deep_link_is_ignored() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "replay", Duration::from_secs(30));
    let started = browser_flow::start(&harness.connector, &google())
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
            harness.connector.catalog(),
            &harness.connector.pending,
            0,
        )
    };
    assert_eq!(
        deliver().outcome,
        DeepLinkOutcome::NoPendingFlow,
        "A3: a loopback flow never takes a deep link"
    );
    let status = tokio::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", &answer])
        .status()
        .await;
    assert!(
        status.expect("curl").success(),
        "the browser delivers the answer over loopback"
    );
    connected(harness.outcome(&started.flow_id).await);
    assert_eq!(
        deliver().outcome,
        DeepLinkOutcome::NoPendingFlow,
        "A3: nor after it finished"
    );
    assert_eq!(
        harness.connector.list_connections().expect("list").len(),
        1,
        "one answer, one connection"
    );
}

#[tokio::test]
async fn a_deep_link_sign_in_never_finished_times_out_and_stops_waiting() {
    let server = OidcServer::start();
    let harness = harness(&server, DEEP_LINK, "deep-link-timeout", Duration::from_millis(500));
    let started = browser_flow::start(&harness.connector, &google())
        .await
        .expect("the sign-in starts");
    let state = query_value(&harness.browser_url(), "state");
    let message = failure(harness.outcome(&started.flow_id).await);
    assert!(
        message.contains("in time"),
        "A19: the flow says it timed out: {message}"
    );
    let late = format!("switchboard://oauth/callback/google?code=c&state={state}");
    let receipt = receive_deep_link(
        late.as_bytes(),
        harness.connector.catalog(),
        &harness.connector.pending,
        0,
    );
    assert_eq!(
        receipt.outcome,
        DeepLinkOutcome::NoPendingFlow,
        "A19: a late answer finds nothing waiting"
    );
}
