//! Embedded, forward-only schema migrations, all pending ones applied in one IMMEDIATE
//! transaction: a crash mid-way leaves the old schema, never half of the new one. The schema
//! version lives in `PRAGMA user_version`.

use rusqlite::{Connection, TransactionBehavior};

use super::DbError;

/// Every migration ever shipped, in order; never edit or reorder one that has shipped.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_notices.sql"),
    include_str!("migrations/0002_secrets.sql"),
    include_str!("migrations/0003_connections.sql"),
    include_str!("migrations/0004_app_settings.sql"),
    include_str!("migrations/0005_connection_health.sql"),
    include_str!("migrations/0006_renewal_started.sql"),
    include_str!("migrations/0007_action_policies.sql"),
    include_str!("migrations/0008_chat.sql"),
    include_str!("migrations/0009_model_turns.sql"),
    include_str!("migrations/0010_connection_ids_never_reused.sql"),
];

/// The schema version this build writes.
pub fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}

pub fn migrate(conn: &mut Connection) -> Result<u32, DbError> {
    apply(conn, MIGRATIONS)
}

/// Applies what `migrations` has beyond the file's `user_version`, all or nothing.
fn apply(conn: &mut Connection, migrations: &[&str]) -> Result<u32, DbError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: u32 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let latest = migrations.len() as u32;
    if current > latest {
        return Err(DbError::NewerSchema {
            found: current,
            supported: latest,
        });
    }
    for (index, sql) in migrations.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as u32 + 1)?;
    }
    tx.commit()?;
    Ok(latest)
}

#[cfg(test)]
#[path = "migration_kill_tests.rs"]
mod kill_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().expect("in-memory db");
        assert_eq!(migrate(&mut conn).expect("first migration"), latest_version());
        assert_eq!(
            migrate(&mut conn).expect("second migration"),
            latest_version(),
            "re-running must not re-apply"
        );
    }

    #[test]
    fn a_connection_id_is_never_given_again_even_one_deleted_before_the_upgrade() {
        let mut conn = Connection::open_in_memory().expect("in-memory db");
        apply(&mut conn, &MIGRATIONS[..9]).expect("the schema before ids were kept");
        let add = "INSERT INTO connections (id, provider, products, auth_kind, account_id, account_label,
                   scopes, status, created_at) VALUES (?1, 'github', '[]', 'oauth', ?1, 'a', '[]', 'connected', 0)";
        conn.execute(add, [1]).expect("connection 1");
        conn.execute(add, [2]).expect("connection 2");
        conn.execute(
            "INSERT INTO audit (at, connection_id, provider, account_label, operation, outcome)
             VALUES (0, 3, 'github', 'gone', 'delete', 'ok')",
            [],
        )
        .expect("connection 3, deleted, is still named by its audit row");
        migrate(&mut conn).expect("the upgrade");
        let kept: i64 = conn
            .query_row("SELECT COUNT(*) FROM connections", [], |row| row.get(0))
            .expect("count");
        assert_eq!(kept, 2, "the upgrade keeps every connection");
        let next = |conn: &Connection, account: &str| -> i64 {
            conn.query_row(
                "INSERT INTO connections (provider, products, auth_kind, account_id, account_label, scopes,
                 status, created_at) VALUES ('github', '[]', 'oauth', ?1, 'a', '[]', 'connected', 0) RETURNING id",
                [account],
                |row| row.get(0),
            )
            .expect("a new connection")
        };
        assert_eq!(
            next(&conn, "new"),
            4,
            "past every id anything names, the deleted 3 included"
        );
        conn.execute("DELETE FROM connections WHERE id = 4", [])
            .expect("deleted");
        assert_eq!(
            next(&conn, "newer"),
            5,
            "the highest id, once deleted, is not given again"
        );
    }

    #[test]
    fn a_newer_schema_is_refused_not_downgraded() {
        let mut conn = Connection::open_in_memory().expect("in-memory db");
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .expect("set version");
        let outcome = migrate(&mut conn);
        assert!(
            matches!(outcome, Err(DbError::NewerSchema { .. })),
            "a database from a newer Switchboard must be left alone, got {outcome:?}"
        );
    }

    #[test]
    fn a_failing_migration_leaves_the_old_schema() {
        let mut conn = Connection::open_in_memory().expect("in-memory db");
        // A table named like the one migration 1 creates makes it fail half-way.
        conn.execute_batch("CREATE TABLE notices (x)").expect("seed a clash");
        assert!(migrate(&mut conn).is_err(), "the clashing migration must fail");
        let version: u32 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .expect("version");
        assert_eq!(version, 0, "a failed migration must not bump the schema version");
    }
}
