//! Renewals when the database refuses what they bring (SECURITY.md E18): another process holds
//! the write lock past the busy timeout, the disk is full (a small tmpfs), the file is
//! read-only. The provider's rotated tokens are never lost, a spent refresh token is never sent
//! again, and the person is told once. Time is a `ManualClock` the tests move.

use crate::support::fake_provider;
use crate::support::refresh as refresh_support;
use crate::support::refresh_cases;
use crate::support::small_disk::{ReadOnlyFile, SmallDisk};
use crate::support::storage_refused::{assert_saved, empty_the_wal, storage_notices, ANSWER_DELAY};

use std::sync::Arc;

use fake_provider::FakeProvider;
use refresh_cases::{into_the_margin, status_of, LIFETIME};
use refresh_support::{
    connect_github, github_overrides, manual_harness, manual_harness_in, real_now, refresh_tokens_sent, stored_secret,
    token_reply, TOKEN_PATH,
};
use switchboard_core::clock::{Clock, ManualClock};
use switchboard_core::connections::ConnectionStatus;
use switchboard_core::error::ErrorCode;

#[tokio::test]
async fn rotated_tokens_refused_by_a_locked_database_are_kept_used_and_saved_later() {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(&github_overrides(&fake), "e16-locked", Arc::clone(&clock), |_| {});
    let connection = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(LIFETIME))).await;
    let id = connection.id;
    fake.script(
        TOKEN_PATH,
        [
            token_reply("at-1", Some("rt-1"), Some(LIFETIME)).after(ANSWER_DELAY),
            token_reply("at-2", Some("rt-2"), Some(LIFETIME)),
        ],
    );

    let renewing = tokio::spawn({
        let services = harness.services.clone();
        async move { services.renewal.refresh_now(id).await }
    });
    fake.wait_for_requests_to(TOKEN_PATH, 2).await; // the sign-in's exchange, then this renewal
    let other_process = rusqlite::Connection::open(&harness.core.paths().database_file).expect("open the file");
    other_process
        .execute_batch("BEGIN IMMEDIATE")
        .expect("another process takes the write lock while the request is out");
    let renewed = renewing
        .await
        .expect("join")
        .expect("E18: the renewal succeeded at the provider, so it succeeds here even though the commit was refused");
    assert!(
        matches!(&renewed.status, ConnectionStatus::Error { message, .. } if message.contains("can't save")),
        "E18: the status says the renewed sign-in is not saved: {:?}",
        renewed.status
    );
    let token = harness.services.renewal.access_token(id).await.expect("a token");
    assert_eq!(
        token.expose(),
        "at-1",
        "E18: the renewed token is used while it waits to be saved"
    );
    assert_eq!(
        storage_notices(&harness.core.notices().expect("notices")).len(),
        1,
        "E18: the person is told once that Switchboard can't save"
    );

    // The kept token falls due while the lock is still held: renewed with the kept refresh token.
    clock.set(clock.now() + LIFETIME - 60);
    let token = harness.services.renewal.access_token(id).await.expect("renewed again");
    assert_eq!(token.expose(), "at-2", "E18: renewed from the kept refresh token");
    assert_eq!(
        refresh_tokens_sent(&fake),
        vec!["rt-0".to_owned(), "rt-1".to_owned()],
        "E18: the spent refresh token rt-0 is never sent again; the kept rt-1 is"
    );
    assert_eq!(
        stored_secret(&harness.services, &connection, "refresh_token").as_deref(),
        Some("rt-0"),
        "nothing could be written while the lock was held"
    );
    assert_eq!(
        storage_notices(&harness.core.notices().expect("notices")).len(),
        1,
        "E18: told once, not once per refused commit"
    );

    other_process
        .execute_batch("ROLLBACK")
        .expect("the other process lets go");
    clock.set(clock.now() + 10 * 60);
    let next = harness.services.renewal.save_unsaved().await;
    assert_eq!(next, None, "E18: once the lock is free the kept tokens are saved");
    assert_saved(&harness, &connection, "at-2", "rt-2");
    assert_eq!(
        refresh_tokens_sent(&fake).len(),
        2,
        "saving sends nothing to the provider"
    );
}

