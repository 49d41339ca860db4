//! The database's files as they lie on disk, looked at before SQLite opens them, for the two
//! kinds of damage SQLite opens without a word and `quick_check` passes:
//!
//! - **An empty main file with no write-ahead log** (0 bytes, no `-wal` or an empty one): a
//!   truncated file. SQLite reads it as a new, empty database, so the app would start with no
//!   connections and say nothing. Once the migrations have committed, SQLite never leaves our
//!   file at 0 bytes; a 0-byte main file beside a WAL holding frames is fine (SQLite rebuilds
//!   it from the WAL), so that one is left alone. The empty file is kept aside as a damaged one
//!   is (`move_aside`), a fresh database is started and the person is told.
//! - **A `-wal` file that is not a write-ahead log** (non-empty, and shorter than its 32-byte
//!   header or with a header SQLite would refuse): SQLite ignores it and drops every change made
//!   since the last checkpoint. Copies of the main file, the WAL and the `-shm` are kept as
//!   `<db>.corrupt-<utc time>` (+`-wal`, `-shm`), the bad WAL and the `-shm` are removed, and the
//!   main file opens as it stood at its last checkpoint: only what was in the WAL is lost, not
//!   everything, and the person is told where the copies are.
//!
//! Only the WAL header decides, checked as SQLite checks it (magic, format version, page size,
//! header checksum; <https://www.sqlite.org/fileformat2.html#walformat>). Frames are not looked
//! at: torn or unchecksummed frames after a header SQLite accepts are ordinary crash recovery,
//! which SQLite does itself, keeping every committed transaction.
//!
//! Both are told as a `DatabaseRecovered` notice in their own words, so the notice banner and
//! Settings' last recovery show them with no new kind for the UI to learn.
//!
//! Not done here: the page-level check (`quick_check`, in `mod.rs`), and any guard against
//! another process creating the file at this very moment (a first run of the app and the CLI
//! started together could, in a window of microseconds, see the other's new 0-byte file).

use std::fs::{self, File};
use std::io::{ErrorKind, Read};
use std::path::Path;

use super::{move_aside, sidecar, DbError, Recovery};
use crate::clock::format_utc;
use crate::paths::make_private_file;

/// What the person is told when the main file was found empty.
const EMPTY_FILE_NOTICE: &str = "Switchboard's database file was found empty, so a fresh one was started: connections made before are not in it. The empty file was kept.";
/// What the person is told when the write-ahead log was unreadable.
const UNREADABLE_WAL_NOTICE: &str = "Switchboard's log of recent database changes was unreadable, so the database was opened as it was last saved in full: recent changes may be missing. Copies of the files were kept.";

const WAL_HEADER_LEN: usize = 32;
/// The WAL magic number without its low bit, which says whether checksums are big-endian.
const WAL_MAGIC: u32 = 0x377f_0682;
const WAL_FORMAT_VERSION: u32 = 3_007_000;

/// A recovery made before SQLite opened the file, and what the notice tells the person.
pub(super) struct FileRecovery {
    pub recovery: Recovery,
    pub notice: &'static str,
}

/// Why a non-empty `-wal` file is not a write-ahead log SQLite would read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum WalHeaderProblem {
    #[error("the write-ahead log has {0} bytes, fewer than its 32-byte header")]
    TooShort(usize),
    #[error("the write-ahead log does not start with its magic number (found {0:#010x})")]
    Magic(u32),
    #[error("the write-ahead log has an unknown format version {0}")]
    Version(u32),
    #[error("the write-ahead log names an impossible page size {0}")]
    PageSize(u32),
    #[error("the write-ahead log's header checksum does not match")]
    Checksum,
}

/// The `-wal` file beside the database, as far as its first 32 bytes tell.
#[derive(Debug, PartialEq, Eq)]
enum WalFile {
    Absent,
    Empty,
    /// A header SQLite accepts: whatever follows is SQLite's to recover.
    Readable,
    NotAWal(WalHeaderProblem),
    /// Exists but could not be read (permissions, a lock): not ours to judge, left for SQLite.
    Unknown,
}

/// Keeps aside and reports an empty main file or a `-wal` that is not a WAL (see the module
/// header); `Ok(None)` when neither, or when the file is missing or unreadable (a fresh start,
/// or an error `open` reports).
pub(super) fn recover_before_open(path: &Path, now: i64) -> Result<Option<FileRecovery>, DbError> {
    let main_is_empty = match fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => metadata.len() == 0,
        _ => return Ok(None),
    };
    let found = match (main_is_empty, read_wal(&sidecar(path, "-wal"))) {
        (true, WalFile::Absent | WalFile::Empty) => FileRecovery {
            recovery: move_aside(
                path,
                "the database file is empty (0 bytes) and has no write-ahead log".into(),
                now,
            )?,
            notice: EMPTY_FILE_NOTICE,
        },
        // Nothing to keep at its last checkpoint: the empty file and the bad WAL go aside together.
        (true, WalFile::NotAWal(problem)) => FileRecovery {
            recovery: move_aside(path, format!("the database file is empty (0 bytes) and {problem}"), now)?,
            notice: EMPTY_FILE_NOTICE,
        },
        (false, WalFile::NotAWal(problem)) => FileRecovery {
            recovery: keep_copies_and_drop_the_wal(path, &problem, now)?,
            notice: UNREADABLE_WAL_NOTICE,
        },
        _ => return Ok(None),
    };
    Ok(Some(found))
}

