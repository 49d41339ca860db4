//! A connection's everyday operations through the core's services, against loopback doubles speaking
//! the providers' documented shapes: disable and enable, rename, test (identity request, renewal
//! after a 401, pasted tokens), and the audit log with its JSON Lines export.

use crate::support::fake_provider;
use crate::support::operations_cases;

use std::collections::BTreeMap;

use fake_provider::{FakeProvider, Reply};
use switchboard_core::connections::{ConnectionStatus, CredentialsRequest};
use switchboard_core::error::ErrorCode;
use switchboard_core::Services;

use operations_cases::*;
use switchboard_core::ids::ConnectionId;

#[tokio::test]
async fn a_disabled_connection_is_refused_for_use_until_enabled_and_a_label_shows_on_it() {
    let fake = FakeProvider::start().await;
    let (harness, _slot, connection) = github("disable", &fake).await;
    let services = &harness.services;

    let disabled = services.operations.set_enabled(connection.id, false).expect("disable");
    assert_eq!(disabled.status, ConnectionStatus::Disabled, "the card says disabled");
    let refused = services
        .renewal
        .access_token(connection.id)
        .await
        .expect_err("a disabled connection is not used");
    assert_eq!(
        refused.code(),
        ErrorCode::Disabled,
        "actions are refused with Disabled: {}",
        refused
    );
    let test = services
        .operations
        .test_connection(connection.id)
        .await
        .expect_err("nor tested");
    assert_eq!(test.code(), ErrorCode::Disabled);

    services.operations.set_enabled(connection.id, true).expect("enable");
    let token = services
        .renewal
        .access_token(connection.id)
        .await
        .expect("enabled again, it works");
    assert_eq!(token.expose(), FIRST_ACCESS, "the tokens were kept while disabled");

    let renamed = services
        .operations
        .rename(connection.id, Some("  work GitHub ".into()))
        .expect("rename");
    assert_eq!(
        renamed.label.as_deref(),
        Some("work GitHub"),
        "the label is trimmed and shown"
    );
    assert_eq!(
        services.store.get(connection.id).expect("get").label.as_deref(),
        Some("work GitHub")
    );
    for bad in ["a".repeat(81), "two\nlines".to_owned()] {
        let error = services
            .operations
            .rename(connection.id, Some(bad))
            .expect_err("too long or with a control character");
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{}", error);
    }
    let cleared = services
        .operations
        .rename(connection.id, Some("   ".into()))
        .expect("clear");
    assert_eq!(cleared.label, None, "a blank label shows the account alone");
}

#[tokio::test]
async fn a_test_reports_who_answered_renews_once_after_a_401_then_needs_reauthorization() {
    let fake = FakeProvider::start().await;
    let (harness, _slot, connection) = github("test", &fake).await;
    let services = &harness.services;

    let test = services
        .operations
        .test_connection(connection.id)
        .await
        .expect("a test");
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
    let test = services
        .operations
        .test_connection(connection.id)
        .await
        .expect("a test");
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
    let test = services
        .operations
        .test_connection(connection.id)
        .await
        .expect("a test");
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
    let bot = harness
        .services
        .sign_ins
        .connect_with_credentials(&request)
        .await
        .expect("a bot");
    let test = harness
        .services
        .operations
        .test_connection(bot.id)
        .await
        .expect("a test");
    assert!(test.ok, "getMe answered with the stored bot token: {}", test.message);

    fake.script(
        get_me,
        [Reply::json(
            401,
            r#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#,
        )],
    );
    let before = fake.requests_to(get_me).len();
    let test = harness
        .services
        .operations
        .test_connection(bot.id)
        .await
        .expect("a test");
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
    let services = &harness.services;
    services.renewal.refresh_now(connection.id).await.expect("refresh");
    services.operations.test_connection(connection.id).await.expect("test");
    services.operations.set_enabled(connection.id, false).expect("disable");
    services.operations.set_enabled(connection.id, true).expect("enable");
    services
        .operations
        .rename(connection.id, Some("work".into()))
        .expect("rename");
    services
        .operations
        .delete_connection(connection.id)
        .await
        .expect("delete");

    let operations: Vec<String> = services
        .operations
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
    let path = services.operations.export_audit(Some(connection.id)).expect("export");
    assert!(
        path.starts_with(&exports),
        "the export lands in the data directory's exports folder: {}",
        path.display()
    );
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
        lines.iter().all(|line| line["connectionId"] == connection.id.0),
        "only this connection's entries"
    );
    for token in [FIRST_ACCESS, FIRST_REFRESH, SECOND_ACCESS, SECOND_REFRESH, "secret-1"] {
        assert!(!text.contains(token), "no secret in the export: {token}");
    }
    let again = services.operations.export_audit(None).expect("a second export");
    assert_ne!(again, path, "a second export never overwrites the first");
}

/// The app runs these on a multi-threaded runtime (Tauri commands, the scheduler's hook).
#[test]
fn the_operations_can_run_on_any_thread() {
    fn sendable<T: Send>(_: T) {}
    fn check(services: &Services) {
        sendable(services.operations.test_connection(ConnectionId(1)));
        sendable(services.operations.delete_connection(ConnectionId(1)));
        sendable(services.revocations.retry_due(0));
    }
    let _ = check;
}
