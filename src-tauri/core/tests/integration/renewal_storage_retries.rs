//! Renewals whose results the database refuses, past the first refusal (SECURITY.md E18): a
//! verdict ("connect it again") that cannot be stored, a disk that stays full through a second
//! renewal and a refused retry, and the background scheduler saving what was kept once there
//! is room. Time is a `ManualClock` the tests move.

use crate::support::fake_provider::{FakeProvider, Reply};
use crate::support::refresh::{
    audited, connect_github, github_overrides, manual_harness, manual_harness_in, real_now, refresh_tokens_sent,
    stored_secret, token_reply, TOKEN_PATH,
};
use crate::support::refresh_cases::{into_the_margin, status_of, LIFETIME};
use crate::support::small_disk::SmallDisk;
use crate::support::storage_refused::{assert_saved, empty_the_wal, storage_notices, ANSWER_DELAY, REFUSE_AUDIT};

use std::sync::Arc;
use std::time::Duration;

use switchboard_core::clock::{Clock, ManualClock};
use switchboard_core::connections::scheduler::SchedulerTiming;
use switchboard_core::connections::ConnectionStatus;
use switchboard_core::error::ErrorCode;

#[tokio::test]
async fn a_verdict_the_database_refuses_is_kept_said_and_stored_once_it_can_be() {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(&github_overrides(&fake), "e18-verdict", Arc::clone(&clock), |_| {});
    let connection = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(LIFETIME))).await;
    let id = connection.id;
    let refused = r#"{"error":"invalid_grant","error_description":"The refresh token was revoked"}"#;
    fake.script(TOKEN_PATH, [Reply::json(400, refused).after(ANSWER_DELAY)]);

    let renewing = tokio::spawn({
        let services = harness.services.clone();
        async move { services.renewal.refresh_now(id).await }
    });
    fake.wait_for_requests_to(TOKEN_PATH, 2).await; // the sign-in's exchange, then this renewal
    let other_process = rusqlite::Connection::open(&harness.core.paths().database_file).expect("open the file");
    other_process
        .execute_batch("BEGIN IMMEDIATE")
        .expect("another process takes the write lock while the request is out");
    let error = renewing
        .await
        .expect("join")
        .expect_err("the provider refused the refresh token");
    assert_eq!(error.code(), ErrorCode::NeedsAuth, "connect it again: {error}");

    assert!(
        matches!(status_of(&harness, id), ConnectionStatus::NeedsReauthorization { reason } if reason.contains("could not save")),
        "E18: the status says the account must be connected again, and that this is not saved yet"
    );
    let use_it = harness.services.renewal.access_token(id).await;
    assert_eq!(
        use_it
            .expect_err("E18: a connection whose grant is gone is not used")
            .code(),
        ErrorCode::NeedsAuth
    );
    assert_eq!(
        fake.requests_to(TOKEN_PATH).len(),
        2,
        "E18: the refused refresh token is never sent again, though the file still holds it"
    );
    assert_eq!(
        storage_notices(&harness.core.notices().expect("notices")).len(),
        1,
        "E18: the person is told once that Switchboard can't save"
    );

    other_process
        .execute_batch("ROLLBACK")
        .expect("the other process lets go");
    clock.set(clock.now() + 60);
    assert_eq!(
        harness.services.renewal.save_unsaved().await,
        None,
        "E18: the verdict is stored once the database takes writes"
    );
    let stored = harness.services.store.get(id).expect("the connection");
    assert!(
        stored
            .health
            .reauthorization_reason
            .as_deref()
            .is_some_and(|reason| reason.contains("revoked") && !reason.contains("could not save")),
        "E18: the file now says the account must be connected again: {:?}",
        stored.health.reauthorization_reason
    );
    assert_eq!(
        audited(&harness.services, id, "refresh", "needs re-authorization").len(),
        1,
        "E14: the stored verdict has its one audit row"
    );
    assert!(
        storage_notices(&harness.core.notices().expect("notices")).is_empty(),
        "the notice goes once nothing is kept"
    );
}

