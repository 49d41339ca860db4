//! The `notices` table: messages the app must show once and keep showing until dismissed.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::DbError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub enum NoticeKind {
    /// The database failed its integrity check and was replaced by a fresh one.
    DatabaseRecovered,
    /// The database refused a write that must not be lost; what could not be saved is kept in
    /// memory for the session (never stored: the database is what failed).
    StorageRefused,
}

impl NoticeKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::DatabaseRecovered => "database_recovered",
            Self::StorageRefused => "storage_refused",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "database_recovered" => Some(Self::DatabaseRecovered),
            "storage_refused" => Some(Self::StorageRefused),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub id: i64,
    pub kind: NoticeKind,
    pub message: String,
    pub detail: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
}

pub fn insert(
    conn: &Connection,
    kind: NoticeKind,
    message: &str,
    detail: Option<&str>,
    now: i64,
) -> Result<i64, DbError> {
    conn.execute(
        "INSERT INTO notices (kind, message, detail, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![kind.as_str(), message, detail, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Notices not yet dismissed, oldest first. Rows of a kind this build does not know are skipped.
pub fn list_active(conn: &Connection) -> Result<Vec<Notice>, DbError> {
    let mut statement = conn.prepare(
        "SELECT id, kind, message, detail, created_at FROM notices WHERE dismissed_at IS NULL ORDER BY created_at, id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
        ))
    })?;
    let mut notices = Vec::new();
    for row in rows {
        let (id, kind, message, detail, created_at) = row?;
        if let Some(kind) = NoticeKind::parse(&kind) {
            notices.push(Notice {
                id,
                kind,
                message,
                detail,
                created_at,
            });
        }
    }
    Ok(notices)
}

/// Marks a notice dismissed; `NoticeNotFound` if there is no such active notice.
pub fn dismiss(conn: &Connection, id: i64, now: i64) -> Result<(), DbError> {
    let changed = conn.execute(
        "UPDATE notices SET dismissed_at = ?2 WHERE id = ?1 AND dismissed_at IS NULL",
        params![id, now],
    )?;
    if changed == 0 {
        return Err(DbError::NoticeNotFound(id));
    }
    Ok(())
}

/// The newest notice of a kind, dismissed or not.
pub fn latest_of_kind(conn: &Connection, kind: NoticeKind) -> Result<Option<Notice>, DbError> {
    conn.query_row(
        "SELECT id, message, detail, created_at FROM notices WHERE kind = ?1 ORDER BY created_at DESC, id DESC LIMIT 1",
        params![kind.as_str()],
        |row| {
            Ok(Notice {
                id: row.get(0)?,
                kind,
                message: row.get(1)?,
                detail: row.get(2)?,
                created_at: row.get(3)?,
            })
        },
    )
    .optional()
    .map_err(DbError::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;

    #[test]
    fn a_dismissed_notice_is_no_longer_active() {
        let db = Database::open_in_memory().expect("in-memory db");
        let id = insert(
            db.conn(),
            NoticeKind::DatabaseRecovered,
            "Recovered",
            Some("/tmp/x"),
            10,
        )
        .expect("insert");
        assert_eq!(list_active(db.conn()).expect("list").len(), 1, "a new notice is active");
        dismiss(db.conn(), id, 20).expect("dismiss");
        assert!(
            list_active(db.conn()).expect("list").is_empty(),
            "a dismissed notice must not show again"
        );
        assert!(
            matches!(dismiss(db.conn(), id, 30), Err(DbError::NoticeNotFound(_))),
            "dismissing twice says the notice is gone"
        );
    }

    #[test]
    fn unknown_kinds_from_a_newer_build_are_skipped() {
        let db = Database::open_in_memory().expect("in-memory db");
        db.conn()
            .execute(
                "INSERT INTO notices (kind, message, created_at) VALUES ('from_the_future', 'x', 1)",
                [],
            )
            .expect("insert");
        assert!(
            list_active(db.conn()).expect("list").is_empty(),
            "an unknown kind must not break the list"
        );
    }
}
