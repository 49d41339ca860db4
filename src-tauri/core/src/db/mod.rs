//! The SQLite file: opened with WAL, foreign keys and a busy timeout, checked with
//! `PRAGMA quick_check` (a damaged file is moved aside, kept, and replaced by a fresh one), and
//! migrated forward. Damage SQLite opens silently (an empty file, a WAL that is not one) is found
//! first, in `file_checks`. One module per table holds that table's queries; no business rules here.

pub mod action_policies;
pub mod app_settings;
pub mod audit;
pub mod chat_messages;
pub mod connections;
pub mod conversations;
mod file_checks;
mod migrations;
pub mod model_turns;
pub mod notices;
pub mod provider_settings;
pub mod revocations;
pub mod runs;
pub mod secrets;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use ts_rs::TS;

use crate::clock::{format_utc, Clock};
use crate::error::{ErrorCode, UserError};
use crate::paths::make_private_file;
pub use migrations::latest_version;

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// The file stayed locked past the busy timeout: another process writes to it.
    #[error("another Switchboard (the app or switchboard-cli) is using its data folder and kept the database busy")]
    Busy(rusqlite::Error),
    /// SQLite could not write: the file or its folder is read-only.
    #[error("its database file cannot be written (the file or its folder is read-only)")]
    ReadOnly(rusqlite::Error),
    /// The disk holding the data folder has no room left.
    #[error("the disk holding its data folder is full")]
    DiskFull(rusqlite::Error),
    #[error("the database was written by a newer Switchboard (schema {found}, this build knows {supported})")]
    NewerSchema { found: u32, supported: u32 },
    #[error("could not move the damaged database {path} aside: {source}")]
    MoveAside { path: PathBuf, source: std::io::Error },
    #[error("could not make {path} private to you: {source}")]
    NotPrivate { path: PathBuf, source: std::io::Error },
    #[error("no active notice with id {0}")]
    NoticeNotFound(i64),
}

impl From<rusqlite::Error> for DbError {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => Self::Busy(error),
            Some(rusqlite::ErrorCode::ReadOnly) => Self::ReadOnly(error),
            Some(rusqlite::ErrorCode::DiskFull) => Self::DiskFull(error),
            _ => Self::Sqlite(error),
        }
    }
}

impl From<DbError> for UserError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NoticeNotFound(_) => UserError::new(ErrorCode::NotFound, "That notice was already dismissed."),
            DbError::Busy(_) => UserError::new(
                ErrorCode::Storage,
                format!("Switchboard could not use its database: {error}. Try again in a moment; if it keeps happening, close the other Switchboard."),
            ),
            DbError::ReadOnly(_) | DbError::DiskFull(_) => UserError::new(
                ErrorCode::Storage,
                format!("Switchboard can't save to its data folder: {error}. Free some space or fix the folder's permissions; nothing else was changed."),
            ),
            DbError::NewerSchema { .. } => UserError::new(
                ErrorCode::Storage,
                format!("{error}. Update Switchboard to open it; the file was left untouched."),
            ),
            other => UserError::new(
                ErrorCode::Storage,
                format!("Switchboard could not use its database: {other}. Check free disk space and the data folder's permissions."),
            ),
        }
    }
}

/// What happened to a database file that failed its integrity check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Recovery {
    /// Where the damaged file now is (kept, never deleted).
    pub moved_to: String,
    /// What SQLite said about it.
    pub reason: String,
}

pub struct Database {
    conn: Connection,
}

/// A database ready to use, and whether it had to be recovered on the way.
pub struct Opened {
    pub database: Database,
    pub recovery: Option<Recovery>,
}

impl Database {
    /// Opens (creating if needed) the database file, recovering a damaged one.
    pub fn open(path: &Path, clock: &dyn Clock) -> Result<Opened, DbError> {
        let found_before_open = file_checks::recover_before_open(path, clock.now())?;
        // A main file that fails quick_check is replaced whatever was found before: it is kept
        // under the same name, beside any WAL copy kept just now.
        let recovery = match integrity_problem(path) {
            Some(reason) => Some((
                move_aside(path, reason, clock.now())?,
                "Switchboard's database was damaged, so a fresh one was started. The damaged file was kept.",
            )),
            None => found_before_open.map(|found| (found.recovery, found.notice)),
        };
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        migrations::migrate(&mut conn)?;
        for file in [path.to_path_buf(), sidecar(path, "-wal"), sidecar(path, "-shm")] {
            if file.exists() {
                make_private_file(&file).map_err(|source| DbError::NotPrivate {
                    path: file.clone(),
                    source,
                })?;
            }
        }
        if let Some((recovery, message)) = &recovery {
            notices::insert(
                &conn,
                notices::NoticeKind::DatabaseRecovered,
                message,
                Some(&recovery.moved_to),
                clock.now(),
            )?;
            tracing::warn!(moved_to = %recovery.moved_to, reason = %recovery.reason, "database file was damaged and kept aside");
        }
        Ok(Opened {
            database: Self { conn },
            recovery: recovery.map(|(recovery, _)| recovery),
        })
    }

