//! A small filesystem of the test's own (a tmpfs mounted on a temporary folder), to fill up or
//! make read-only the way a real disk is: the core sees ENOSPC and EROFS from the kernel, not a
//! double. Mounting needs root, as the tests run under tests/session.sh here and in CI.

#![allow(dead_code)] // each test binary uses its part

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct SmallDisk {
    path: PathBuf,
}

impl SmallDisk {
    /// Mounts a tmpfs of `size` (as `mount -o size=` reads it) and the folder it is on, for the
    /// core's data directory. The folder is removed with the mount.
    pub fn mount(size: &str) -> (Self, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("a folder to mount on");
        run_mount(
            &["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs"],
            dir.path(),
        );
        let disk = Self {
            path: dir.path().to_path_buf(),
        };
        (disk, dir)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fills the disk with one file until the kernel says there is no space left; its path.
    pub fn fill(&self) -> PathBuf {
        let filler = self.path.join("filler");
        let mut file = std::fs::File::create(&filler).expect("create the filler");
        let chunk = vec![0u8; 64 * 1024];
        loop {
            if let Err(error) = file.write_all(&chunk).and_then(|()| file.sync_all()) {
                assert_eq!(
                    error.raw_os_error(),
                    Some(libc::ENOSPC),
                    "filling stops only when the disk is full: {error}"
                );
                break;
            }
        }
        // The last partial chunk may leave a few bytes; take them too.
        while file.write_all(&[0u8]).and_then(|()| file.sync_all()).is_ok() {}
        filler
    }

    /// Remounts the disk read-only (no file on it may be open for writing).
    pub fn make_read_only(&self) {
        run_mount(&["-o", "remount,ro"], &self.path);
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn run_mount(args: &[&str], on: &Path) {
    let status = Command::new("mount").args(args).arg(on).status().expect("run mount");
    assert!(
        status.success(),
        "mounting a small filesystem needs root (the tests run as root under tests/session.sh): {status}"
    );
}

/// One file made read-only where it stands, by a read-only bind mount over it: what opens it
/// from now on gets EROFS for writes (even as root), while handles opened before keep working,
/// as another process's would. Unmounted when dropped.
pub struct ReadOnlyFile {
    path: PathBuf,
}

impl ReadOnlyFile {
    pub fn bind(path: &Path) -> Self {
        let source = path.to_str().expect("a UTF-8 path");
        run_mount(&["--bind", source], path);
        let file = Self {
            path: path.to_path_buf(),
        };
        run_mount(&["-o", "remount,bind,ro"], path);
        file
    }
}

impl Drop for ReadOnlyFile {
    fn drop(&mut self) {
        // Lazily: a core that opened the file through the mount may still be closing.
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}
