//! The `audit` table: append-only (triggers refuse UPDATE and DELETE). Rows hold what was done,
//! to which account, and how it went; never a secret.

use rusqlite::{params, Connection, Row};
use serde::Serialize;
use ts_rs::TS;

use super::DbError;
use crate::ids::ConnectionId;

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub connection_id: Option<ConnectionId>,
    pub provider: String,
    pub account_label: String,
    /// `connect`, `refresh`, `test`, `revoke`, `delete`, `enable`, `disable`, `rename`, …
    pub operation: String,
    /// `ok`, `failed`, `retrying`, …
    pub outcome: String,
    pub detail: Option<String>,
}

/// What is appended (the id and nothing else is assigned by the table).
pub struct NewAuditEntry<'a> {
    pub at: i64,
    pub connection_id: Option<ConnectionId>,
    pub provider: &'a str,
    pub account_label: &'a str,
    pub operation: &'a str,
    pub outcome: &'a str,
    pub detail: Option<&'a str>,
}

pub fn append(conn: &Connection, entry: &NewAuditEntry<'_>) -> Result<i64, DbError> {
    conn.execute(
        "INSERT INTO audit (at, connection_id, provider, account_label, operation, outcome, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            entry.at,
            entry.connection_id,
            entry.provider,
            entry.account_label,
            entry.operation,
            entry.outcome,
            entry.detail
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Oldest first; one connection's entries, or all of them.
pub fn list(conn: &Connection, connection_id: Option<ConnectionId>) -> Result<Vec<AuditEntry>, DbError> {
    let mut statement = conn.prepare(
        "SELECT id, at, connection_id, provider, account_label, operation, outcome, detail FROM audit
         WHERE ?1 IS NULL OR connection_id = ?1 ORDER BY at, id",
    )?;
    let rows = statement
        .query_map(params![connection_id], read)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

fn read(row: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: row.get(0)?,
        at: row.get(1)?,
        connection_id: row.get(2)?,
        provider: row.get(3)?,
        account_label: row.get(4)?,
        operation: row.get(5)?,
        outcome: row.get(6)?,
        detail: row.get(7)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;

    #[test]
    fn entries_can_be_added_but_never_changed_or_removed() {
        let db = Database::open_in_memory().expect("db");
        let entry = NewAuditEntry {
            at: 1,
            connection_id: Some(ConnectionId(7)),
            provider: "github",
            account_label: "octocat",
            operation: "refresh",
            outcome: "ok",
            detail: None,
        };
        append(db.conn(), &entry).expect("append");
        assert!(
            db.conn().execute("UPDATE audit SET outcome = 'failed'", []).is_err(),
            "rows cannot be edited"
        );
        assert!(
            db.conn().execute("DELETE FROM audit", []).is_err(),
            "rows cannot be removed"
        );
        let listed = list(db.conn(), Some(ConnectionId(7))).expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].outcome, "ok", "the entry is as written");
        assert!(
            list(db.conn(), Some(ConnectionId(8))).expect("list").is_empty(),
            "filtered by connection"
        );
    }
}
