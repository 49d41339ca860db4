//! What can go wrong making or starting the AppImage, each with what was being done; the
//! binaries print it as one line. Not a place for policy: callers decide what to do about it.

use std::fmt::Display;

/// An error, its message saying what was being done and why it failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{what}: {source}")]
    Squashfs {
        what: String,
        #[source]
        source: backhand::BackhandError,
    },
    #[error("{0} is not an AppImage runtime (or AppImage): {1}")]
    Elf(String, crate::elf::ElfError),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Says what was being done when an I/O or squashfs call failed.
pub trait Context<T> {
    fn context<D: Display>(self, what: impl FnOnce() -> D) -> Result<T>;
}

impl<T> Context<T> for std::io::Result<T> {
    fn context<D: Display>(self, what: impl FnOnce() -> D) -> Result<T> {
        self.map_err(|source| Error::Io {
            what: what().to_string(),
            source,
        })
    }
}

impl<T> Context<T> for std::result::Result<T, backhand::BackhandError> {
    fn context<D: Display>(self, what: impl FnOnce() -> D) -> Result<T> {
        self.map_err(|source| Error::Squashfs {
            what: what().to_string(),
            source,
        })
    }
}
