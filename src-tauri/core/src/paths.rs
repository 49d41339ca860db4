//! Where Switchboard keeps its files, decided in one place for the app and the CLI alike, and
//! made private (directories 0700, files 0600). Not what goes in them.

use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

/// Overrides the data directory (tests, portable set-ups).
pub const DATA_DIR_ENV: &str = "SWITCHBOARD_DATA_DIR";
/// Daily log files are named `switchboard.log.YYYY-MM-DD`.
pub const LOG_FILE_PREFIX: &str = "switchboard.log";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    pub data_dir: PathBuf,
    pub database_file: PathBuf,
    pub log_dir: PathBuf,
    /// Chosen with `SWITCHBOARD_DATA_DIR` rather than the platform default; such a directory
    /// gets its own master key (see `vault::KeyringSlot::for_paths`).
    pub custom: bool,
}

/// The paths as the Settings page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DataLocations {
    pub data_dir: String,
    pub database_file: String,
    pub log_dir: String,
    /// Today's log file: `log_dir/switchboard.log.YYYY-MM-DD`.
    pub log_file_pattern: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    #[error("this system has no per-user data directory; set {DATA_DIR_ENV} to choose one")]
    NoDataDir,
    #[error("could not prepare the data directory {path}: {source}")]
    Prepare { path: PathBuf, source: io::Error },
}

impl AppPaths {
    /// `$SWITCHBOARD_DATA_DIR`, else the platform data directory (`~/.local/share` on Linux)
    /// joined with the app identifier.
    pub fn resolve() -> Result<Self, PathsError> {
        match std::env::var_os(DATA_DIR_ENV) {
            Some(dir) if !dir.is_empty() => Ok(Self {
                custom: true,
                ..Self::under(PathBuf::from(dir))
            }),
            _ => Ok(Self::under(
                dirs::data_dir()
                    .ok_or(PathsError::NoDataDir)?
                    .join(crate::APP_IDENTIFIER),
            )),
        }
    }

    pub fn under(data_dir: PathBuf) -> Self {
        Self {
            database_file: data_dir.join("switchboard.db"),
            log_dir: data_dir.join("logs"),
            data_dir,
            custom: false,
        }
    }

    /// Creates the data and log directories if needed and makes them owner-only.
    pub fn prepare(&self) -> Result<(), PathsError> {
        for dir in [&self.data_dir, &self.log_dir] {
            create_private_dir(dir).map_err(|source| PathsError::Prepare {
                path: dir.clone(),
                source,
            })?;
        }
        Ok(())
    }

    pub fn locations(&self) -> DataLocations {
        DataLocations {
            data_dir: self.data_dir.display().to_string(),
            database_file: self.database_file.display().to_string(),
            log_dir: self.log_dir.display().to_string(),
            log_file_pattern: self
                .log_dir
                .join(format!("{LOG_FILE_PREFIX}.YYYY-MM-DD"))
                .display()
                .to_string(),
        }
    }
}

/// From here on, files and directories this process creates are owner-only (umask 077), so
/// logs, the database's WAL and anything a library writes are private from birth.
pub fn restrict_new_files_to_owner() {
    #[cfg(unix)]
    // SAFETY: umask only swaps the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates `dir` (and its parents) if needed and makes it owner-only, even if it existed.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

/// A new file, owner-only from its creation (never an existing one: that is an error).
pub fn create_private_file(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Owner-only permissions for a file Switchboard created (no-op off Unix).
pub fn make_private_file(file: &Path) -> io::Result<()> {
    set_mode(file, 0o600)
}

/// Sets `mode` unless the path already has it (a read-only file that is already private is
/// left alone rather than refused).
#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::metadata(path)?.permissions().mode() & 0o7777 == mode {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn prepare_makes_owner_only_directories() {
        let root = tempfile::tempdir().expect("a temp dir");
        let paths = AppPaths::under(root.path().join("data"));
        paths.prepare().expect("preparing a fresh data dir");
        for dir in [&paths.data_dir, &paths.log_dir] {
            let mode = std::fs::metadata(dir).expect("the dir exists").permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{} must be readable by its owner only", dir.display());
        }
    }

    #[test]
    fn every_file_lives_under_the_data_dir() {
        let paths = AppPaths::under(PathBuf::from("/x/data"));
        assert!(
            paths.database_file.starts_with("/x/data"),
            "removing the data dir must remove the database"
        );
        assert!(
            paths.log_dir.starts_with("/x/data"),
            "removing the data dir must remove the logs"
        );
    }
}
