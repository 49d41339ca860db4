//! What the tests of renewals the database refuses (SECURITY.md E18) share: how long the
//! provider takes to answer, the checks that what was kept is saved, and the notices.

use std::path::Path;
use std::time::Duration;

use crate::support::connector::Harness;
use crate::support::refresh::{audited, stored_secret};
use crate::support::refresh_cases::status_of;
use switchboard_core::connections::{Connection, ConnectionStatus};
use switchboard_core::db::notices::{Notice, NoticeKind};

/// Long enough for the test to act on the database while the token request is in flight.
pub const ANSWER_DELAY: Duration = Duration::from_millis(800);

/// Makes the audit table refuse rows, as a full disk would (`DROP TRIGGER refuse_audit` undoes it).
pub const REFUSE_AUDIT: &str = "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit
                                BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;";

/// The kept tokens are stored, audited once, and nothing is kept or told any more.
pub fn assert_saved(harness: &Harness, connection: &Connection, access: &str, refresh: &str) {
    let services = &harness.services;
    assert_eq!(
        stored_secret(services, connection, "refresh_token").as_deref(),
        Some(refresh),
        "E18: the rotated refresh token is on disk"
    );
    assert_eq!(
        stored_secret(services, connection, "access_token").as_deref(),
        Some(access)
    );
    assert_eq!(
        audited(services, connection.id, "refresh", "ok").len(),
        1,
        "E14: the saved renewal has its one audit row"
    );
    assert!(
        matches!(status_of(harness, connection.id), ConnectionStatus::Connected),
        "the card is back to connected"
    );
    assert!(
        storage_notices(&harness.core.notices().expect("notices")).is_empty(),
        "the notice goes once everything is saved"
    );
}

pub fn storage_notices(notices: &[Notice]) -> Vec<Notice> {
    notices
        .iter()
        .filter(|notice| notice.kind == NoticeKind::StorageRefused)
        .cloned()
        .collect()
}

/// Checkpoints the WAL into the database and truncates it, so the next commit must grow it.
pub fn empty_the_wal(database: &Path) {
    let conn = rusqlite::Connection::open(database).expect("open the file");
    let (busy, _, _): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .expect("checkpoint");
    assert_eq!(busy, 0, "the WAL is checkpointed and truncated");
}
