//! Two processes on one data folder (switchboard-cli twice, as the app and the CLI share it)
//! renewing one connection at the same moment, against a token endpoint that rotates refresh
//! tokens: the renewal lock holds across processes, so the second waits, finds the token the
//! first stored and sends nothing; no refresh token is ever sent twice (a rotating provider
//! takes that as reuse and revokes the grant).

use crate::support::cli_run::text;
use crate::support::connector::Harness;
use crate::support::fake_provider::FakeProvider;
use crate::support::keyring;
use crate::support::refresh::{
    audited, connect_github, github_overrides, refresh_tokens_sent, stored_secret, token_reply, TOKEN_PATH,
};

use std::collections::HashSet;
use std::time::Duration;

use switchboard_core::connections::ConnectionStatus;

const OVERLAPS: usize = 20;

#[tokio::test]
async fn two_processes_renewing_one_connection_at_once_send_one_request_and_never_reuse_a_refresh_token() {
    keyring::require_session_bus();
    let fake = FakeProvider::start().await;
    let overrides = github_overrides(&fake);
    let harness = Harness::shared_with_cli(&overrides);
    let connection = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(28_800))).await;
    // Each renewal rotates the refresh token; a slow answer keeps the first process in flight
    // while the second starts, so the two really overlap.
    fake.script(
        TOKEN_PATH,
        (1..=2 * OVERLAPS).map(|n| {
            token_reply(&format!("at-{n}"), Some(&format!("rt-{n}")), Some(28_800)).after(Duration::from_millis(400))
        }),
    );
    let overrides_file = harness.overrides_file();
    let id = connection.id.to_string();
    let refresh = || {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-cli"))
            .args(["connection", &id, "refresh", "--overrides"])
            .arg(&overrides_file)
            .env("SWITCHBOARD_DATA_DIR", harness.data.path())
            .output()
    };

    for round in 1..=OVERLAPS {
        let (first, second) = tokio::join!(refresh(), refresh());
        for output in [first, second] {
            let output = output.expect("run switchboard-cli connection <id> refresh");
            assert!(
                output.status.success(),
                "round {round}: both renewals succeed: {}",
                text(&output.stderr)
            );
        }
    }

    let sent = refresh_tokens_sent(&fake);
    let distinct: HashSet<&String> = sent.iter().collect();
    assert_eq!(
        distinct.len(),
        sent.len(),
        "C14: no refresh token is sent twice, or a rotating provider revokes the grant: {sent:?}"
    );
    assert_eq!(
        sent.len(),
        OVERLAPS,
        "C14: one token request per overlap; the second process used the first one's result: {sent:?}"
    );
    assert_eq!(
        audited(&harness.services, connection.id, "refresh", "ok").len(),
        OVERLAPS,
        "each renewal is in the audit log once"
    );
    let now = harness.services.store.get(connection.id).expect("the connection");
    assert_eq!(
        now.status,
        ConnectionStatus::Connected,
        "the grant is alive: {:?}",
        now.status
    );
    let token = harness
        .services
        .renewal
        .access_token(connection.id)
        .await
        .expect("a token");
    assert_eq!(
        token.expose(),
        &format!("at-{OVERLAPS}"),
        "the last renewal's token is the one in use"
    );
}

/// A command's renewal whose commit another process refused (its write lock held past the busy
/// timeout): the rotated tokens are only in the CLI's memory and the stored refresh token is
/// spent, so the CLI keeps trying to save them before it ends; if it cannot, it says so and
/// fails rather than exit as if all were well.
#[tokio::test]
async fn a_command_saves_a_renewal_the_database_refused_before_it_ends_or_says_it_could_not() {
    keyring::require_session_bus();
    let fake = FakeProvider::start().await;
    let overrides = github_overrides(&fake);
    let harness = Harness::shared_with_cli(&overrides);
    let connection = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(28_800))).await;
    let slow = Duration::from_millis(800);
    fake.script(
        TOKEN_PATH,
        [
            token_reply("at-1", Some("rt-1"), Some(28_800)).after(slow),
            token_reply("at-2", Some("rt-2"), Some(28_800)).after(slow),
        ],
    );
    let overrides_file = harness.overrides_file();
    let database = harness.core.paths().database_file.clone();
    let id = connection.id.to_string();
    let refresh = || {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-cli"))
            .args(["connection", &id, "refresh", "--overrides"])
            .arg(&overrides_file)
            .env("SWITCHBOARD_DATA_DIR", harness.data.path())
            .output()
    };

    // Held for 7 s, past the CLI's 5 s busy timeout: its commit is refused, then saved later.
    let running = tokio::spawn(refresh());
    fake.wait_for_requests_to(TOKEN_PATH, 2).await; // the sign-in's exchange, then this renewal
    let other_process = rusqlite::Connection::open(&database).expect("open the file");
    other_process
        .execute_batch("BEGIN IMMEDIATE")
        .expect("take the write lock");
    tokio::time::sleep(Duration::from_secs(7)).await;
    other_process.execute_batch("ROLLBACK").expect("let go");
    let output = running.await.expect("join").expect("run switchboard-cli");
    assert!(
        output.status.success(),
        "E18: the renewal worked and was saved before the command ended: {}",
        text(&output.stderr)
    );
    assert_eq!(
        stored_secret(&harness.services, &connection, "refresh_token").as_deref(),
        Some("rt-1"),
        "E18: the rotated refresh token is on disk, not lost with the process (rt-0 is spent)"
    );
    assert_eq!(
        audited(&harness.services, connection.id, "refresh", "ok").len(),
        1,
        "the saved renewal has its audit row"
    );

    // Held past the command's whole wait: it cannot save, and says so.
    let running = tokio::spawn(refresh());
    fake.wait_for_requests_to(TOKEN_PATH, 3).await;
    other_process
        .execute_batch("BEGIN IMMEDIATE")
        .expect("take the write lock again");
    let output = running.await.expect("join").expect("run switchboard-cli");
    other_process.execute_batch("ROLLBACK").expect("let go");
    let stderr = text(&output.stderr);
    assert!(
        !output.status.success(),
        "E18: a command that could not save a renewed sign-in does not exit as if all were well"
    );
    assert!(
        stderr.contains("could not save") && stderr.contains("reauthorize") && stderr.contains(&id),
        "E18: it says what is lost and what to do: {stderr}"
    );
    assert!(
        !stderr.contains("rt-2") && !stderr.contains("at-2"),
        "no token in the message: {stderr}"
    );
}
