//! The `revocations` table: revocations that failed when a connection was deleted, waiting to
//! be tried again. The token to revoke is sealed in `secrets` (owner `revocation:{id}`); this
//! module never sees it, and decides nothing about when or how to retry.

use rusqlite::{params, Connection, Row};
use serde::Serialize;
use ts_rs::TS;

use super::DbError;

/// A revocation still owed to a provider, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingRevocation {
    pub id: i64,
    pub provider: String,
    pub account_label: String,
    /// The account's stable identity: binds the sealed token to it; of no use to the UI.
    #[serde(skip)]
    #[ts(skip)]
    pub account_id: String,
    /// Tries so far, the one made when the connection was deleted included.
    pub attempts: i64,
    /// Unix seconds.
    pub next_attempt_at: i64,
    /// Why the last try failed, in plain words.
    pub last_error: Option<String>,
    pub created_at: i64,
}

/// What is recorded when the revocation at deletion failed (that was the first attempt).
pub struct NewRevocation<'a> {
    pub provider: &'a str,
    pub account_label: &'a str,
    pub account_id: &'a str,
    pub next_attempt_at: i64,
    pub last_error: &'a str,
    pub created_at: i64,
}

const COLUMNS: &str = "id, provider, account_label, account_id, attempts, next_attempt_at, last_error, created_at";

pub fn insert(conn: &Connection, new: &NewRevocation<'_>) -> Result<i64, DbError> {
    let id = conn.query_row(
        "INSERT INTO revocations (provider, account_label, account_id, attempts, next_attempt_at, last_error, created_at)
         VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6) RETURNING id",
        params![
            new.provider,
            new.account_label,
            new.account_id,
            new.next_attempt_at,
            new.last_error,
            new.created_at
        ],
        |row| row.get(0),
    )?;
    Ok(id)
}

/// Every pending revocation, soonest retry first.
pub fn list(conn: &Connection) -> Result<Vec<PendingRevocation>, DbError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM revocations ORDER BY next_attempt_at, id"
    ))?;
    let rows = statement.query_map([], read)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Those whose next attempt is at or before `now`.
pub fn due(conn: &Connection, now: i64) -> Result<Vec<PendingRevocation>, DbError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM revocations WHERE next_attempt_at <= ?1 ORDER BY next_attempt_at, id"
    ))?;
    let rows = statement
        .query_map(params![now], read)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Another try failed: counts it and schedules the next.
pub fn record_failure(conn: &Connection, id: i64, message: &str, next_attempt_at: i64) -> Result<bool, DbError> {
    Ok(conn.execute(
        "UPDATE revocations SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 WHERE id = ?1",
        params![id, message, next_attempt_at],
    )? == 1)
}

pub fn delete(conn: &Connection, id: i64) -> Result<bool, DbError> {
    Ok(conn.execute("DELETE FROM revocations WHERE id = ?1", params![id])? == 1)
}

fn read(row: &Row<'_>) -> rusqlite::Result<PendingRevocation> {
    Ok(PendingRevocation {
        id: row.get(0)?,
        provider: row.get(1)?,
        account_label: row.get(2)?,
        account_id: row.get(3)?,
        attempts: row.get(4)?,
        next_attempt_at: row.get(5)?,
        last_error: row.get(6)?,
        created_at: row.get(7)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;

    fn new(provider: &str, next_attempt_at: i64) -> NewRevocation<'_> {
        NewRevocation {
            provider,
            account_label: "octocat",
            account_id: "583231",
            next_attempt_at,
            last_error: "HTTP 503",
            created_at: 10,
        }
    }

    #[test]
    fn due_revocations_are_found_counted_and_removed() {
        let db = Database::open_in_memory().expect("db");
        let conn = db.conn();
        let early = insert(conn, &new("github", 100)).expect("insert");
        let late = insert(conn, &new("slack", 500)).expect("insert");
        let due_now: Vec<i64> = due(conn, 100).expect("due").iter().map(|r| r.id).collect();
        assert_eq!(due_now, vec![early], "only what is due at 100 is retried then");
        assert!(record_failure(conn, early, "HTTP 502", 900).expect("failure"));
        let listed = list(conn).expect("list");
        assert_eq!(listed[0].id, late, "soonest retry first");
        assert_eq!(listed[1].attempts, 2, "the deletion's try and this retry");
        assert_eq!(listed[1].last_error.as_deref(), Some("HTTP 502"));
        assert!(delete(conn, early).expect("delete"), "a finished revocation is removed");
        assert_eq!(list(conn).expect("list").len(), 1, "the other stays pending");
    }
}
