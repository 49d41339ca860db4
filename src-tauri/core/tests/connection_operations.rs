//! A connection's operations through the connector, against loopback doubles speaking the
//! providers' documented shapes and against oidc-provider (a real RFC 7009 server): disable and
//! enable, rename, test (identity request, renewal after a 401), delete with revocation (GitHub's
//! grant endpoint, RFC 7009, Slack's bearer call; C10: a failed revocation is retried later),
//! and the audit log with its JSON Lines export. Secrets are looked for in the database bytes.

#[path = "support/connector.rs"]
mod connector;
#[path = "support/fake_provider.rs"]
mod fake_provider;
#[path = "support/keyring.rs"]
mod keyring;
#[path = "support/oidc.rs"]
mod oidc;

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine;
use connector::Harness;
use fake_provider::{FakeProvider, Reply};
use switchboard_core::connections::{
    browser_flow, credentials, ConnectMethod, ConnectRequest, Connection, ConnectionStatus, CredentialsRequest,
    FlowState, RevocationOutcome,
};
use switchboard_core::error::ErrorCode;
use switchboard_core::vault::{KeyringSlot, MasterKey};

const FIRST_ACCESS: &str = "gho_first_access_T0KEN";
const FIRST_REFRESH: &str = "ghr_first_refresh_T0KEN";
const SECOND_ACCESS: &str = "gho_second_access_T0KEN";
const SECOND_REFRESH: &str = "ghr_second_refresh_T0KEN";

/// `provider` pointed at the fake, with client-1 / secret-1 and its revocation endpoint there.
fn overrides(provider: &str, fake: &FakeProvider, revocation_path: &str) -> String {
    format!(
        "[providers.{provider}]\nclient_id = \"client-1\"\nclient_secret = \"secret-1\"\napi_base_url = \"{api}\"\n\
         [providers.{provider}.oauth]\nauthorize_url = \"{authorize}\"\ntoken_url = \"{token}\"\nrevocation_url = \"{revoke}\"\n",
        api = fake.url(""),
        authorize = fake.url("/authorize"),
        token = fake.url("/token"),
        revoke = fake.url(revocation_path),
    )
}

fn harness_for(overrides: &str, test: &str) -> (Harness, KeyringSlot) {
    keyring::require_session_bus();
    let slot = keyring::private_slot(test);
    let data = tempfile::tempdir().expect("a data directory");
    let harness = Harness::configured(data, overrides, slot.clone(), Duration::from_secs(20), |config| {
        config.request_policy.second = Duration::from_millis(10);
    });
    (harness, slot)
}

/// Signs in with `provider` through the browser flow; the fake approves at once.
async fn connect(harness: &Harness, provider: &str) -> Connection {
    let request = ConnectRequest {
        provider: provider.into(),
        products: vec![],
        method: ConnectMethod::Browser,
        redirect: None,
        connection: None,
    };
    let started = browser_flow::start(&harness.connector, &request)
        .await
        .expect("the sign-in starts");
    let url = url::Url::parse(&harness.browser_url()).expect("an authorization URL");
    let value = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.into_owned())
    };
    let back = format!(
        "{}?code=the-code&state={}",
        value("redirect_uri").expect("redirect_uri"),
        value("state").expect("state")
    );
    let status = tokio::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", &back])
        .status()
        .await;
    assert!(
        status.expect("curl runs").success(),
        "the browser stand-in reaches {back}"
    );
    match harness.outcome(&started.flow_id).await {
        FlowState::Connected { connection } => connection,
        other => panic!("the sign-in must end connected, got {other:?}"),
    }
}

