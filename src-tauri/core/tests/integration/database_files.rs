//! Damage SQLite opens without a word and `quick_check` passes (SECURITY.md E16, E17): a
//! database file truncated to 0 bytes, and a crashed run's write-ahead log replaced by garbage,
//! are kept aside and the person is told; a WAL a crash left whole keeps its changes, and a first
//! run is not mistaken for either.

use std::path::{Path, PathBuf};

use switchboard_core::clock::FixedClock;
use switchboard_core::db::{self, notices, Database};

const NOW: i64 = 1_795_000_000; // 2026-11-18T11:06:40Z
const KEPT: &str = "switchboard.db.corrupt-2026-11-18T11-06-40Z";
const BEFORE_CHECKPOINT: &str = "written before the last checkpoint";
const AFTER_CHECKPOINT: &str = "written after the last checkpoint, only in the WAL";

fn open(path: &Path) -> db::Opened {
    Database::open(path, &FixedClock(NOW)).unwrap_or_else(|error| panic!("opening {} failed: {error}", path.display()))
}

fn wal_of(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", path.display()))
}

fn messages(database: &Database) -> Vec<String> {
    notices::list_active(database.conn())
        .expect("list notices")
        .into_iter()
        .map(|notice| notice.message)
        .collect()
}

fn write_row(database: &Database, message: &str) {
    notices::insert(
        database.conn(),
        notices::NoticeKind::DatabaseRecovered,
        message,
        None,
        NOW,
    )
    .unwrap_or_else(|error| panic!("writing the row {message:?}: {error}"));
}

/// What a run killed mid-way leaves in `crashed_dir`: a main file checkpointed after one row and
/// a WAL holding a second, committed row. The files are copied while the writing connection is
/// still open, since closing it would checkpoint the WAL into the main file.
fn files_of_a_crashed_run(scratch: &Path, crashed_dir: &Path) -> PathBuf {
    let live = scratch.join("switchboard.db");
    let opened = open(&live);
    write_row(&opened.database, BEFORE_CHECKPOINT);
    opened
        .database
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA wal_autocheckpoint=0;")
        .expect("checkpoint, then keep later writes in the WAL");
    write_row(&opened.database, AFTER_CHECKPOINT);
    let crashed = crashed_dir.join("switchboard.db");
    std::fs::copy(&live, &crashed).expect("copy the main file");
    std::fs::copy(wal_of(&live), wal_of(&crashed)).expect("copy the WAL the run left");
    assert!(
        std::fs::metadata(wal_of(&crashed)).expect("the copied WAL").len() > 32,
        "the test needs a WAL with frames in it"
    );
    crashed
}

fn random_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|_| rand::random::<u8>()).collect()
}

fn kept_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list dir")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".corrupt-"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_database_truncated_to_zero_bytes_is_kept_aside_and_the_person_told() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("switchboard.db");
    {
        let opened = open(&path);
        write_row(&opened.database, "a row the file held");
    } // Closing checkpoints everything into the main file and removes the WAL.
    std::fs::File::create(&path).expect("truncate the database file to 0 bytes");

    let opened = open(&path);
    let recovery = opened
        .recovery
        .expect("E16: an empty file that held rows must be recovered, not opened as a new database");
    assert_eq!(
        Path::new(&recovery.moved_to),
        dir.path().join(KEPT),
        "the empty file is kept beside, timestamped, as a damaged one is"
    );
    assert_eq!(
        std::fs::metadata(&recovery.moved_to).expect("the kept file").len(),
        0,
        "the kept file is the empty file itself"
    );
    let active = notices::list_active(opened.database.conn()).expect("list notices");
    assert_eq!(
        active.len(),
        1,
        "the fresh database carries one notice so the UI says what happened"
    );
    assert!(
        active[0].message.contains("found empty"),
        "the notice says plainly the file was empty: {:?}",
        active[0].message
    );
    assert_eq!(
        active[0].detail.as_deref(),
        Some(recovery.moved_to.as_str()),
        "the notice says where the empty file is"
    );
}

