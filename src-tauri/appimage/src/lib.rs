//! Switchboard's AppImage, made offline from the .deb: where the image starts in the file
//! (`elf`), packing and unpacking it (`squash`), the per-user cache a start extracts it into
//! (`cache`), the AppDir the builder makes from the unpacked package (`appdir`) and the file it
//! writes (`bundle`). No FUSE, no downloads: both binaries are this crate.

pub mod appdir;
pub mod bundle;
pub mod cache;
pub mod elf;
pub mod error;
pub mod squash;

pub use error::{Error, Result};