/// A GitHub App user token that expires and can be renewed (the second /token answer renews).
async fn github(test: &str, fake: &FakeProvider) -> (Harness, KeyringSlot, Connection) {
    let tokens = |access: &str, refresh: &str| {
        Reply::json(
            200,
            &format!(
                r#"{{"access_token":"{access}","refresh_token":"{refresh}","expires_in":28800,"token_type":"bearer","scope":"repo,read:user"}}"#
            ),
        )
    };
    fake.script(
        "/token",
        [
            tokens(FIRST_ACCESS, FIRST_REFRESH),
            tokens(SECOND_ACCESS, SECOND_REFRESH),
        ],
    );
    fake.script("/user", [Reply::json(200, r#"{"id":583231,"login":"octocat"}"#)]);
    let (harness, slot) = harness_for(&overrides("github", fake, "/applications/{client_id}/grant"), test);
    let connection = connect(&harness, "github").await;
    (harness, slot, connection)
}

fn in_bytes(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|window| window == text.as_bytes())
}

fn secrets_of(harness: &Harness, owner_prefix: &str) -> i64 {
    harness
        .connector
        .db()
        .conn()
        .query_row(
            "SELECT count(*) FROM secrets WHERE owner LIKE ?1 || '%'",
            [owner_prefix],
            |row| row.get(0),
        )
        .expect("count secrets")
}

#[tokio::test]
async fn a_disabled_connection_is_refused_for_use_until_enabled_and_a_label_shows_on_it() {
    let fake = FakeProvider::start().await;
    let (harness, _slot, connection) = github("disable", &fake).await;
    let connector = &harness.connector;

    let disabled = connector.set_enabled(connection.id, false).expect("disable");
    assert_eq!(disabled.status, ConnectionStatus::Disabled, "the card says disabled");
    let refused = connector
        .access_token(connection.id)
        .await
        .expect_err("a disabled connection is not used");
    assert_eq!(
        refused.code,
        ErrorCode::Disabled,
        "actions are refused with Disabled: {}",
        refused.message
    );
    let test = connector.test_connection(connection.id).await.expect_err("nor tested");
    assert_eq!(test.code, ErrorCode::Disabled);

    connector.set_enabled(connection.id, true).expect("enable");
    let token = connector
        .access_token(connection.id)
        .await
        .expect("enabled again, it works");
    assert_eq!(token.expose(), FIRST_ACCESS, "the tokens were kept while disabled");

    let renamed = connector
        .rename(connection.id, Some("  work GitHub ".into()))
        .expect("rename");
    assert_eq!(
        renamed.label.as_deref(),
        Some("work GitHub"),
        "the label is trimmed and shown"
    );
    assert_eq!(
        connector.connection(connection.id).expect("get").label.as_deref(),
        Some("work GitHub")
    );
    for bad in ["a".repeat(81), "two\nlines".to_owned()] {
        let error = connector
            .rename(connection.id, Some(bad))
            .expect_err("too long or with a control character");
        assert_eq!(error.code, ErrorCode::InvalidInput, "{}", error.message);
    }
    let cleared = connector.rename(connection.id, Some("   ".into())).expect("clear");
    assert_eq!(cleared.label, None, "a blank label shows the account alone");
}

#[tokio::test]
async fn a_test_reports_who_answered_renews_once_after_a_401_then_needs_reauthorization() {
    let fake = FakeProvider::start().await;
    let (harness, _slot, connection) = github("test", &fake).await;
    let connector = &harness.connector;

    let test = connector.test_connection(connection.id).await.expect("a test");
    assert!(test.ok, "the identity request answered: {}", test.message);
    assert!(test.latency_ms.is_some(), "the latency is measured");
    assert!(
        test.message.starts_with("GitHub answered as octocat in "),
        "plain words: {}",
        test.message
    );
    let asked = fake.requests_to("/user");
    assert_eq!(asked.len(), 2, "the connect's identity request, then the test's");
    assert_eq!(
        asked[1].header("authorization"),
        Some(&*format!("Bearer {FIRST_ACCESS}")),
        "with the stored token"
    );

    let unauthorized = Reply::json(401, r#"{"message":"Bad credentials"}"#);
    fake.script(
        "/user",
        [
            unauthorized.clone(),
            Reply::json(200, r#"{"id":583231,"login":"octocat"}"#),
        ],
    );
    let test = connector.test_connection(connection.id).await.expect("a test");
    assert!(test.ok, "a 401 renews once and asks again: {}", test.message);
    let renewal = fake.requests_to("/token").pop().expect("a refresh request");
    assert_eq!(
        renewal.form_value("refresh_token").as_deref(),
        Some(FIRST_REFRESH),
        "renewed with the refresh token"
    );
    let retried = fake.requests_to("/user").pop().expect("the second identity request");
    assert_eq!(
        retried.header("authorization"),
        Some(&*format!("Bearer {SECOND_ACCESS}")),
        "with the renewed token"
    );

    fake.script("/user", [unauthorized]);
    let test = connector.test_connection(connection.id).await.expect("a test");
    assert!(!test.ok, "refused even after renewal");
    assert!(
        matches!(test.connection.status, ConnectionStatus::NeedsReauthorization { .. }),
        "a token refused after renewal means re-authorization: {:?}",
        test.connection.status
    );
    assert!(
        !test.message.contains(SECOND_ACCESS),
        "no token in the message: {}",
        test.message
    );
}

#[tokio::test]
async fn delete_revokes_the_github_grant_and_leaves_no_secret_and_the_key_untouched() {
    let fake = FakeProvider::start().await;
    fake.script("/applications/client-1/grant", [Reply::empty(204)]);
    let (harness, slot, connection) = github("delete", &fake).await;
    let connector = &harness.connector;
    connector
        .refresh_now(connection.id)
        .await
        .expect("a renewal rotates both tokens");
    let key_id = connector.key().expect("the key").id().to_owned();

    let outcome = connector.delete_connection(connection.id).await.expect("delete");
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

    assert!(connector.list_connections().expect("list").is_empty(), "no row left");
    assert_eq!(
        connector.connection(connection.id).expect_err("gone").code,
        ErrorCode::NotFound
    );
    assert_eq!(
        secrets_of(&harness, "connection:"),
        0,
        "no secret row of the connection left"
    );
    assert!(
        connector.pending_revocations().expect("pending").is_empty(),
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
        connector.key().expect("the key").id(),
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
    let connector = &harness.connector;

    let outcome = connector
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
        connector.list_connections().expect("list").is_empty(),
        "C10: the row is deleted anyway"
    );
    assert_eq!(
        secrets_of(&harness, "connection:"),
        0,
        "C10: local secrets deleted anyway"
    );
    let pending = connector.pending_revocations().expect("pending");
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

    let now = connector.now();
    let early = connector.retry_due_revocations(now).await.expect("retry");
    assert_eq!(early.still_pending, 0, "nothing is due yet");
    assert_eq!(fake.requests_to(grant).len(), 1, "no retry before its time");

    let later = connector.retry_due_revocations(now + 3600).await.expect("retry");
    assert_eq!(later.revoked, 1, "C10: revoked on the retry");
    let requests = fake.requests_to(grant);
    assert_eq!(requests.len(), 2, "the retry is observed at the provider");
    let body: serde_json::Value = serde_json::from_slice(&requests[1].body).expect("a JSON body");
    assert_eq!(body["access_token"], FIRST_ACCESS, "the same grant is revoked");
    assert!(
        connector.pending_revocations().expect("pending").is_empty(),
        "cleared once revoked"
    );
    assert_eq!(secrets_of(&harness, "revocation:"), 0, "and its sealed token deleted");
    let revokes: Vec<String> = connector
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
        .connector
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
    let outcome = harness.connector.delete_connection(slack.id).await.expect("delete");
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
    let bot = credentials::connect_with_credentials(&harness.connector, &request)
        .await
        .expect("a bot");
    let before = fake.requests().len();
    let outcome = harness.connector.delete_connection(bot.id).await.expect("delete");
    assert_eq!(
        outcome.revocation,
        RevocationOutcome::NotSupported,
        "a pasted token is the person's to revoke"
    );
    assert_eq!(fake.requests().len(), before, "no request is made for it");
    assert_eq!(secrets_of(&harness, "connection:"), 0, "its secret is deleted");
}

#[tokio::test]
async fn a_pasted_token_is_tested_as_stored_and_a_401_asks_for_a_new_one_without_renewal() {
    let fake = FakeProvider::start().await;
    let get_me = "/bot123:tok/getMe";
    fake.script(
        get_me,
        [Reply::json(
            200,
            r#"{"ok":true,"result":{"id":42,"username":"ana_bot"}}"#,
        )],
    );
    let overrides = format!("[providers.telegram]\napi_base_url = \"{}\"\n", fake.url(""));
    let (harness, _slot) = harness_for(&overrides, "pasted");
    let request = CredentialsRequest {
        provider: "telegram".into(),
        products: vec![],
        values: BTreeMap::from([("token".to_owned(), "123:tok".to_owned())]),
    };
    let bot = credentials::connect_with_credentials(&harness.connector, &request)
        .await
        .expect("a bot");
    let test = harness.connector.test_connection(bot.id).await.expect("a test");
    assert!(test.ok, "getMe answered with the stored bot token: {}", test.message);

    fake.script(
        get_me,
        [Reply::json(
            401,
            r#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#,
        )],
    );
    let before = fake.requests_to(get_me).len();
    let test = harness.connector.test_connection(bot.id).await.expect("a test");
    assert!(
        !test.ok && !test.message.contains("123:tok"),
        "refused, without the token: {}",
        test.message
    );
    assert!(
        matches!(test.connection.status, ConnectionStatus::NeedsReauthorization { .. }),
        "a revoked pasted token needs a new one: {:?}",
        test.connection.status
    );
    assert_eq!(
        fake.requests_to(get_me).len(),
        before + 1,
        "nothing to renew: asked once"
    );
}

#[tokio::test]
async fn the_audit_log_records_each_operation_and_exports_as_private_json_lines() {
    let fake = FakeProvider::start().await;
    fake.script("/applications/client-1/grant", [Reply::empty(204)]);
    let (harness, _slot, connection) = github("audit", &fake).await;
    let connector = &harness.connector;
    connector.refresh_now(connection.id).await.expect("refresh");
    connector.test_connection(connection.id).await.expect("test");
    connector.set_enabled(connection.id, false).expect("disable");
    connector.set_enabled(connection.id, true).expect("enable");
    connector.rename(connection.id, Some("work".into())).expect("rename");
    connector.delete_connection(connection.id).await.expect("delete");

    let operations: Vec<String> = connector
        .audit_entries(Some(connection.id))
        .expect("audit")
        .into_iter()
        .map(|entry| entry.operation)
        .collect();
    for expected in [
        "connect", "refresh", "test", "disable", "enable", "rename", "revoke", "delete",
    ] {
        assert!(
            operations.iter().any(|op| op == expected),
            "`{expected}` is audited: {operations:?}"
        );
    }

    let exports = harness.data.path().join("exports");
    let path = connector.export_audit(Some(connection.id), &exports).expect("export");
    let name = path.file_name().and_then(|name| name.to_str()).expect("a file name");
    assert!(
        name.starts_with("audit-") && name.ends_with(".jsonl"),
        "named audit-<utc time>.jsonl: {name}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).expect("the export").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "E10: the export is readable by its owner only");
    let text = std::fs::read_to_string(&path).expect("read the export");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
        .collect();
    assert_eq!(lines.len(), operations.len(), "one line per entry");
    assert_eq!(
        lines[0]["operation"], "connect",
        "oldest first, in the UI's field names"
    );
    assert!(
        lines.iter().all(|line| line["connectionId"] == connection.id),
        "only this connection's entries"
    );
    for token in [FIRST_ACCESS, FIRST_REFRESH, SECOND_ACCESS, SECOND_REFRESH, "secret-1"] {
        assert!(!text.contains(token), "no secret in the export: {token}");
    }
    let again = connector.export_audit(None, &exports).expect("a second export");
    assert_ne!(again, path, "a second export never overwrites the first");
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
    };
    let started = browser_flow::start(&harness.connector, &request)
        .await
        .expect("the sign-in starts");
    let (approved, printed) = oidc::approve_in_browser(&harness.browser_url(), "ana").await;
    assert!(approved, "the browser stand-in finishes:\n{printed}");
    let FlowState::Connected { connection } = harness.outcome(&started.flow_id).await else {
        panic!("the sign-in must end connected");
    };

    let test = harness.connector.test_connection(connection.id).await.expect("a test");
    assert!(test.ok, "oidc-provider's userinfo answered: {}", test.message);
    assert!(
        test.message.contains("ana@example.com"),
        "named by userinfo's email: {}",
        test.message
    );
    let access = harness.connector.access_token(connection.id).await.expect("the token");

    let outcome = harness
        .connector
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

/// The app runs these on a multi-threaded runtime (Tauri commands, the scheduler's hook).
#[test]
fn the_operations_can_run_on_any_thread() {
    fn sendable<T: Send>(_: T) {}
    fn check(connector: &switchboard_core::connections::Connector) {
        sendable(connector.test_connection(1));
        sendable(connector.delete_connection(1));
        sendable(connector.retry_due_revocations(0));
    }
    let _ = check;
}
