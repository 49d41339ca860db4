//! Deleting a connection through the core's services: revocation at the provider (GitHub's grant
//! endpoint, RFC 7009 — also against oidc-provider — and Slack's bearer call), local secrets
//! gone whatever the answer (looked for in the database bytes), the key untouched, and C10: a
//! failed revocation is kept, shown and retried later.

use crate::support::connector;
use crate::support::fake_provider;
use crate::support::oidc;
use crate::support::operations_cases;

use std::collections::BTreeMap;

use base64::Engine;
use fake_provider::{FakeProvider, Reply};
use switchboard_core::connections::{ConnectMethod, ConnectRequest, CredentialsRequest, FlowState, RevocationOutcome};
use switchboard_core::error::ErrorCode;
use switchboard_core::vault::MasterKey;

use operations_cases::*;

#[tokio::test]
async fn delete_revokes_the_github_grant_and_leaves_no_secret_and_the_key_untouched() {
    let fake = FakeProvider::start().await;
    fake.script("/applications/client-1/grant", [Reply::empty(204)]);
    let (harness, slot, connection) = github("delete", &fake).await;
    let services = &harness.services;
    services
        .renewal
        .refresh_now(connection.id)
        .await
        .expect("a renewal rotates both tokens");
    let key_id = services.keys.key().expect("the key").id().to_owned();

    let outcome = services
        .operations
        .delete_connection(connection.id)
        .await
        .expect("delete");
    assert_eq!(outcome.revocation, RevocationOutcome::Revoked, "GitHub answered 204");
    let revoke = fake.requests_to("/applications/client-1/grant");
    assert_eq!(revoke.len(), 1, "one revocation request observed at the provider");
    assert_eq!(revoke[0].method, "DELETE", "GitHub's grant endpoint takes DELETE");
    let basic = base64::engine::general_purpose::STANDARD.encode("client-1:secret-1");
    assert_eq!(
        revoke[0].header("authorization"),
        Some(&*format!("Basic {basic}")),
        "the client as HTTP Basic"
    );
    assert_eq!(revoke[0].header("accept"), Some("application/vnd.github+json"));
    let body: serde_json::Value = serde_json::from_slice(&revoke[0].body).expect("a JSON body");
    assert_eq!(
        body["access_token"], SECOND_ACCESS,
        "the current access token names the grant"
    );

    assert!(services.store.list().expect("list").is_empty(), "no row left");
    assert_eq!(
        services.store.get(connection.id).expect_err("gone").code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        secrets_of(&harness, "connection:"),
        0,
        "no secret row of the connection left"
    );
    assert!(
        services.revocations.pending().expect("pending").is_empty(),
        "nothing left to retry"
    );
    let bytes = harness.database_bytes();
    for token in [FIRST_ACCESS, FIRST_REFRESH, SECOND_ACCESS, SECOND_REFRESH] {
        assert!(
            !in_bytes(&bytes, token),
            "{token} must appear nowhere in the database file or its WAL"
        );
    }
    assert_eq!(
        services.keys.key().expect("the key").id(),
        key_id,
        "the master key is the same"
    );
    let stored = MasterKey::load_existing(&slot)
        .expect("the keyring answers")
        .expect("the key is still there");
    assert_eq!(
        stored.id(),
        key_id,
        "deleting a connection never touches the keyring's key"
    );
}