#[tokio::test]
async fn a_disk_that_stays_full_keeps_each_renewal_until_the_scheduler_can_save_it() {
    let (disk, data) = SmallDisk::mount("4m");
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness_in(
        data,
        &github_overrides(&fake),
        "e18-stays-full",
        Arc::clone(&clock),
        |_| {},
    );
    let connection = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(LIFETIME))).await;
    let id = connection.id;
    fake.script(
        TOKEN_PATH,
        [
            token_reply("at-1", Some("rt-1"), Some(LIFETIME)).after(ANSWER_DELAY),
            token_reply("at-2", Some("rt-2"), Some(LIFETIME)),
        ],
    );

    into_the_margin(&clock, &connection);
    let renewing = tokio::spawn({
        let services = harness.services.clone();
        async move { services.renewal.access_token(id).await }
    });
    fake.wait_for_requests_to(TOKEN_PATH, 2).await;
    empty_the_wal(&harness.core.paths().database_file);
    let filler = disk.fill();
    let token = renewing.await.expect("join").expect("a token");
    assert_eq!(
        token.expose(),
        "at-1",
        "E18: the renewed token is used though the disk is full"
    );

    // The kept token falls due while the disk is still full: renewed from the kept refresh token.
    clock.set(clock.now() + LIFETIME - 60);
    let token = harness.services.renewal.access_token(id).await.expect("renewed again");
    assert_eq!(token.expose(), "at-2", "E18: renewed again, and kept again");
    assert_eq!(
        refresh_tokens_sent(&fake),
        vec!["rt-0".to_owned(), "rt-1".to_owned()],
        "E18: the spent rt-0 is never sent again; the kept rt-1 is"
    );

    // A retry the full disk refuses again: still kept, tried again later, told once.
    clock.set(clock.now() + 10 * 60);
    let next = harness.services.renewal.save_unsaved().await;
    assert!(
        next.is_some_and(|at| at > clock.now()),
        "E18: a refused retry keeps the tokens and tries again later (backoff): {next:?}"
    );
    assert!(
        matches!(status_of(&harness, id), ConnectionStatus::Error { message, .. } if message.contains("can't save")),
        "E18: the status still says the renewed sign-in is not saved"
    );
    assert_eq!(
        stored_secret(&harness.services, &connection, "refresh_token").as_deref(),
        Some("rt-0"),
        "nothing could be written"
    );
    assert_eq!(
        storage_notices(&harness.core.notices().expect("notices")).len(),
        1,
        "E18: told once, not once per refused try"
    );

    // Room again, and the retry due: the app's background scheduler saves what was kept.
    std::fs::remove_file(&filler).expect("make room");
    clock.set(next.expect("a later try"));
    let timing = SchedulerTiming {
        first_pass_delay: Duration::ZERO,
        wake_settle: Duration::ZERO,
        max_pause: Duration::from_millis(100),
        min_pause: Duration::from_millis(20),
    };
    let scheduler = tokio::spawn({
        let services = harness.services.clone();
        async move { services.keep_connections_healthy(timing).await }
    });
    for _ in 0..200 {
        if stored_secret(&harness.services, &connection, "refresh_token").as_deref() == Some("rt-2") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    scheduler.abort();
    assert_saved(&harness, &connection, "at-2", "rt-2");
    assert_eq!(
        refresh_tokens_sent(&fake).len(),
        2,
        "saving sends nothing to the provider"
    );
}

#[tokio::test]
async fn a_renewal_whose_audit_row_cannot_be_written_is_kept_not_saved_unrecorded() {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(&github_overrides(&fake), "e14-renewal", Arc::clone(&clock), |_| {});
    let connection = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(LIFETIME))).await;
    fake.script(TOKEN_PATH, [token_reply("at-1", Some("rt-1"), Some(LIFETIME))]);
    let file = rusqlite::Connection::open(&harness.core.paths().database_file).expect("open the file");
    file.execute_batch(REFUSE_AUDIT)
        .expect("make the audit table refuse rows");

    let renewed = harness
        .services
        .renewal
        .refresh_now(connection.id)
        .await
        .expect("E18: renewed at the provider, so kept rather than lost");
    assert!(
        matches!(&renewed.status, ConnectionStatus::Error { message, .. } if message.contains("can't save")),
        "E14: a renewal that cannot be audited is not saved: {:?}",
        renewed.status
    );
    assert_eq!(
        stored_secret(&harness.services, &connection, "refresh_token").as_deref(),
        Some("rt-0"),
        "E14: no token written without its audit row"
    );

    file.execute_batch("DROP TRIGGER refuse_audit;")
        .expect("let the audit table take rows again");
    clock.set(clock.now() + 10 * 60);
    assert_eq!(
        harness.services.renewal.save_unsaved().await,
        None,
        "saved with its audit row"
    );
    assert_saved(&harness, &connection, "at-1", "rt-1");
}
