//! Secrets at rest: sealed with the master key into the `secrets` table, opened on demand.
//! A secret that does not open is reported and kept (its owner needs re-authorization; nothing
//! is silently dropped), and the two ways it can fail are told apart: sealed by another key
//! (the keyring entry was deleted or replaced: every row of that key fails alike) or sealed by
//! this key but not opening (this row was altered, or moved from another owner or name: the
//! associated data binds it to its own place, so one owner's secret never opens as another's).

use crate::db::secrets::{self, SealedSecret};
use crate::db::{Database, DbError};

use super::cipher::{open, seal, Binding, CipherError};
use super::{MasterKey, Sensitive};

const TABLE: &str = "secrets";

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(transparent)]
    Storage(#[from] DbError),
    #[error("a stored secret of {owner} was sealed with another key than the keyring's (it was removed or replaced)")]
    SealedByAnotherKey { owner: String },
    #[error("a stored secret of {owner} is damaged: it does not open with this key, which sealed it")]
    Damaged { owner: String },
    #[error("could not seal a secret: {0}")]
    Seal(CipherError),
}

/// The secrets of one database, under one master key.
pub struct SecretStore<'a> {
    db: &'a Database,
    key: &'a MasterKey,
}

impl<'a> SecretStore<'a> {
    pub fn new(db: &'a Database, key: &'a MasterKey) -> Self {
        Self { db, key }
    }

    /// Seals `value` as `owner`'s secret `name`. `context` says what the owner is (e.g.
    /// provider and account); the same context must be given to open it.
    pub fn put(
        &self,
        owner: &str,
        context: &str,
        name: &str,
        value: &Sensitive<String>,
        now: i64,
    ) -> Result<(), VaultError> {
        let binding = Binding {
            table: TABLE,
            owner,
            context,
            name,
        };
        let sealed = seal(self.key, binding, value.expose().as_bytes()).map_err(VaultError::Seal)?;
        let row = SealedSecret {
            key_id: self.key.id().to_owned(),
            sealed,
        };
        secrets::upsert(self.db.conn(), owner, name, &row, now)?;
        Ok(())
    }

    /// `Ok(None)` when there is no such secret.
    pub fn get(&self, owner: &str, context: &str, name: &str) -> Result<Option<Sensitive<String>>, VaultError> {
        let Some(row) = secrets::get(self.db.conn(), owner, name)? else {
            return Ok(None);
        };
        if row.key_id != self.key.id() {
            return Err(VaultError::SealedByAnotherKey {
                owner: owner.to_owned(),
            });
        }
        let damaged = || VaultError::Damaged {
            owner: owner.to_owned(),
        };
        let binding = Binding {
            table: TABLE,
            owner,
            context,
            name,
        };
        let opened = open(self.key, binding, &row.sealed).map_err(|_| damaged())?;
        let text = String::from_utf8(opened.expose().clone()).map_err(|_| damaged())?;
        Ok(Some(Sensitive::new(text)))
    }

    pub fn delete_owner(&self, owner: &str) -> Result<usize, VaultError> {
        Ok(secrets::delete_owner(self.db.conn(), owner)?)
    }