#[test]
fn a_wal_replaced_by_garbage_is_kept_and_the_last_checkpoint_opens() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = files_of_a_crashed_run(scratch.path(), dir.path());
    let main_bytes = std::fs::read(&path).expect("read the main file");
    let wal_len = std::fs::metadata(wal_of(&path)).expect("the WAL").len();
    let garbage = random_bytes(usize::try_from(wal_len).expect("a small WAL"));
    std::fs::write(wal_of(&path), &garbage).expect("replace the WAL by garbage");

    let opened = open(&path);
    let recovery = opened
        .recovery
        .expect("E17: a WAL SQLite would silently ignore must be reported, not dropped without a word");
    let messages = messages(&opened.database);
    assert!(
        messages.iter().any(|message| message == BEFORE_CHECKPOINT),
        "the rows of the last checkpoint are kept: only the WAL's changes may be lost, got {messages:?}"
    );
    assert!(
        !messages.iter().any(|message| message == AFTER_CHECKPOINT),
        "the garbage WAL's changes cannot be read back: {messages:?}"
    );
    let notice = notices::list_active(opened.database.conn())
        .expect("list notices")
        .into_iter()
        .find(|notice| notice.detail.as_deref() == Some(recovery.moved_to.as_str()))
        .expect("a notice says where the copies are");
    assert!(
        notice.message.contains("recent changes may be missing"),
        "the notice says what may be lost: {:?}",
        notice.message
    );
    assert_eq!(
        Path::new(&recovery.moved_to),
        dir.path().join(KEPT),
        "the copy is named as a damaged file is"
    );
    assert_eq!(
        std::fs::read(dir.path().join(KEPT)).expect("the kept main file"),
        main_bytes,
        "the main file is kept as it was found"
    );
    assert_eq!(
        std::fs::read(dir.path().join(format!("{KEPT}-wal"))).expect("the kept WAL"),
        garbage,
        "the bad WAL is kept byte for byte beside it"
    );
    #[cfg(unix)]
    for kept in kept_files(dir.path()) {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(&kept))
            .expect("a kept file")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "E10: the copy {kept} holds sealed secrets and must be owner-only"
        );
    }
    if let Ok(wal_now) = std::fs::read(wal_of(&path)) {
        assert_ne!(
            wal_now, garbage,
            "the garbage WAL no longer sits beside the live database"
        );
    }
}

#[test]
fn a_whole_wal_left_by_a_crash_keeps_its_changes_without_a_notice() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = files_of_a_crashed_run(scratch.path(), dir.path());

    let opened = open(&path);
    assert!(
        opened.recovery.is_none(),
        "a WAL with a valid header is ordinary crash recovery, never damage"
    );
    let messages = messages(&opened.database);
    assert_eq!(
        messages,
        [BEFORE_CHECKPOINT, AFTER_CHECKPOINT],
        "the committed change in the WAL survives the crash, and no notice is added"
    );
    assert_eq!(kept_files(dir.path()), Vec::<String>::new(), "nothing was kept aside");
}

#[test]
fn a_wal_with_a_torn_last_frame_keeps_its_committed_changes_without_a_notice() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = files_of_a_crashed_run(scratch.path(), dir.path());
    let mut wal = std::fs::read(wal_of(&path)).expect("read the WAL");
    let page_size = u32::from_be_bytes([wal[8], wal[9], wal[10], wal[11]]) as usize;
    // A frame whose write the crash cut off: its header and page are not what SQLite wrote.
    wal.extend(random_bytes(24 + page_size));
    std::fs::write(wal_of(&path), &wal).expect("append a torn frame");

    let opened = open(&path);
    assert!(
        opened.recovery.is_none(),
        "a torn frame after a valid header is ordinary crash recovery, never damage"
    );
    assert_eq!(
        messages(&opened.database),
        [BEFORE_CHECKPOINT, AFTER_CHECKPOINT],
        "SQLite stops at the torn frame and keeps every committed change before it"
    );
    assert_eq!(kept_files(dir.path()), Vec::<String>::new(), "nothing was kept aside");
}

#[test]
fn a_first_run_with_no_database_file_gets_no_notice() {
    let dir = tempfile::tempdir().expect("temp dir");
    let opened = open(&dir.path().join("switchboard.db"));
    assert!(opened.recovery.is_none(), "no file is a first run, not damage");
    assert!(
        notices::list_active(opened.database.conn())
            .expect("list notices")
            .is_empty(),
        "a first run starts without a notice"
    );
    drop(opened);
    let reopened = open(&dir.path().join("switchboard.db"));
    assert!(
        reopened.recovery.is_none() && messages(&reopened.database).is_empty(),
        "the file a first run made opens again without a notice"
    );
    assert_eq!(kept_files(dir.path()), Vec::<String>::new(), "nothing was kept aside");
}
