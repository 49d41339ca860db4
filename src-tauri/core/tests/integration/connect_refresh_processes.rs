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
    audited, connect_github, github_overrides, refresh_tokens_sent, token_reply, TOKEN_PATH,
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