#[tokio::test]
async fn c10_a_revocation_answered_503_deletes_locally_anyway_and_is_retried_later() {
    let fake = FakeProvider::start().await;
    let grant = "/applications/client-1/grant";
    fake.script(
        grant,
        [
            Reply::json(503, r#"{"message":"Service unavailable"}"#),
            Reply::empty(204),
        ],
    );
    let (harness, _slot, connection) = github("c10", &fake).await;
    let services = &harness.services;

    let outcome = services
        .operations
        .delete_connection(connection.id)
        .await
        .expect("delete goes on");
    let RevocationOutcome::Pending { message } = &outcome.revocation else {
        panic!("C10: a 503 leaves the revocation pending, got {outcome:?}");
    };
    assert!(
        message.contains("503") && !message.contains(FIRST_ACCESS),
        "says why, without the token: {message}"
    );
    assert!(
        services.store.list().expect("list").is_empty(),
        "C10: the row is deleted anyway"
    );
    assert_eq!(
        secrets_of(&harness, "connection:"),
        0,
        "C10: local secrets deleted anyway"
    );
    let pending = services.revocations.pending().expect("pending");
    assert_eq!(pending.len(), 1, "C10: the revocation is recorded and shown");
    assert_eq!(
        (pending[0].provider.as_str(), pending[0].account_label.as_str()),
        ("github", "octocat")
    );
    assert_eq!(pending[0].attempts, 1);
    assert_eq!(
        secrets_of(&harness, "revocation:"),
        1,
        "the token to revoke is kept sealed"
    );
    assert!(
        !in_bytes(&harness.database_bytes(), FIRST_ACCESS),
        "sealed, not in plain text"
    );

    let now = services.context.now();
    let early = services.revocations.retry_due(now).await.expect("retry");
    assert_eq!(early.still_pending, 0, "nothing is due yet");
    assert_eq!(fake.requests_to(grant).len(), 1, "no retry before its time");

    let later = services.revocations.retry_due(now + 3600).await.expect("retry");
    assert_eq!(later.revoked, 1, "C10: revoked on the retry");
    let requests = fake.requests_to(grant);
    assert_eq!(requests.len(), 2, "the retry is observed at the provider");
    let body: serde_json::Value = serde_json::from_slice(&requests[1].body).expect("a JSON body");
    assert_eq!(body["access_token"], FIRST_ACCESS, "the same grant is revoked");
    assert!(
        services.revocations.pending().expect("pending").is_empty(),
        "cleared once revoked"
    );
    assert_eq!(secrets_of(&harness, "revocation:"), 0, "and its sealed token deleted");
    let revokes: Vec<String> = services
        .operations
        .audit_entries(None)
        .expect("audit")
        .into_iter()
        .filter(|entry| entry.operation == "revoke")
        .map(|entry| entry.outcome)
        .collect();
    assert_eq!(revokes, ["retrying", "ok"], "both tries are in the audit log");
}

#[tokio::test]
async fn rfc7009_revocation_posts_the_refresh_token_with_the_client() {
    let fake = FakeProvider::start().await;
    fake.script(
        "/token",
        [Reply::json(
            200,
            r#"{"access_token":"at-9","refresh_token":"rt-9","expires_in":3600,"scope":"read:me"}"#,
        )],
    );
    fake.script(
        "/me",
        [Reply::json(200, r#"{"account_id":"a-1","email":"ana@example.com"}"#)],
    );
    fake.script(
        "/oauth/token/accessible-resources",
        [Reply::json(
            200,
            r#"[{"id":"s-1","name":"acme","url":"https://acme.atlassian.net","scopes":[]}]"#,
        )],
    );
    fake.script("/oauth/revoke", [Reply::json(200, "{}")]);
    let (harness, _slot) = harness_for(&overrides("atlassian", &fake, "/oauth/revoke"), "rfc7009");
    let connection = connect(&harness, "atlassian").await;

    let outcome = harness
        .services
        .operations
        .delete_connection(connection.id)
        .await
        .expect("delete");
    assert_eq!(outcome.revocation, RevocationOutcome::Revoked);
    let revoke = &fake.requests_to("/oauth/revoke")[0];
    assert_eq!(revoke.method, "POST");
    let form: BTreeMap<String, String> = revoke.form().into_iter().collect();
    assert_eq!(
        form.get("token").map(String::as_str),
        Some("rt-9"),
        "RFC 7009: the refresh token ends the grant"
    );
    assert_eq!(form.get("token_type_hint").map(String::as_str), Some("refresh_token"));
    assert_eq!(
        form.get("client_id").map(String::as_str),
        Some("client-1"),
        "the client identifies itself"
    );
    assert_eq!(form.get("client_secret").map(String::as_str), Some("secret-1"));
}

#[tokio::test]
async fn slack_revocation_is_a_bearer_call_and_a_pasted_telegram_token_is_not_revoked() {
    let fake = FakeProvider::start().await;
    fake.script(
        "/token",
        [Reply::json(
            200,
            r#"{"ok":true,"access_token":"xoxp-77","scope":"channels:read"}"#,
        )],
    );
    fake.script(
        "/auth.test",
        [Reply::json(200, r#"{"ok":true,"user_id":"U1","team":"Acme"}"#)],
    );
    fake.script("/auth.revoke", [Reply::json(200, r#"{"ok":true,"revoked":true}"#)]);
    let (harness, _slot) = harness_for(&overrides("slack", &fake, "/auth.revoke"), "slack");
    let slack = connect(&harness, "slack").await;
    let outcome = harness
        .services
        .operations
        .delete_connection(slack.id)
        .await
        .expect("delete");
    assert_eq!(outcome.revocation, RevocationOutcome::Revoked, "Slack said ok:true");
    let revoke = &fake.requests_to("/auth.revoke")[0];
    assert_eq!(
        (revoke.method.as_str(), revoke.header("authorization")),
        ("POST", Some("Bearer xoxp-77"))
    );

    fake.script(
        "/bot123:tok/getMe",
        [Reply::json(
            200,
            r#"{"ok":true,"result":{"id":42,"username":"ana_bot"}}"#,
        )],
    );
    let request = CredentialsRequest {
        provider: "telegram".into(),
        products: vec![],
        values: BTreeMap::from([("token".to_owned(), "123:tok".to_owned())]),
    };
    let overrides = format!("[providers.telegram]\napi_base_url = \"{}\"\n", fake.url(""));
    let (harness, _slot) = harness_for(&overrides, "telegram");
    let bot = harness
        .services
        .sign_ins
        .connect_with_credentials(&request)
        .await
        .expect("a bot");
    let before = fake.requests().len();
    let outcome = harness
        .services
        .operations
        .delete_connection(bot.id)
        .await
        .expect("delete");
    assert_eq!(
        outcome.revocation,
        RevocationOutcome::NotSupported,
        "a pasted token is the person's to revoke"
    );
    assert_eq!(fake.requests().len(), before, "no request is made for it");
    assert_eq!(secrets_of(&harness, "connection:"), 0, "its secret is deleted");
}

#[tokio::test]
async fn google_is_tested_at_userinfo_and_its_grant_revoked_at_a_real_rfc7009_server() {
    let server = oidc::OidcServer::start();
    let (harness, _slot) = harness_for(&connector::google_overrides(&server, "\"loopback\""), "google");
    let request = ConnectRequest {
        provider: "google".into(),
        products: vec!["gmail".into()],
        method: ConnectMethod::Browser,
        redirect: None,
        connection: None,
        scopes: vec![],
    };
    let started = harness
        .services
        .sign_ins
        .start(&request)
        .await
        .expect("the sign-in starts");
    let (approved, printed) = oidc::approve_in_browser(&harness.browser_url(), "ana").await;
    assert!(approved, "the browser stand-in finishes:\n{printed}");
    let FlowState::Connected { connection } = harness.outcome(&started.flow_id).await else {
        panic!("the sign-in must end connected");
    };

    let test = harness
        .services
        .operations
        .test_connection(connection.id)
        .await
        .expect("a test");
    assert!(test.ok, "oidc-provider's userinfo answered: {}", test.message);
    assert!(
        test.message.contains("ana@example.com"),
        "named by userinfo's email: {}",
        test.message
    );
    let access = harness
        .services
        .renewal
        .access_token(connection.id)
        .await
        .expect("the token");

    let outcome = harness
        .services
        .operations
        .delete_connection(connection.id)
        .await
        .expect("delete");
    assert_eq!(
        outcome.revocation,
        RevocationOutcome::Revoked,
        "oidc-provider accepted the revocation"
    );
    let userinfo = reqwest::Client::new()
        .get(server.url("/me"))
        .bearer_auth(access.expose())
        .send()
        .await
        .expect("ask userinfo");
    assert_eq!(
        userinfo.status().as_u16(),
        401,
        "revoking the refresh token ended the whole grant at the provider, its access token too"
    );
}