    /// A private, migrated, in-memory database for tests.
    pub fn open_in_memory() -> Result<Self, DbError> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn)?;
        migrations::migrate(&mut conn)?;
        Ok(Self { conn })
    }

    /// A second, read-only connection to the same file, so reads never queue behind a write
    /// waiting for another process's lock; `None` for an in-memory database.
    pub fn open_reader(&self) -> Result<Option<Database>, DbError> {
        let path = match self.conn.path() {
            Some(path) if !path.is_empty() => PathBuf::from(path),
            _ => return Ok(None),
        };
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(Some(Self { conn }))
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `write` without waiting for another process's lock (a busy database fails at
    /// once), for writes that may be skipped, such as when an account was last used.
    pub fn write_without_waiting<T>(
        &self,
        write: impl FnOnce(&Connection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        self.conn.busy_timeout(Duration::ZERO)?;
        let outcome = write(&self.conn);
        if let Err(error) = self.conn.busy_timeout(BUSY_TIMEOUT) {
            tracing::warn!(%error, "could not restore the busy timeout");
        }
        outcome
    }

    /// Runs `write` in an IMMEDIATE transaction committed with `synchronous=FULL`, so what it
    /// wrote is on disk before this returns (then back to NORMAL); rolled back if `write` fails.
    /// For writes that must never be lost, such as a rotated refresh token (SECURITY.md C5).
    pub fn write_durably<T, E: From<DbError>>(
        &self,
        write: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(DbError::from)?;
        let outcome = (|| {
            let transaction =
                rusqlite::Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)
                    .map_err(DbError::from)?;
            let value = write(&transaction)?;
            transaction.commit().map_err(DbError::from)?;
            Ok(value)
        })();
        if let Err(error) = self.conn.pragma_update(None, "synchronous", "NORMAL") {
            tracing::warn!(%error, "could not set synchronous back to NORMAL");
        }
        outcome
    }
}

/// Why an existing file is not a healthy database.
#[derive(Debug, thiserror::Error)]
pub enum DamagedDatabase {
    #[error("{0}")]
    Unreadable(#[from] rusqlite::Error),
    /// What `PRAGMA quick_check` reported.
    #[error("{0}")]
    FailedCheck(String),
}

/// Health of an existing file, read-only: for `doctor`, which must change nothing.
/// A read-only connection to the database file, for reports that must change nothing.
pub fn open_readonly(path: &Path) -> Result<Connection, DbError> {
    Ok(Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

pub fn check_readonly(path: &Path) -> Result<(), DamagedDatabase> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    match quick_check(&conn)? {
        None => Ok(()),
        Some(problem) => Err(DamagedDatabase::FailedCheck(problem)),
    }
}

fn configure(conn: &Connection) -> Result<(), DbError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// `Some(reason)` when the file exists and SQLite calls it damaged or not a database. Other
/// failures (busy, permissions) are not damage: the file is left for `open` to report.
fn integrity_problem(path: &Path) -> Option<String> {
    if !path.exists() {
        return None;
    }
    let conn = Connection::open(path).ok()?;
    match quick_check(&conn) {
        Ok(problem) => problem,
        Err(rusqlite::Error::SqliteFailure(failure, message))
            if matches!(
                failure.code,
                rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt
            ) =>
        {
            Some(message.unwrap_or_else(|| failure.to_string()))
        }
        Err(_) => None,
    }
}

/// `Ok(None)` when `quick_check` says "ok", `Ok(Some(first problem))` otherwise.
fn quick_check(conn: &Connection) -> Result<Option<String>, rusqlite::Error> {
    let first: String = conn.query_row("PRAGMA quick_check(1)", [], |row| row.get(0))?;
    Ok((first != "ok").then_some(first))
}

fn move_aside(path: &Path, reason: String, now: i64) -> Result<Recovery, DbError> {
    let suffix = format!(".corrupt-{}", format_utc(now));
    let moved_to = sidecar(path, &suffix);
    std::fs::rename(path, &moved_to).map_err(|source| DbError::MoveAside {
        path: path.to_path_buf(),
        source,
    })?;
    for extra in ["-wal", "-shm"] {
        let file = sidecar(path, extra);
        if file.exists() {
            let target = sidecar(&moved_to, extra);
            std::fs::rename(&file, &target).map_err(|source| DbError::MoveAside {
                path: file.clone(),
                source,
            })?;
        }
    }
    // A file copied in with looser permissions stays private once kept aside (E10).
    make_private_file(&moved_to).map_err(|source| DbError::MoveAside {
        path: moved_to.clone(),
        source,
    })?;
    Ok(Recovery {
        moved_to: moved_to.display().to_string(),
        reason,
    })
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_database_has_foreign_keys_on() {
        let db = Database::open_in_memory().expect("in-memory db");
        let on: i64 = db
            .conn()
            .query_row("PRAGMA foreign_keys", [], |row| row.get(0))
            .expect("pragma");
        assert_eq!(on, 1, "foreign keys must be enforced on every connection");
    }

    #[test]
    fn sidecar_appends_to_the_file_name() {
        assert_eq!(sidecar(Path::new("/d/s.db"), "-wal"), PathBuf::from("/d/s.db-wal"));
    }
}
