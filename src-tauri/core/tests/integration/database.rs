//! The database file on a real disk: a damaged file is moved aside (kept) and replaced, a
//! healthy one is left alone with its data, and the data directory, the database, the file a
//! damaged one is kept in and the logs are private (SECURITY.md E6, E8, E10).

use std::path::Path;

use switchboard_core::clock::FixedClock;
use switchboard_core::db::{self, notices, Database};

const NOW: i64 = 1_795_000_000; // 2026-11-18T11:06:40Z

fn open(path: &Path) -> db::Opened {
    Database::open(path, &FixedClock(NOW)).unwrap_or_else(|error| panic!("opening {} failed: {error}", path.display()))
}

#[test]
fn a_file_that_is_not_a_database_is_moved_aside_and_replaced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("switchboard.db");
    let garbage = b"this is not an SQLite database, just bytes that happen to be here".repeat(100);
    std::fs::write(&path, &garbage).expect("write garbage");

    let opened = open(&path);
    let recovery = opened.recovery.expect("a damaged file must be recovered");
    let kept = Path::new(&recovery.moved_to);
    assert_eq!(
        kept,
        dir.path().join("switchboard.db.corrupt-2026-11-18T11-06-40Z"),
        "the damaged file is kept beside, timestamped"
    );
    assert_eq!(
        std::fs::read(kept).expect("read the kept file"),
        garbage,
        "the damaged file is kept byte for byte"
    );

    let active = notices::list_active(opened.database.conn()).expect("list notices");
    assert_eq!(
        active.len(),
        1,
        "the fresh database carries a notice so the UI says what happened"
    );
    assert_eq!(
        active[0].detail.as_deref(),
        Some(recovery.moved_to.as_str()),
        "the notice says where the old file is"
    );
}

#[test]
fn a_database_with_a_damaged_page_is_recovered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("switchboard.db");
    {
        let opened = open(&path);
        let conn = opened.database.conn();
        conn.execute_batch("CREATE TABLE filler (x BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 200) INSERT INTO filler SELECT randomblob(900) FROM n;")
            .expect("fill some pages");
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("checkpoint into the main file");
    }
    // Scribble over the b-tree header of page 3 onwards, leaving the file header intact.
    let mut bytes = std::fs::read(&path).expect("read db");
    let page_size = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    for byte in &mut bytes[page_size * 2..page_size * 2 + 64] {
        *byte = 0xA5;
    }
    std::fs::write(&path, &bytes).expect("write the damage");

    let opened = open(&path);
    assert!(
        opened.recovery.is_some(),
        "quick_check must catch a damaged page and recover"
    );
    assert!(
        notices::list_active(opened.database.conn())
            .expect("the fresh database works")
            .len()
            == 1,
        "the fresh database records the recovery"
    );
}

#[test]
fn a_healthy_database_keeps_its_data_across_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("switchboard.db");
    {
        let opened = open(&path);
        assert!(opened.recovery.is_none(), "a new file needs no recovery");
        notices::insert(
            opened.database.conn(),
            notices::NoticeKind::DatabaseRecovered,
            "kept",
            None,
            NOW,
        )
        .expect("insert");
    }
    let reopened = open(&path);
    assert!(reopened.recovery.is_none(), "a healthy file must never be moved aside");
    let active = notices::list_active(reopened.database.conn()).expect("list");
    assert_eq!(active.len(), 1, "data written before must still be there");
    assert_eq!(
        std::fs::read_dir(dir.path())
            .expect("list dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains("corrupt"))
            .count(),
        0,
        "no file was moved aside"
    );
}

#[test]
fn the_database_uses_wal_and_the_current_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("switchboard.db");
    let opened = open(&path);
    let conn = opened.database.conn();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal", "WAL lets readers and the writer work at once");
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("version");
    assert_eq!(version, db::latest_version(), "all migrations are applied at open");
    let timeout: i64 = conn
        .query_row("PRAGMA busy_timeout", [], |row| row.get(0))
        .expect("busy timeout");
    assert!(
        timeout >= 1000,
        "a busy_timeout keeps a second writer from failing at once, got {timeout} ms"
    );
}

#[cfg(unix)]
#[test]
fn database_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("switchboard.db");
    let _opened = open(&path);
    for name in ["switchboard.db", "switchboard.db-wal", "switchboard.db-shm"] {
        let file = dir.path().join(name);
        if let Ok(meta) = std::fs::metadata(&file) {
            assert_eq!(
                meta.permissions().mode() & 0o777,
                0o600,
                "{name} must be private to its owner"
            );
        }
    }
}

