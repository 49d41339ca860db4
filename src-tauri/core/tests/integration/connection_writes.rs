//! Writing a connection on a real SQLite file shared with switchboard-cli, as the app and the CLI
//! share it. A change and its audit row are one transaction (SECURITY.md E14): an audit row
//! that cannot be written (the table refuses it, as a full disk would) undoes the change, and
//! a process killed between the two leaves neither. A file another process keeps locked is
//! reported as that, not as a disk or permissions problem.

use crate::support::connector::Harness;
use crate::support::fake_provider::{FakeProvider, Reply};
use crate::support::keyring;
use crate::support::storage_refused::REFUSE_AUDIT;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use switchboard_core::connections::{Connection, CredentialsRequest};
use switchboard_core::error::ErrorCode;
use switchboard_core::failpoints::{BETWEEN_CHANGE_AND_AUDIT, FAILPOINT_ENV};

/// A core shared with switchboard-cli, with a Telegram bot connected against a loopback
/// `getMe`.
async fn bot_connected(fake: &FakeProvider) -> (Harness, Connection) {
    keyring::require_session_bus();
    for token in ["123:tok", "456:tok"] {
        fake.script(
            &format!("/bot{token}/getMe"),
            [Reply::json(
                200,
                r#"{"ok":true,"result":{"id":42,"username":"ana_bot"}}"#,
            )],
        );
    }
    let harness = Harness::shared_with_cli(&format!("[providers.telegram]\napi_base_url = \"{}\"\n", fake.url("")));
    let bot = connect_bot(&harness, "123:tok").await.expect("a bot is connected");
    (harness, bot)
}

async fn connect_bot(
    harness: &Harness,
    token: &str,
) -> Result<Connection, switchboard_core::connections::ConnectionError> {
    let request = CredentialsRequest {
        provider: "telegram".into(),
        products: vec![],
        values: BTreeMap::from([("token".to_owned(), token.to_owned())]),
    };
    harness.services.sign_ins.connect_with_credentials(&request).await
}

fn operations_of(harness: &Harness, bot: &Connection) -> Vec<String> {
    let entries = harness
        .services
        .operations
        .audit_entries(Some(bot.id))
        .expect("the audit log");
    entries.into_iter().map(|entry| entry.operation).collect()
}

#[tokio::test]
async fn a_change_whose_audit_row_cannot_be_written_is_not_made() {
    let fake = FakeProvider::start().await;
    let (harness, bot) = bot_connected(&fake).await;
    let file = rusqlite::Connection::open(harness.data.path().join("switchboard.db")).expect("open the file");
    file.execute_batch(REFUSE_AUDIT)
        .expect("make the audit table refuse rows");

    let operations = &harness.services.operations;
    let refused = operations
        .set_enabled(bot.id, false)
        .expect_err("E14: no audit row, no change");
    assert_eq!(refused.code(), ErrorCode::Storage, "a storage problem: {refused}");
    assert!(
        harness.services.store.get(bot.id).expect("the bot").enabled,
        "E14: the bot is still enabled"
    );

    operations
        .rename(bot.id, Some("alerts".into()))
        .expect_err("E14: no audit row, no rename");
    assert_eq!(
        harness.services.store.get(bot.id).expect("the bot").label,
        None,
        "E14: the name is unchanged"
    );

    connect_bot(&harness, "456:tok")
        .await
        .expect_err("E14: no audit row, no new connection");
    assert_eq!(
        harness.services.store.list().expect("the connections").len(),
        1,
        "E14: the second bot was not saved"
    );
    operations
        .delete_connection(bot.id)
        .await
        .expect_err("E14: no audit row, no deletion");
    assert!(
        harness.services.store.get(bot.id).is_ok(),
        "E14: the bot is still there"
    );
    assert_eq!(
        operations_of(&harness, &bot),
        ["connect"],
        "only the first connect was recorded"
    );

    file.execute_batch("DROP TRIGGER refuse_audit;")
        .expect("let the audit table take rows again");
    let disabled = operations
        .set_enabled(bot.id, false)
        .expect("with its audit row, the change is made");
    assert!(!disabled.enabled);
    assert_eq!(operations_of(&harness, &bot), ["connect", "disable"], "and recorded");
}

#[tokio::test]
async fn a_process_killed_between_a_change_and_its_audit_row_leaves_neither() {
    let fake = FakeProvider::start().await;
    let (harness, bot) = bot_connected(&fake).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard-cli"))
        .args(["connection", &bot.id.to_string(), "disable", "--overrides"])
        .arg(harness.overrides_file())
        .env("SWITCHBOARD_DATA_DIR", harness.data.path())
        .env(FAILPOINT_ENV, BETWEEN_CHANGE_AND_AUDIT)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run switchboard-cli connection <id> disable");
    let stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let reached = stderr
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains(&format!("failpoint {BETWEEN_CHANGE_AND_AUDIT} reached")));
    assert!(
        reached,
        "the CLI (built with the failpoints feature) stops between the change and its audit row"
    );
    child.kill().expect("SIGKILL the CLI there");
    let _ = child.wait();

    assert!(
        harness.services.store.get(bot.id).expect("the bot").enabled,
        "E14: killed before its audit row, the change was not made"
    );
    assert_eq!(
        operations_of(&harness, &bot),
        ["connect"],
        "E14: and there is no row for it"
    );
    let integrity: String = rusqlite::Connection::open(harness.data.path().join("switchboard.db"))
        .expect("open the file")
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("check the file");
    assert_eq!(integrity, "ok", "the file is whole");
}

#[tokio::test]
async fn a_database_another_process_keeps_locked_is_reported_as_in_use_not_as_a_disk_problem() {
    let fake = FakeProvider::start().await;
    let (harness, bot) = bot_connected(&fake).await;
    let other = rusqlite::Connection::open(harness.data.path().join("switchboard.db")).expect("open the file");
    other
        .execute_batch("BEGIN IMMEDIATE;")
        .expect("another process takes the write lock");

    let refused = harness
        .services
        .operations
        .rename(bot.id, Some("alerts".into()))
        .expect_err("the write lock is held past the busy timeout");
    let message = switchboard_core::error::UserError::from(refused).message;
    assert!(
        message.contains("another Switchboard") && !message.contains("disk space"),
        "a locked file is said to be in use by another Switchboard, not a disk problem: {message}"
    );

    other.execute_batch("ROLLBACK;").expect("the other process lets go");
    harness
        .services
        .operations
        .rename(bot.id, Some("alerts".into()))
        .expect("then the rename goes through");
}
