//! The `secrets` table: sealed blobs only. Sealing and opening are the vault's; this module
//! never sees a plaintext secret.

use rusqlite::{params, Connection, OptionalExtension};

use super::DbError;

/// One stored secret, still sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSecret {
    /// Which master key sealed it.
    pub key_id: String,
    pub sealed: Vec<u8>,
}

pub fn upsert(conn: &Connection, owner: &str, name: &str, secret: &SealedSecret, now: i64) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO secrets (owner, name, key_id, sealed, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (owner, name) DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed,
         updated_at = excluded.updated_at",
        params![owner, name, secret.key_id, secret.sealed, now],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, owner: &str, name: &str) -> Result<Option<SealedSecret>, DbError> {
    let found = conn
        .query_row(
            "SELECT key_id, sealed FROM secrets WHERE owner = ?1 AND name = ?2",
            params![owner, name],
            |row| {
                Ok(SealedSecret {
                    key_id: row.get(0)?,
                    sealed: row.get(1)?,
                })
            },
        )
        .optional()?;
    Ok(found)
}

/// Deletes every secret of `owner`; returns how many there were.
pub fn delete_owner(conn: &Connection, owner: &str) -> Result<usize, DbError> {
    Ok(conn.execute("DELETE FROM secrets WHERE owner = ?1", params![owner])?)
}

/// Owners with at least one secret sealed by a key other than `key_id` (unreadable now).
pub fn owners_sealed_by_other_keys(conn: &Connection, key_id: &str) -> Result<Vec<String>, DbError> {
    let mut statement = conn.prepare("SELECT DISTINCT owner FROM secrets WHERE key_id <> ?1 ORDER BY owner")?;
    let owners = statement
        .query_map(params![key_id], |row| row.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(owners)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;

    fn sealed(key_id: &str, bytes: &[u8]) -> SealedSecret {
        SealedSecret {
            key_id: key_id.into(),
            sealed: bytes.to_vec(),
        }
    }

    #[test]
    fn upsert_replaces_and_delete_removes_an_owners_secrets() {
        let db = Database::open_in_memory().expect("in-memory db");
        let conn = db.conn();
        upsert(conn, "connection:1", "access_token", &sealed("k1", b"one"), 1).expect("insert");
        upsert(conn, "connection:1", "access_token", &sealed("k1", b"two"), 2).expect("replace");
        upsert(conn, "connection:1", "refresh_token", &sealed("k1", b"r"), 2).expect("insert");
        assert_eq!(
            get(conn, "connection:1", "access_token").expect("get"),
            Some(sealed("k1", b"two")),
            "a second write to the same slot replaces the first"
        );
        assert_eq!(
            delete_owner(conn, "connection:1").expect("delete"),
            2,
            "both secrets go"
        );
        assert_eq!(
            get(conn, "connection:1", "refresh_token").expect("get"),
            None,
            "nothing is left"
        );
    }

    #[test]
    fn lists_owners_whose_secrets_another_key_sealed() {
        let db = Database::open_in_memory().expect("in-memory db");
        let conn = db.conn();
        upsert(conn, "connection:1", "access_token", &sealed("old", b"x"), 1).expect("insert");
        upsert(conn, "connection:2", "access_token", &sealed("new", b"y"), 1).expect("insert");
        assert_eq!(
            owners_sealed_by_other_keys(conn, "new").expect("query"),
            vec!["connection:1".to_owned()],
            "only the owner sealed by the old key is unreadable"
        );
    }
}