fn read_wal(wal: &Path) -> WalFile {
    let file = match File::open(wal) {
        Ok(file) => file,
        Err(error) if error.kind() == ErrorKind::NotFound => return WalFile::Absent,
        Err(_) => return WalFile::Unknown,
    };
    let mut start = Vec::with_capacity(WAL_HEADER_LEN);
    if file.take(WAL_HEADER_LEN as u64).read_to_end(&mut start).is_err() {
        return WalFile::Unknown;
    }
    if start.is_empty() {
        return WalFile::Empty;
    }
    match wal_header_problem(&start) {
        None => WalFile::Readable,
        Some(problem) => WalFile::NotAWal(problem),
    }
}

/// `None` when `start` (a WAL's first bytes) is a header SQLite accepts.
pub(super) fn wal_header_problem(start: &[u8]) -> Option<WalHeaderProblem> {
    let Ok(header) = <&[u8; WAL_HEADER_LEN]>::try_from(start) else {
        return Some(WalHeaderProblem::TooShort(start.len()));
    };
    let word = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let magic = word(0);
    if magic & !1 != WAL_MAGIC {
        return Some(WalHeaderProblem::Magic(magic));
    }
    if word(4) != WAL_FORMAT_VERSION {
        return Some(WalHeaderProblem::Version(word(4)));
    }
    let page_size = word(8);
    if !page_size.is_power_of_two() || !(512..=65_536).contains(&page_size) {
        return Some(WalHeaderProblem::PageSize(page_size));
    }
    if wal_checksum(&header[..24], magic & 1 == 1) != (word(24), word(28)) {
        return Some(WalHeaderProblem::Checksum);
    }
    None
}

/// SQLite's WAL checksum (`walChecksumBytes`) over `bytes`, a multiple of 8 long: 32-bit words
/// read big-endian when the magic number's low bit is set, little-endian otherwise.
fn wal_checksum(bytes: &[u8], big_endian: bool) -> (u32, u32) {
    let (mut first, mut second) = (0u32, 0u32);
    for pair in bytes.chunks_exact(8) {
        let word = |at: usize| {
            let bytes = [pair[at], pair[at + 1], pair[at + 2], pair[at + 3]];
            if big_endian {
                u32::from_be_bytes(bytes)
            } else {
                u32::from_le_bytes(bytes)
            }
        };
        first = first.wrapping_add(word(0)).wrapping_add(second);
        second = second.wrapping_add(word(4)).wrapping_add(first);
    }
    (first, second)
}

/// Copies the main file, the bad WAL and the `-shm` to `<db>.corrupt-<time>` (+`-wal`, `-shm`),
/// then removes the WAL and the `-shm` so SQLite opens the main file at its last checkpoint.
/// Nothing is removed until every copy is on disk.
fn keep_copies_and_drop_the_wal(path: &Path, problem: &WalHeaderProblem, now: i64) -> Result<Recovery, DbError> {
    // The name `move_aside` gives a damaged file.
    let kept = sidecar(path, &format!(".corrupt-{}", format_utc(now)));
    copy_privately(path, &kept)?;
    for extra in ["-wal", "-shm"] {
        let file = sidecar(path, extra);
        if file.exists() {
            copy_privately(&file, &sidecar(&kept, extra))?;
        }
    }
    for extra in ["-wal", "-shm"] {
        let file = sidecar(path, extra);
        match fs::remove_file(&file) {
            Err(error) if error.kind() != ErrorKind::NotFound => {
                return Err(DbError::MoveAside {
                    path: file,
                    source: error,
                })
            }
            _ => {}
        }
    }
    Ok(Recovery {
        moved_to: kept.display().to_string(),
        reason: problem.to_string(),
    })
}

/// A copy readable by its owner only (it holds sealed secrets, E10), synced to disk.
fn copy_privately(from: &Path, to: &Path) -> Result<(), DbError> {
    let failed = |source| DbError::MoveAside {
        path: from.to_path_buf(),
        source,
    };
    fs::copy(from, to).map_err(failed)?;
    make_private_file(to).map_err(failed)?;
    File::options()
        .write(true)
        .open(to)
        .and_then(|copy| copy.sync_all())
        .map_err(failed)
}

#[cfg(test)]
#[path = "file_checks_tests.rs"]
mod tests;