#[tokio::test]
async fn rotated_tokens_refused_by_a_full_disk_are_kept_and_saved_once_there_is_room() {
    let (disk, data) = SmallDisk::mount("4m");
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness_in(data, &github_overrides(&fake), "e16-full", Arc::clone(&clock), |_| {});
    let connection = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(LIFETIME))).await;
    let id = connection.id;
    fake.script(
        TOKEN_PATH,
        [token_reply("at-1", Some("rt-1"), Some(LIFETIME)).after(ANSWER_DELAY)],
    );

    into_the_margin(&clock, &connection);
    let renewing = tokio::spawn({
        let services = harness.services.clone();
        async move { services.renewal.access_token(id).await }
    });
    fake.wait_for_requests_to(TOKEN_PATH, 2).await;
    empty_the_wal(&harness.core.paths().database_file);
    let filler = disk.fill();
    let token = renewing
        .await
        .expect("join")
        .expect("E18: the renewal succeeded at the provider, so the caller gets its token");
    assert_eq!(
        token.expose(),
        "at-1",
        "E18: the renewed token is used though the disk is full"
    );
    let notices = storage_notices(&harness.core.notices().expect("notices"));
    assert!(
        notices.len() == 1 && notices[0].message.contains("full"),
        "E18: the person is told the disk is full: {notices:?}"
    );
    assert!(
        matches!(status_of(&harness, id), ConnectionStatus::Error { message, .. } if message.contains("can't save")),
        "E18: the status says the renewed sign-in is not saved"
    );

    std::fs::remove_file(&filler).expect("make room");
    clock.set(clock.now() + 10 * 60);
    assert_eq!(
        harness.services.renewal.save_unsaved().await,
        None,
        "E18: saved once there is room"
    );
    assert_saved(&harness, &connection, "at-1", "rt-1");
    assert_eq!(
        refresh_tokens_sent(&fake),
        vec!["rt-0".to_owned()],
        "one token request in all"
    );
}

#[tokio::test]
async fn a_renewal_the_database_cannot_record_sends_no_token_request() {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(&github_overrides(&fake), "e16-before", Arc::clone(&clock), |_| {});
    let connection = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(LIFETIME))).await;
    let id = connection.id;
    fake.script(TOKEN_PATH, [token_reply("at-1", Some("rt-1"), Some(LIFETIME))]);

    let other_process = rusqlite::Connection::open(&harness.core.paths().database_file).expect("open the file");
    other_process
        .execute_batch("BEGIN IMMEDIATE")
        .expect("another process writes");
    let error = harness
        .services
        .renewal
        .refresh_now(id)
        .await
        .expect_err("E18: no renewal while the database refuses writes");
    assert_eq!(error.code(), ErrorCode::Storage, "a storage problem: {error}");
    assert!(
        error.to_string().contains("another Switchboard"),
        "the message says who holds the data: {error}"
    );
    into_the_margin(&clock, &connection);
    let token = harness.services.renewal.access_token(id).await;
    assert_eq!(
        token.expect("the current token still works").expose(),
        "at-0",
        "E18: a due renewal that cannot be recorded is put off while the current token works"
    );
    assert!(
        refresh_tokens_sent(&fake).is_empty(),
        "E18: no refresh token was spent while the result could not be saved"
    );
    other_process
        .execute_batch("ROLLBACK")
        .expect("the other process lets go");
    let token = harness.services.renewal.access_token(id).await.expect("renewed");
    assert_eq!(
        token.expose(),
        "at-1",
        "once the database takes writes, the renewal goes ahead"
    );
    assert_saved(&harness, &connection, "at-1", "rt-1");
}

#[tokio::test]
async fn a_process_that_finds_the_database_file_read_only_sends_no_token_request() {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(&github_overrides(&fake), "e16-read-only", Arc::clone(&clock), |_| {});
    let connection = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(LIFETIME))).await;
    let id = connection.id;
    fake.script(TOKEN_PATH, [token_reply("at-1", Some("rt-1"), Some(LIFETIME))]);

    let _read_only = ReadOnlyFile::bind(&harness.core.paths().database_file);
    let second = refresh_support::services_in(
        harness.data.path(),
        &github_overrides(&fake),
        harness.services.keys.slot().clone(),
    );
    let error = second
        .renewal
        .refresh_now(id)
        .await
        .expect_err("E18: no renewal from a process that cannot write the database");
    assert_eq!(error.code(), ErrorCode::Storage, "a storage problem: {error}");
    assert!(error.to_string().contains("read-only"), "the message says why: {error}");
    let notices = storage_notices(&second.context.session_notices().active());
    assert!(
        notices.len() == 1 && notices[0].message.contains("read-only"),
        "E18: the person is told once that Switchboard can't save, and why: {notices:?}"
    );
    assert!(
        refresh_tokens_sent(&fake).is_empty(),
        "E18: no refresh token was spent that could not be saved"
    );
    assert_eq!(
        stored_secret(&harness.services, &connection, "refresh_token").as_deref(),
        Some("rt-0"),
        "the grant is untouched"
    );
}
