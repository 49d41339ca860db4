//! SECURITY.md C4: a process killed (SIGKILL) between the token response of a refresh and its
//! commit, then restarted, does not crash or loop: the connection is refreshed or marked as
//! needing re-authorization. The refresh runs in a child process (this test binary again) that
//! the engine's failpoint stops right after oidc-provider answered; the parent kills it there,
//! then restarts over the same data directory and keyring slot. oidc-provider rotates refresh
//! tokens, so the one still stored was spent by the killed child: using it again makes the
//! server revoke the grant, and re-authorization is the expected outcome.

#[path = "integration/support/connector.rs"]
mod connector;
#[path = "integration/support/fake_provider.rs"]
mod fake_provider;
#[path = "integration/support/google_flow.rs"]
mod google_flow;
#[path = "integration/support/keyring.rs"]
mod keyring;
#[path = "integration/support/node.rs"]
mod node;
#[path = "integration/support/oidc.rs"]
mod oidc;
#[path = "integration/support/refresh.rs"]
mod refresh_support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use connector::{google_overrides, Harness};
use google_flow::LOOPBACK;
use oidc::OidcServer;
use refresh_support::{audited, connect_ana, services_in, stored_secret};
use switchboard_core::connections::ConnectionStatus;
use switchboard_core::error::ErrorCode;
use switchboard_core::failpoints::{FAILPOINT_ENV, REFRESH_AFTER_TOKEN_RESPONSE as FAILPOINT};
use switchboard_core::ids::ConnectionId;
use switchboard_core::vault::KeyringSlot;
use switchboard_core::Services;

const CHILD_DIR: &str = "SWITCHBOARD_TEST_REFRESH_KILLED_DIR";
const CHILD_SLOT: &str = "SWITCHBOARD_TEST_REFRESH_KILLED_SLOT";
const CHILD_OVERRIDES: &str = "SWITCHBOARD_TEST_REFRESH_KILLED_OVERRIDES";
const CHILD_CONNECTION: &str = "SWITCHBOARD_TEST_REFRESH_KILLED_CONNECTION";

fn child_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("the parent sets {name}"))
}

/// The child's half: does nothing unless the test below started this process. It renews the
/// connection and never gets to return: the failpoint stops it after the token response.
#[tokio::test]
async fn child_refreshes_until_the_failpoint() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let slot = KeyringSlot {
        account: child_env(CHILD_SLOT),
        ..keyring::private_slot("unused")
    };
    let services = services_in(Path::new(&dir), &child_env(CHILD_OVERRIDES), slot);
    let id = ConnectionId(child_env(CHILD_CONNECTION).parse().expect("a connection id"));
    let outcome = services.renewal.refresh_now(id).await;
    panic!("the failpoint must stop the child before the renewal returns; it returned {outcome:?}");
}

