//! The master key against the real gnome-keyring: created once and read back by the next run,
//! so what one run sealed in a real database file the next one opens; and a key deleted from
//! the keyring leaves rows unreadable but kept (SECURITY.md E4).

use crate::support::keyring as keyring_support;

use keyring_support::{entry, private_slot, require_session_bus};
use switchboard_core::clock::FixedClock;
use switchboard_core::db::Database;
use switchboard_core::vault::{KeyOrigin, MasterKey, SecretStore, Sensitive, VaultError};

fn open_file(path: &std::path::Path) -> Database {
    Database::open(path, &FixedClock(0))
        .expect("open the database file")
        .database
}

#[test]
fn the_key_is_created_once_and_the_next_run_opens_what_the_first_sealed() {
    require_session_bus();
    let slot = private_slot("round-trip");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("switchboard.db");

    let first_run_key = MasterKey::load_or_create(&slot).expect("the first run creates the key");
    assert_eq!(
        first_run_key.origin(),
        KeyOrigin::Keyring,
        "the key must live in the keyring"
    );
    let db = open_file(&path);
    SecretStore::new(&db, &first_run_key)
        .put(
            "connection:1",
            "google|ana",
            "refresh_token",
            &Sensitive::new("1//refresh".into()),
            1,
        )
        .expect("seal a token");
    drop(db);

    let next_run_key = MasterKey::load_or_create(&slot).expect("the next run reads the key");
    assert_eq!(
        next_run_key.id(),
        first_run_key.id(),
        "an existing key must be read, never replaced"
    );
    let db = open_file(&path);
    let token = SecretStore::new(&db, &next_run_key)
        .get("connection:1", "google|ana", "refresh_token")
        .expect("open the token")
        .expect("the token is there");
    assert_eq!(token.expose(), "1//refresh", "the next run reads what the first sealed");
    entry(&slot).delete_credential().expect("clean up the test key");
}

#[test]
fn a_key_deleted_from_the_keyring_leaves_rows_unreadable_and_kept() {
    require_session_bus();
    let slot = private_slot("deleted");
    let db = Database::open_in_memory().expect("in-memory db");
    let old_key = MasterKey::load_or_create(&slot).expect("create the key");
    SecretStore::new(&db, &old_key)
        .put(
            "connection:7",
            "github|7",
            "access_token",
            &Sensitive::new("gho_old".into()),
            1,
        )
        .expect("seal a token");

    entry(&slot).delete_credential().expect("the person deletes the key");
    let new_key = MasterKey::load_or_create(&slot).expect("a fresh key once none exists");
    assert_ne!(new_key.id(), old_key.id(), "a deleted key cannot come back");
    let store = SecretStore::new(&db, &new_key);
    let outcome = store.get("connection:7", "github|7", "access_token");
    assert!(
        matches!(&outcome, Err(VaultError::SealedByAnotherKey { owner }) if owner == "connection:7"),
        "the old row needs re-authorization, got {outcome:?}"
    );
    assert_eq!(
        store.unreadable_owners().expect("list"),
        vec!["connection:7".to_owned()],
        "the row is kept so the connection can say it needs re-authorization"
    );
    entry(&slot).delete_credential().expect("clean up the test key");
}
