//! A connection whose sealed token does not open, in the real database file (SECURITY.md E13):
//! two connections' token rows swapped, as a damaged or tampered file would have them. Each
//! connection is told apart from a keyring problem, marked as needing re-authorization (its
//! card and the sidebar say so), audited, and never given the other account's token.

use std::collections::BTreeMap;

use switchboard_core::app_events::AppEvent;
use switchboard_core::connections::error::{KEY_REPLACED_REASON, SIGN_IN_DAMAGED_REASON};
use switchboard_core::connections::{ConnectionStatus, CredentialsRequest};
use switchboard_core::error::ErrorCode;

use crate::support::fake_provider::{FakeProvider, Reply};
use crate::support::operations_cases::{connect, harness_for, overrides, FIRST_ACCESS, FIRST_REFRESH};

const BOT_TOKEN: &str = "123:bot-T0KEN";

#[tokio::test]
async fn swapped_token_rows_mark_each_connection_damaged_and_never_lend_one_accounts_token_to_another() {
    let fake = FakeProvider::start().await;
    fake.script(
        "/token",
        [Reply::json(
            200,
            &format!(
                r#"{{"access_token":"{FIRST_ACCESS}","refresh_token":"{FIRST_REFRESH}","expires_in":28800,"token_type":"bearer","scope":"repo,read:user"}}"#
            ),
        )],
    );
    fake.script("/user", [Reply::json(200, r#"{"id":583231,"login":"octocat"}"#)]);
    let get_me = format!("/bot{BOT_TOKEN}/getMe");
    fake.script(
        &get_me,
        [Reply::json(
            200,
            r#"{"ok":true,"result":{"id":42,"username":"ana_bot"}}"#,
        )],
    );
    let providers = format!(
        "{}[providers.telegram]\napi_base_url = \"{}\"\n",
        overrides("github", &fake, "/applications/{client_id}/grant"),
        fake.url("")
    );
    let (harness, _slot) = harness_for(&providers, "damaged-secret");
    let github = connect(&harness, "github").await;
    let bot = harness
        .services
        .sign_ins
        .connect_with_credentials(&CredentialsRequest {
            provider: "telegram".into(),
            products: vec![],
            values: BTreeMap::from([("token".to_owned(), BOT_TOKEN.to_owned())]),
        })
        .await
        .expect("a bot");
    let asked_before = fake.requests().len();

    let file = rusqlite::Connection::open(harness.data.path().join("switchboard.db")).expect("open the file");
    let rows = [
        (format!("connection:{}", github.id.0), "access_token"),
        (format!("connection:{}", bot.id.0), "token"),
    ];
    let sealed: Vec<Vec<u8>> = rows
        .iter()
        .map(|(owner, name)| {
            file.query_row(
                "SELECT sealed FROM secrets WHERE owner = ?1 AND name = ?2",
                [owner.as_str(), name],
                |row| row.get(0),
            )
            .expect("a sealed token row")
        })
        .collect();
    assert_ne!(sealed[0], sealed[1], "two different tokens");
    for ((owner, name), other) in rows.iter().zip(sealed.iter().rev()) {
        file.execute(
            "UPDATE secrets SET sealed = ?1 WHERE owner = ?2 AND name = ?3",
            rusqlite::params![other, owner, name],
        )
        .expect("swap the two token rows' ciphertexts");
    }
    drop(file);
    harness.events.lock().expect("events").clear();

    let refused = harness
        .services
        .renewal
        .access_token(github.id)
        .await
        .expect_err("E13: a token row that does not open is not used");
    assert_eq!(
        refused.code(),
        ErrorCode::NeedsAuth,
        "the connection needs a new sign-in: {refused}"
    );
    assert_eq!(
        refused.to_string(),
        SIGN_IN_DAMAGED_REASON,
        "E13: this row's damage is told apart from a keyring problem"
    );
    assert_ne!(refused.to_string(), KEY_REPLACED_REASON);
    let marked = harness.services.store.get(github.id).expect("the connection");
    assert!(
        matches!(&marked.status, ConnectionStatus::NeedsReauthorization { reason } if reason == SIGN_IN_DAMAGED_REASON),
        "E13: the card and the sidebar say it needs re-authorization, and why, got {:?}",
        marked.status
    );
    assert!(
        harness
            .events
            .lock()
            .expect("events")
            .iter()
            .any(|event| matches!(event, AppEvent::ConnectionsChanged)),
        "the window is told to reload connections"
    );
    let audit = harness
        .services
        .operations
        .audit_entries(Some(github.id))
        .expect("the audit log");
    assert!(
        audit.iter().any(|entry| entry.operation == "open saved sign-in"
            && entry.outcome == "needs re-authorization"
            && entry.detail.as_deref() == Some(SIGN_IN_DAMAGED_REASON)),
        "E13: the audit log records it: {audit:?}"
    );

    let test = harness.services.operations.test_connection(bot.id).await;
    let bot_now = harness.services.store.get(bot.id).expect("the bot");
    assert!(
        matches!(bot_now.status, ConnectionStatus::NeedsReauthorization { .. }),
        "E13: the other swapped row marks its own connection, got {:?} after {:?}",
        bot_now.status,
        test.as_ref().map(|result| &result.message)
    );
    let asked_after = fake.requests();
    let leaked = asked_after[asked_before..].iter().find(|request| {
        request.path.contains(FIRST_ACCESS)
            || request
                .header("authorization")
                .is_some_and(|value| value.contains("bot-T0KEN"))
    });
    assert!(
        leaked.is_none(),
        "E13: one connection's token is never used for another: {leaked:?}"
    );
}