    /// Owners whose secrets this key cannot open (sealed under an earlier key).
    pub fn unreadable_owners(&self) -> Result<Vec<String>, VaultError> {
        Ok(secrets::owners_sealed_by_other_keys(self.db.conn(), self.key.id())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(text: &str) -> Sensitive<String> {
        Sensitive::new(text.to_owned())
    }

    #[test]
    fn a_secret_round_trips_and_is_not_stored_in_plaintext() {
        let db = Database::open_in_memory().expect("in-memory db");
        let key = MasterKey::session_only();
        let store = SecretStore::new(&db, &key);
        store
            .put("connection:1", "google|ana", "access_token", &token("ya29.plain"), 1)
            .expect("put");
        let read = store
            .get("connection:1", "google|ana", "access_token")
            .expect("get")
            .expect("present");
        assert_eq!(read.expose(), "ya29.plain", "what was put comes back");
        let raw: Vec<u8> = db
            .conn()
            .query_row("SELECT sealed FROM secrets", [], |row| row.get(0))
            .expect("raw row");
        assert!(
            !raw.windows(10).any(|w| w == b"ya29.plain"),
            "the row must hold ciphertext only"
        );
        assert_eq!(
            store.get("connection:1", "google|ana", "refresh_token").expect("get"),
            None,
            "absent is None"
        );
    }

    #[test]
    fn secrets_of_an_earlier_key_are_unreadable_and_kept() {
        let db = Database::open_in_memory().expect("in-memory db");
        let old_key = MasterKey::session_only();
        SecretStore::new(&db, &old_key)
            .put("connection:1", "google|ana", "access_token", &token("t"), 1)
            .expect("put");
        let new_key = MasterKey::session_only();
        let store = SecretStore::new(&db, &new_key);
        let outcome = store.get("connection:1", "google|ana", "access_token");
        assert!(
            matches!(&outcome, Err(VaultError::SealedByAnotherKey { owner }) if owner == "connection:1"),
            "a row sealed by a lost key must say which owner needs re-authorization, got {outcome:?}"
        );
        assert_eq!(
            store.unreadable_owners().expect("list"),
            vec!["connection:1".to_owned()],
            "the row is kept and listed, not deleted"
        );
    }

    #[test]
    fn a_blob_copied_onto_another_owner_does_not_open() {
        let db = Database::open_in_memory().expect("in-memory db");
        let key = MasterKey::session_only();
        let store = SecretStore::new(&db, &key);
        store
            .put("connection:1", "google|ana", "access_token", &token("ana's"), 1)
            .expect("put");
        db.conn()
            .execute(
                "INSERT INTO secrets (owner, name, key_id, sealed, updated_at)
                 SELECT 'connection:2', name, key_id, sealed, updated_at FROM secrets",
                [],
            )
            .expect("copy the row to another owner");
        assert!(
            matches!(
                store.get("connection:2", "google|ana", "access_token"),
                Err(VaultError::Damaged { owner }) if owner == "connection:2"
            ),
            "associated data must bind a sealed token to its own row, and a moved one reads as damaged"
        );
    }

    #[test]
    fn a_swapped_or_altered_row_reads_as_damaged_not_as_a_keyring_problem() {
        let db = Database::open_in_memory().expect("in-memory db");
        let key = MasterKey::session_only();
        let store = SecretStore::new(&db, &key);
        store
            .put("connection:1", "google|ana", "access_token", &token("ana's"), 1)
            .expect("put");
        store
            .put("connection:2", "github|bo", "access_token", &token("bo's"), 1)
            .expect("put");
        let sealed_of = |owner: &str| -> Vec<u8> {
            db.conn()
                .query_row("SELECT sealed FROM secrets WHERE owner = ?1", [owner], |row| row.get(0))
                .expect("a sealed row")
        };
        let (first, second) = (sealed_of("connection:1"), sealed_of("connection:2"));
        for (owner, sealed) in [("connection:1", &second), ("connection:2", &first)] {
            db.conn()
                .execute(
                    "UPDATE secrets SET sealed = ?1 WHERE owner = ?2",
                    rusqlite::params![sealed, owner],
                )
                .expect("swap the two rows' ciphertexts");
        }
        for (owner, context) in [("connection:1", "google|ana"), ("connection:2", "github|bo")] {
            let outcome = store.get(owner, context, "access_token");
            assert!(
                matches!(&outcome, Err(VaultError::Damaged { owner: named }) if named == owner),
                "E13: a swapped row is this row's damage, never another's token, got {outcome:?}"
            );
        }
        store
            .put("connection:3", "slack|cy", "access_token", &token("cy's"), 1)
            .expect("put");
        let mut altered = sealed_of("connection:3");
        if let Some(last) = altered.last_mut() {
            *last ^= 0x01;
        }
        db.conn()
            .execute(
                "UPDATE secrets SET sealed = ?1 WHERE owner = 'connection:3'",
                [&altered],
            )
            .expect("alter a row");
        assert!(
            matches!(
                store.get("connection:3", "slack|cy", "access_token"),
                Err(VaultError::Damaged { .. })
            ),
            "E13: an altered row reads as damaged"
        );
    }
}
