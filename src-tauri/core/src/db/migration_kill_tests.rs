//! SECURITY E8: a process killed in the middle of a migration leaves the old schema, never half
//! of the new one. The test re-runs this test binary as a child that migrates a real file with
//! a deliberately endless second step, kills it with SIGKILL mid-way, and inspects the file.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::apply;

const CHILD_DATABASE: &str = "SWITCHBOARD_TEST_MIGRATING_CHILD_DB";

/// Step one creates a table; step two writes rows until the process is killed.
const ENDLESS_MIGRATIONS: &[&str] = &[
    "CREATE TABLE first_step (x INTEGER);",
    "CREATE TABLE second_step AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n;",
];

/// The child's half: does nothing unless the parent test below started this process.
#[test]
fn child_process_migrates_until_killed() {
    let Ok(path) = std::env::var(CHILD_DATABASE) else {
        return;
    };
    let mut conn = Connection::open(&path).expect("the child opens the database file");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("WAL, as the app runs it");
    let _ = apply(&mut conn, ENDLESS_MIGRATIONS);
    panic!("the endless migration finished; the parent should have killed this process");
}

#[test]
fn a_process_killed_mid_migration_leaves_the_old_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("switchboard.db");
    let mut child = Command::new(std::env::current_exe().expect("this test binary"))
        .args([
            "--exact",
            "db::migrations::kill_tests::child_process_migrates_until_killed",
        ])
        .args(["--nocapture", "--test-threads=1"])
        .env(CHILD_DATABASE, &path)
        .spawn()
        .expect("start the migrating child");

    wait_until_mid_transaction(&path, &mut child);
    child.kill().expect("SIGKILL the child mid-migration");
    child.wait().expect("reap the child");

    let conn = Connection::open(&path).expect("reopen after the kill");
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("read the schema version");
    assert_eq!(
        version, 0,
        "the killed migration must not have bumped the schema version"
    );
    let tables: u32 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |row| {
            row.get(0)
        })
        .expect("count tables");
    assert_eq!(tables, 0, "no table of the half-done migration may survive the kill");
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .expect("quick_check");
    assert_eq!(check, "ok", "the file must be intact after the kill");
}

/// The child is inside its transaction once uncommitted pages spill into the WAL file.
fn wait_until_mid_transaction(path: &Path, child: &mut std::process::Child) {
    let wal = path.with_file_name("switchboard.db-wal");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let wal_bytes = std::fs::metadata(&wal).map(|meta| meta.len()).unwrap_or(0);
        if wal_bytes > 8 * 1024 * 1024 {
            return;
        }
        if let Some(status) = child.try_wait().expect("poll the child") {
            panic!("the migrating child exited ({status}) before it was killed");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the child never got mid-migration within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
