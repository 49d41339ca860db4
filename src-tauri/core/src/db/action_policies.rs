//! The `action_policies` table: the person's allow / ask / deny for an action, on every
//! account (connection 0) or on one.

use rusqlite::{params, Connection, OptionalExtension};

use super::DbError;
use crate::ids::ConnectionId;

/// Every account: the row a connection's own row overrides.
const EVERY_ACCOUNT: i64 = 0;

/// The stored policy text for `action` on `connection` (its own, else every account's).
pub fn get(conn: &Connection, action: &str, connection: ConnectionId) -> Result<Option<String>, DbError> {
    Ok(conn
        .query_row(
            "SELECT policy FROM action_policies WHERE action = ?1 AND connection_id IN (?2, ?3)
             ORDER BY connection_id = ?3 LIMIT 1",
            params![action, connection, EVERY_ACCOUNT],
            |row| row.get(0),
        )
        .optional()?)
}

/// Sets (or, with `None`, clears) the policy for `action` on `connection` (`None`: every account).
pub fn set(
    conn: &Connection,
    action: &str,
    connection: Option<ConnectionId>,
    policy: Option<&str>,
    now: i64,
) -> Result<(), DbError> {
    let connection_id = connection.map_or(EVERY_ACCOUNT, |id| id.0);
    match policy {
        Some(policy) => conn.execute(
            "INSERT INTO action_policies (action, connection_id, policy, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (action, connection_id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at",
            params![action, connection_id, policy, now],
        )?,
        None => conn.execute(
            "DELETE FROM action_policies WHERE action = ?1 AND connection_id = ?2",
            params![action, connection_id],
        )?,
    };
    Ok(())
}

/// Forgets what was decided for `connection` alone, as it is deleted (every account's rows stay).
pub fn forget_connection(conn: &Connection, connection: ConnectionId) -> Result<(), DbError> {
    conn.execute(
        "DELETE FROM action_policies WHERE connection_id = ?1",
        params![connection],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;

    #[test]
    fn a_connections_own_policy_overrides_the_one_for_every_account() {
        let db = Database::open_in_memory().expect("db");
        let (action, one, other) = ("github.star_repository", ConnectionId(4), ConnectionId(5));
        assert_eq!(get(db.conn(), action, one).expect("read"), None, "nothing set");
        set(db.conn(), action, None, Some("deny"), 1).expect("every account");
        set(db.conn(), action, Some(one), Some("allow"), 2).expect("one account");
        assert_eq!(get(db.conn(), action, one).expect("read").as_deref(), Some("allow"));
        assert_eq!(get(db.conn(), action, other).expect("read").as_deref(), Some("deny"));
        set(db.conn(), action, Some(one), None, 3).expect("cleared");
        assert_eq!(get(db.conn(), action, one).expect("read").as_deref(), Some("deny"));
    }
}
