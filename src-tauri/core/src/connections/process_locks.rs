//! Renewal locks that hold across processes: the app and switchboard-cli on one data folder
//! renew a connection one at a time, so a rotating refresh token is never sent twice (a
//! provider takes that as reuse and revokes the grant). One file per connection in the data
//! folder's `locks/`, locked exclusively with the standard library's `File::try_lock` (an
//! advisory OS lock the kernel drops when its process dies, so a killed process leaves no
//! stale lock). The in-process single flight comes first; this lock is taken under it.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;
use std::time::Duration;

use tokio::time::Instant;

use crate::ids::ConnectionId;
use crate::paths::create_private_dir;

/// How often a waiting process looks again, and how long it waits at most: a renewal is one
/// token request, bounded by the request policy's time limits.
const POLL: Duration = Duration::from_millis(20);
const MAX_WAIT: Duration = Duration::from_secs(120);

#[derive(Debug, thiserror::Error)]
pub enum ProcessLockError {
    #[error("could not use the renewal lock {}: {source}", path.display())]
    File { path: PathBuf, source: std::io::Error },
    #[error("another Switchboard (the app or switchboard-cli) has been renewing this connection for over two minutes")]
    StillHeld,
}

/// Where the locks live; none for a core without a data folder (an in-memory database).
#[derive(Debug, Clone, Default)]
pub struct ProcessLocks {
    dir: Option<PathBuf>,
}

/// Held while a renewal runs; dropping it lets the next process in.
#[derive(Debug)]
pub struct ProcessLock {
    _file: Option<File>,
}

impl ProcessLocks {
    pub fn in_dir(dir: PathBuf) -> Self {
        Self { dir: Some(dir) }
    }

    /// Waits for connection `id`'s lock across processes (polling, so a cancelled renewal
    /// stops waiting at once).
    pub async fn acquire(&self, id: ConnectionId) -> Result<ProcessLock, ProcessLockError> {
        let Some(dir) = &self.dir else {
            return Ok(ProcessLock { _file: None });
        };
        let path = dir.join(format!("renewal-{id}.lock"));
        let failed = |source| ProcessLockError::File {
            path: path.clone(),
            source,
        };
        let open = || OpenOptions::new().create(true).truncate(false).write(true).open(&path);
        let file = match open() {
            // The folder is made (private) once, by the first renewal that needs it.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                create_private_dir(dir).map_err(failed)?;
                open()
            }
            opened => opened,
        }
        .map_err(failed)?;
        let deadline = Instant::now() + MAX_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(ProcessLock { _file: Some(file) }),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => tokio::time::sleep(POLL).await,
                Err(TryLockError::WouldBlock) => return Err(ProcessLockError::StillHeld),
                Err(TryLockError::Error(source)) => return Err(failed(source)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_holder_waits_until_the_first_lets_go() {
        let dir = tempfile::tempdir().expect("a data folder");
        let locks = ProcessLocks::in_dir(dir.path().join("locks"));
        // Two opens of the file, as two processes would have: the OS lock is per open file.
        let first = locks.acquire(ConnectionId(7)).await.expect("the first takes it");
        let waiting = tokio::spawn({
            let locks = locks.clone();
            async move { locks.acquire(ConnectionId(7)).await }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            !waiting.is_finished(),
            "the second waits while the first holds the lock"
        );
        let other = locks.acquire(ConnectionId(8)).await;
        assert!(other.is_ok(), "another connection's lock is its own");
        drop(first);
        let second = waiting.await.expect("join");
        assert!(second.is_ok(), "then the second gets it: {second:?}");
    }

    #[tokio::test]
    async fn without_a_data_folder_there_is_nothing_to_lock() {
        let lock = ProcessLocks::default().acquire(ConnectionId(1)).await;
        assert!(lock.is_ok(), "an in-memory core renews under its in-process lock alone");
    }
}