#[tokio::test]
async fn a_refresh_killed_before_its_commit_restarts_without_a_crash_loop() {
    keyring::require_session_bus();
    let server = OidcServer::start(); // up across the child and the restart
    let overrides = google_overrides(&server, LOOPBACK);
    let slot = keyring::private_slot("refresh-killed");
    let harness = Harness::new(&overrides, slot.clone(), Duration::from_secs(30));
    let connection = connect_ana(&harness).await;
    let id = connection.id;
    let refresh_before = stored_secret(&harness.services, &connection, "refresh_token").expect("a refresh token");
    let access_before = stored_secret(&harness.services, &connection, "access_token").expect("an access token");
    let Harness { data, .. } = harness; // the first run ends; its directory stays

    let mut child = Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", "child_refreshes_until_the_failpoint", "--nocapture"])
        .env(CHILD_DIR, data.path())
        .env(CHILD_SLOT, &slot.account)
        .env(CHILD_OVERRIDES, &overrides)
        .env(CHILD_CONNECTION, id.to_string())
        .env(FAILPOINT_ENV, FAILPOINT)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the child");
    let mut stderr = BufReader::new(child.stderr.take().expect("the child's stderr"));
    let mut said = String::new();
    let reached = loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).expect("read the child's stderr") == 0 {
            break false; // the child ended without reaching the failpoint
        }
        said.push_str(&line);
        if line.contains(&format!("failpoint {FAILPOINT} reached")) {
            break true;
        }
    };
    if !reached {
        let _ = child.kill();
    }
    assert!(
        reached,
        "C4: the child must stop between the token response and the commit:\n{said}"
    );
    child.kill().expect("SIGKILL the child");
    let status = child.wait().expect("reap the child");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(libc::SIGKILL),
            "the child died of SIGKILL: {status:?}"
        );
    }

    // The restart: the same database and keyring slot.
    let restarted = Harness::in_dir(data, &overrides, slot.clone(), Duration::from_secs(30));
    restarted
        .services
        .store
        .reconcile_at_start()
        .expect("C4: start-up after the kill succeeds");
    let after_kill = restarted
        .services
        .store
        .get(id)
        .expect("the connection survives the kill");
    assert_eq!(
        stored_secret(&restarted.services, &after_kill, "refresh_token").as_deref(),
        Some(refresh_before.as_str()),
        "the kill came before the commit: the stored refresh token is still the old one"
    );
    assert_eq!(
        stored_secret(&restarted.services, &after_kill, "access_token").as_deref(),
        Some(access_before.as_str()),
        "and so is the access token"
    );
    assert_eq!(
        after_kill.health.token_version, connection.health.token_version,
        "nothing of the killed renewal was written"
    );

    let first = restarted.services.renewal.refresh_now(id).await;
    let needs_reauthorization = match &first {
        Ok(renewed) => {
            assert!(
                !matches!(renewed.status, ConnectionStatus::NeedsReauthorization { .. }),
                "a successful renewal leaves the connection usable: {:?}",
                renewed.status
            );
            false
        }
        Err(error) => {
            assert_eq!(
                error.code(),
                ErrorCode::NeedsAuth,
                "C4: after the kill the connection is refreshed or needs re-authorization, nothing else: {}",
                error
            );
            assert!(
                matches!(
                    restarted.services.store.get(id).expect("connection").status,
                    ConnectionStatus::NeedsReauthorization { .. }
                ),
                "C4: a refused old refresh token leaves the connection needing re-authorization"
            );
            true
        }
    };
    let refreshes = |services: &Services| {
        ["ok", "needs re-authorization", "retrying", "client refused"]
            .iter()
            .map(|outcome| audited(services, id, "refresh", outcome).len())
            .sum::<usize>()
    };
    let tried = refreshes(&restarted.services);

    let second = restarted.services.renewal.refresh_now(id).await;
    match (&first, &second) {
        (Err(_), Err(error)) => {
            assert_eq!(
                error.code(),
                ErrorCode::NeedsAuth,
                "C4: the same outcome again, no loop"
            );
            assert_eq!(
                refreshes(&restarted.services),
                tried,
                "C4: a connection needing re-authorization sends no further token request"
            );
        }
        (Ok(_), Ok(_)) => {}
        _ => panic!("C4: the outcome must be stable: first {first:?}, then {second:?}"),
    }
    let used = restarted.services.renewal.access_token(id).await;
    assert_eq!(
        used.is_err(),
        needs_reauthorization,
        "using the connection agrees with its status: {:?}",
        used.map(|_| "a token")
    );

    // Another start over the same data: still no crash, same verdict.
    let Harness { data, .. } = restarted;
    let again = services_in(data.path(), &overrides, slot.clone());
    again.store.reconcile_at_start().expect("a further start succeeds");
    assert_eq!(
        matches!(
            again.store.get(id).expect("connection").status,
            ConnectionStatus::NeedsReauthorization { .. }
        ),
        needs_reauthorization,
        "C4: the verdict survives a further restart"
    );
    drop(again);
    keyring::entry(&slot)
        .delete_credential()
        .expect("clean up the test key");
}
