//! Token reads while the database is busy (SECURITY.md E19): another process holds its write lock, and a write
//! of this core waits for it. Reading a token, and noting when the account was last used, never
//! queue behind that wait (a read has its own connection; the "last used" note is skipped when
//! it would have to wait).

use crate::support::refresh as refresh_support;
use crate::support::refresh_cases::LIFETIME;

use std::sync::Arc;
use std::time::{Duration, Instant};

use refresh_support::{connect_github, github_overrides, manual_harness, real_now, token_reply};
use switchboard_core::clock::{Clock, ManualClock};
use switchboard_core::connections::Connection;

use crate::support::connector::Harness;
use crate::support::fake_provider::FakeProvider;

/// SQLite's busy timeout in the core: a write waits this long for another process's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn a_token_read_does_not_queue_behind_a_write_that_waits_for_another_process() {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(
        &github_overrides(&fake),
        "reads-behind-write",
        Arc::clone(&clock),
        |_| {},
    );
    let connection = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(LIFETIME))).await;

    for (case, since_last_use) in [("a read", 0), ("a read that notes the use", 120)] {
        clock.set(clock.now() + since_last_use);
        let other_process = hold_write_lock(&harness);
        let waiting_write = write_in_the_background(&harness, &connection);
        std::thread::sleep(Duration::from_millis(300)); // the write is now waiting, holding the core's writer
        let token = harness
            .services
            .renewal
            .access_token(connection.id)
            .await
            .expect("a token");
        assert_eq!(token.expose(), "at-0");
        assert!(
            !waiting_write.is_finished(),
            "{case}: the token came while the write still waited for the other process: reads do not queue behind it"
        );
        drop(other_process);
        waiting_write.join().expect("the write's thread");
    }
}

#[tokio::test]
async fn noting_when_an_account_was_used_never_waits_for_another_process() {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(&github_overrides(&fake), "last-used-busy", Arc::clone(&clock), |_| {});
    let connection = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(LIFETIME))).await;
    harness
        .services
        .renewal
        .access_token(connection.id)
        .await
        .expect("a first use");
    let noted = last_used(&harness, &connection);

    clock.set(clock.now() + 120);
    let other_process = hold_write_lock(&harness);
    let started = Instant::now();
    let token = harness
        .services
        .renewal
        .access_token(connection.id)
        .await
        .expect("a token");
    let took = started.elapsed();
    assert_eq!(token.expose(), "at-0");
    assert!(
        took < BUSY_TIMEOUT - Duration::from_secs(1),
        "the read did not wait out the busy timeout to note the use (took {took:?})"
    );
    assert_eq!(
        last_used(&harness, &connection),
        noted,
        "the note was skipped, not half-made"
    );
    drop(other_process);

    harness
        .services
        .renewal
        .access_token(connection.id)
        .await
        .expect("a token");
    assert_eq!(
        last_used(&harness, &connection),
        Some(clock.now()),
        "once the database is free the use is noted again"
    );
}

/// Another process's IMMEDIATE transaction, rolled back when dropped.
fn hold_write_lock(harness: &Harness) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(&harness.core.paths().database_file).expect("open the file");
    conn.execute_batch("BEGIN IMMEDIATE").expect("take the write lock");
    conn
}

/// A write of the core's own (an audit line) on a thread: it waits for the lock.
fn write_in_the_background(harness: &Harness, connection: &Connection) -> std::thread::JoinHandle<()> {
    let services = harness.services.clone();
    let connection = connection.clone();
    std::thread::spawn(move || services.store.audit(&connection, "probe", "ok", None))
}

fn last_used(harness: &Harness, connection: &Connection) -> Option<i64> {
    harness
        .services
        .store
        .get(connection.id)
        .expect("the connection")
        .last_used_at
}
