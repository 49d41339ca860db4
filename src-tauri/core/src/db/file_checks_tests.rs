//! The WAL header check against headers SQLite wrote and ones it would ignore, and which files
//! are kept aside before open (SECURITY.md E16, E17).

use super::*;

/// A header as SQLite writes it, checksummed in the byte order its magic number names.
fn header(magic: u32, page_size: u32) -> [u8; WAL_HEADER_LEN] {
    let mut header = [0u8; WAL_HEADER_LEN];
    for (at, word) in [magic, WAL_FORMAT_VERSION, page_size, 0, 0x1234_5678, 0x9abc_def0]
        .into_iter()
        .enumerate()
    {
        header[at * 4..at * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    let (first, second) = wal_checksum(&header[..24], magic & 1 == 1);
    header[24..28].copy_from_slice(&first.to_be_bytes());
    header[28..32].copy_from_slice(&second.to_be_bytes());
    header
}

#[test]
fn a_header_sqlite_wrote_is_accepted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("real.db");
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t (x); INSERT INTO t VALUES (1);",
    )
    .expect("write through the WAL");
    let wal = fs::read(sidecar(&path, "-wal")).expect("the WAL is there while the connection is open");
    assert_eq!(
        wal_header_problem(&wal[..WAL_HEADER_LEN]),
        None,
        "the header this machine's SQLite wrote must pass, or every crash recovery would be flagged"
    );
    assert_eq!(
        read_wal(&sidecar(&path, "-wal")),
        WalFile::Readable,
        "a real WAL file reads as one"
    );
}

#[test]
fn headers_in_either_byte_order_and_every_page_size_are_accepted() {
    for magic in [WAL_MAGIC, WAL_MAGIC | 1] {
        for page_size in [512, 4096, 65_536] {
            assert_eq!(
                wal_header_problem(&header(magic, page_size)),
                None,
                "magic {magic:#x} with page size {page_size} is a header SQLite accepts"
            );
        }
    }
}

#[test]
fn a_header_sqlite_would_ignore_is_named_for_what_is_wrong() {
    let good = header(WAL_MAGIC | 1, 4096);
    assert_eq!(
        wal_header_problem(&good[..20]),
        Some(WalHeaderProblem::TooShort(20)),
        "cut short"
    );
    let mut flipped_salt = good;
    flipped_salt[17] ^= 0x01;
    assert_eq!(
        wal_header_problem(&flipped_salt),
        Some(WalHeaderProblem::Checksum),
        "one flipped bit in the salt breaks the checksum"
    );
    let mut big_as_little = good;
    big_as_little[3] = 0x82;
    assert_eq!(
        wal_header_problem(&big_as_little),
        Some(WalHeaderProblem::Checksum),
        "a checksum in one byte order does not pass as the other"
    );
    assert_eq!(
        wal_header_problem(&header(0x1234_5678, 4096)),
        Some(WalHeaderProblem::Magic(0x1234_5678)),
        "no magic number"
    );
    assert_eq!(
        wal_header_problem(&header(WAL_MAGIC, 1000)),
        Some(WalHeaderProblem::PageSize(1000)),
        "a page size that is not a power of two"
    );
    let mut other_version = header(WAL_MAGIC, 4096);
    other_version[4..8].copy_from_slice(&3_007_001u32.to_be_bytes());
    assert_eq!(
        wal_header_problem(&other_version),
        Some(WalHeaderProblem::Version(3_007_001)),
        "an unknown format version"
    );
}

#[test]
fn a_missing_file_or_an_empty_one_beside_a_readable_wal_is_left_to_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.db");
    assert!(
        recover_before_open(&path, 0).expect("check").is_none(),
        "no file is a first run, not damage"
    );
    fs::write(&path, b"").expect("empty main file");
    fs::write(sidecar(&path, "-wal"), header(WAL_MAGIC, 4096)).expect("a WAL header");
    assert!(
        recover_before_open(&path, 0).expect("check").is_none(),
        "a 0-byte main file beside a readable WAL is SQLite's to rebuild from the WAL"
    );
    assert!(path.exists(), "and it stays where it is");
}

#[test]
fn an_empty_file_beside_a_wal_that_is_not_one_goes_aside_with_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.db");
    fs::write(&path, b"").expect("empty main file");
    fs::write(sidecar(&path, "-wal"), b"not a write-ahead log at all, just some bytes").expect("a bad WAL");
    let found = recover_before_open(&path, 0)
        .expect("check")
        .expect("an empty file with nothing SQLite can rebuild it from is damage");
    assert_eq!(found.notice, EMPTY_FILE_NOTICE, "the person is told the file was empty");
    assert!(
        !path.exists() && !sidecar(&path, "-wal").exists(),
        "both go aside, so the fresh database starts clean"
    );
    assert!(
        sidecar(Path::new(&found.recovery.moved_to), "-wal").exists(),
        "the bad WAL is kept beside the empty file"
    );
}