#[test]
fn doctor_reads_a_damaged_file_without_touching_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("switchboard.db");
    std::fs::write(&path, b"garbage garbage garbage").expect("write garbage");
    assert!(
        db::check_readonly(&path).is_err(),
        "the read-only check must report damage"
    );
    assert_eq!(
        std::fs::read(&path).expect("read"),
        b"garbage garbage garbage",
        "the read-only check changes nothing"
    );
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|error| panic!("{} must exist: {error}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[test]
fn preparing_the_paths_makes_an_existing_open_data_dir_private() {
    use std::os::unix::fs::PermissionsExt;
    use switchboard_core::paths::AppPaths;
    let root = tempfile::tempdir().expect("temp dir");
    let paths = AppPaths::under(root.path().join("data"));
    // Left by an older version, a backup restore or a hand-made directory: readable by all.
    std::fs::create_dir_all(&paths.log_dir).expect("create the directories beforehand");
    for dir in [&paths.data_dir, &paths.log_dir] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod 0755");
        assert_eq!(mode_of(dir), 0o755, "the test starts from an open {}", dir.display());
    }
    paths.prepare().expect("preparing existing directories");
    for dir in [&paths.data_dir, &paths.log_dir] {
        assert_eq!(
            mode_of(dir),
            0o700,
            "E10: the existing {} (0755) must be made owner-only when the paths are prepared",
            dir.display()
        );
    }
}

#[cfg(unix)]
#[test]
fn a_damaged_database_kept_aside_stays_private() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("switchboard.db");
    drop(open(&path));
    assert_eq!(mode_of(&path), 0o600, "the database is created owner-only");
    // Damage it in place (truncate and rewrite), as a crash or a bad disk would: same file, same mode.
    std::fs::write(&path, b"no longer an SQLite database ".repeat(100)).expect("damage the file");
    // ...and readable by others, as a copy restored from a backup can be.
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).expect("chmod 644");

    let opened = open(&path);
    let recovery = opened.recovery.expect("the damaged file must be recovered");
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list dir")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|file| file.to_string_lossy().contains("switchboard.db.corrupt-"))
        .collect();
    assert!(
        kept.iter().any(|file| file == Path::new(&recovery.moved_to)),
        "the damaged file is kept as {}: found {kept:?}",
        recovery.moved_to
    );
    for file in &kept {
        assert_eq!(
            mode_of(file),
            0o600,
            "E10: {} holds the old database's sealed secrets and must stay owner-only",
            file.display()
        );
    }
    assert_eq!(mode_of(&path), 0o600, "E10: the fresh database is owner-only too");
}

/// Set in the child process `log_files_are_private` starts: the directory to log into.
#[cfg(unix)]
const LOG_CHILD_DATA_DIR: &str = "SWITCHBOARD_TEST_LOG_CHILD_DATA_DIR";
#[cfg(unix)]
const LOG_MARKER: &str = "log-permission-test-marker";

/// Logging is process-wide (a global subscriber and the umask), so it runs in a child process
/// of this test binary, leaving the other tests here with the umask they started with.
#[cfg(unix)]
#[test]
fn log_files_are_private() {
    use switchboard_core::paths::{AppPaths, LOG_FILE_PREFIX};
    if let Some(data_dir) = std::env::var_os(LOG_CHILD_DATA_DIR) {
        start_logging_as_the_app_does(AppPaths::under(data_dir.into()));
        return;
    }
    let root = tempfile::tempdir().expect("temp dir");
    let paths = AppPaths::under(root.path().join("data"));
    let child = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args([
            "--exact",
            "database::log_files_are_private",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(LOG_CHILD_DATA_DIR, &paths.data_dir)
        .output()
        .expect("run the logging child");
    assert!(
        child.status.success(),
        "the logging child failed: {}\n{}",
        String::from_utf8_lossy(&child.stdout),
        String::from_utf8_lossy(&child.stderr)
    );
    let logs: Vec<_> = std::fs::read_dir(&paths.log_dir)
        .unwrap_or_else(|error| panic!("the child must create {}: {error}", paths.log_dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|file| {
            file.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(LOG_FILE_PREFIX))
        })
        .collect();
    assert!(
        !logs.is_empty(),
        "init_logging must write a {LOG_FILE_PREFIX}.* file in {} (did the child run this test?)",
        paths.log_dir.display()
    );
    let written = logs
        .iter()
        .map(|file| std::fs::read_to_string(file).expect("read a log file"))
        .collect::<String>();
    assert!(
        written.contains(LOG_MARKER),
        "the child's log line must be in the log file: {written}"
    );
    for file in &logs {
        assert_eq!(
            mode_of(file),
            0o600,
            "E10: the log file {} must be owner-only",
            file.display()
        );
    }
    assert_eq!(mode_of(&paths.log_dir), 0o700, "E10: the log directory is owner-only");
}

/// In the child: the app's start-up order (`switchboard::run`, then `AppState::start`), from
/// the common desktop umask 022 so that a private log file is the app's doing, not the runner's.
#[cfg(unix)]
fn start_logging_as_the_app_does(paths: switchboard_core::paths::AppPaths) {
    // SAFETY: umask only swaps this (child) process's file-creation mask.
    unsafe {
        libc::umask(0o022);
    }
    switchboard_core::paths::restrict_new_files_to_owner();
    paths.prepare().expect("prepare the data directory");
    let guard = switchboard_core::logging::init_logging(Some(&paths.log_dir), "info").expect("start logging");
    tracing::info!("{LOG_MARKER}");
    drop(guard); // flushes the file writer
}
