//! The per-user cache a start extracts the AppImage into, once:
//! `$XDG_CACHE_HOME/switchboard/appimage/<key>`, the key made of the file's size, mtime and
//! image offset, so a new or rebuilt AppImage gets a fresh tree. A tree is extracted into a
//! partial directory and renamed into place, so a first start killed half-way never leaves a
//! tree that looks complete. Trees of other keys no process runs from are removed. Knows
//! nothing of ELF or of what the tree holds, beyond its `AppRun`.

use std::ffi::OsString;
use std::fs::{self, DirBuilder};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Context, Error, Result};
use crate::squash;

const PARTIAL: &str = ".partial-";

/// The cache root: `$XDG_CACHE_HOME` (when absolute) or `$HOME/.cache`, then
/// `switchboard/appimage`.
pub fn root() -> Result<PathBuf> {
    root_from(std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME"))
}

pub fn root_from(xdg_cache_home: Option<OsString>, home: Option<OsString>) -> Result<PathBuf> {
    let base = match (xdg_cache_home.map(PathBuf::from), home.map(PathBuf::from)) {
        (Some(cache), _) if cache.is_absolute() => cache,
        (_, Some(home)) if home.is_absolute() => home.join(".cache"),
        _ => {
            return Err(Error::Invalid(
                "neither XDG_CACHE_HOME nor HOME names a directory to extract into".into(),
            ))
        }
    };
    Ok(base.join("switchboard").join("appimage"))
}

/// The cache key of an AppImage file: its size, mtime (to the nanosecond) and image offset.
pub fn key(size: u64, mtime: i64, mtime_nsec: i64, offset: u64) -> String {
    format!("{size}-{mtime}.{mtime_nsec:09}-{offset}")
}

/// The extracted tree of `appimage` (its image at `offset`) under `root`, extracting it first
/// when this file has not been extracted before.
pub fn ensure_extracted(appimage: &Path, offset: u64, root: &Path) -> Result<PathBuf> {
    let meta = fs::metadata(appimage).context(|| format!("read {}", appimage.display()))?;
    let key = key(meta.len(), meta.mtime(), meta.mtime_nsec(), offset);
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(root)
        .context(|| format!("create {}", root.display()))?;
    // Canonical, as the running executables' paths `prune` compares trees with are.
    let root = &fs::canonicalize(root).context(|| format!("find {}", root.display()))?;
    let tree = root.join(&key);
    if tree.join("AppRun").is_file() {
        return Ok(tree);
    }
    if tree.exists() {
        // Complete trees are renamed into place whole: this one lost files since (a cleaner).
        remove_tree(&tree).context(|| format!("remove the damaged {}", tree.display()))?;
    }
    remove_stale_partials(root);
    let partial = root.join(format!("{PARTIAL}{key}-{}", std::process::id()));
    if partial.exists() {
        remove_tree(&partial).context(|| format!("remove {}", partial.display()))?;
    }
    if let Err(error) = squash::extract(appimage, offset, &partial) {
        let _ = remove_tree(&partial);
        return Err(error);
    }
    if let Err(error) = fs::rename(&partial, &tree) {
        let _ = remove_tree(&partial);
        // Another start of the same file may have renamed its tree into place first.
        if !tree.is_dir() {
            return Err(error).context(|| format!("move the extracted tree to {}", tree.display()));
        }
    }
    prune(root, &key);
    Ok(tree)
}

/// Removes partial trees whose extracting process is gone (a start that was killed).
fn remove_stale_partials(root: &Path) {
    for (name, path) in entries(root) {
        let Some(pid) = name.strip_prefix(PARTIAL).and_then(|rest| rest.rsplit('-').next()) else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = remove_tree(&path);
        }
    }
}

/// Removes the complete trees of other keys that no running process was started from.
fn prune(root: &Path, keep: &str) {
    let running = running_executables();
    for (name, path) in entries(root) {
        if name != keep && !name.starts_with('.') && !running.iter().any(|exe| exe.starts_with(&path)) {
            let _ = remove_tree(&path);
        }
    }
}

fn entries(root: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = fs::read_dir(root) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok())
        .map(|entry| (entry.file_name().to_string_lossy().into_owned(), entry.path()))
        .collect()
}

/// The executables of the processes this user can see.
fn running_executables() -> Vec<PathBuf> {
    let Ok(processes) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    processes
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| fs::read_link(entry.path().join("exe")).ok())
        .collect()
}

/// Removes a tree even when some of its directories were left read-only.
fn remove_tree(path: &Path) -> std::io::Result<()> {
    fn make_writable(dir: &Path) {
        let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                make_writable(&entry.path());
            }
        }
    }
    make_writable(path);
    fs::remove_dir_all(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::squash::tests::sample_image;

    fn names(root: &Path) -> Vec<String> {
        let mut names: Vec<String> = entries(root).into_iter().map(|(name, _)| name).collect();
        names.sort();
        names
    }

    fn name(path: &Path) -> String {
        path.file_name().unwrap().to_string_lossy().into_owned()
    }

    #[test]
    fn the_root_follows_xdg_cache_home_then_home() {
        let root = |cache: Option<&str>, home: Option<&str>| root_from(cache.map(Into::into), home.map(Into::into));
        assert_eq!(
            root(Some("/c"), Some("/h")).unwrap(),
            Path::new("/c/switchboard/appimage")
        );
        assert_eq!(
            root(Some("relative"), Some("/h")).unwrap(),
            Path::new("/h/.cache/switchboard/appimage")
        );
        assert_eq!(
            root(None, Some("/h")).unwrap(),
            Path::new("/h/.cache/switchboard/appimage")
        );
        assert!(root(None, None).is_err());
    }

    #[test]
    fn the_key_changes_with_size_mtime_and_offset() {
        let base = key(100, 1_700_000_000, 5, 4096);
        assert_eq!(base, "100-1700000000.000000005-4096");
        assert_ne!(base, key(101, 1_700_000_000, 5, 4096));
        assert_ne!(base, key(100, 1_700_000_000, 6, 4096));
        assert_ne!(base, key(100, 1_700_000_000, 5, 8192));
    }

    #[test]
    fn a_file_is_extracted_once_and_reused() {
        let work = tempfile::tempdir().unwrap();
        let appimage = work.path().join("App.AppImage");
        let offset = sample_image(&appimage, b"runtime");
        let root = work.path().join("cache");

        let tree = ensure_extracted(&appimage, offset, &root).unwrap();
        assert_eq!(fs::read(tree.join("AppRun")).unwrap(), b"#!/bin/sh\n");
        assert_eq!(names(&root), [name(&tree)]);

        // The second start finds the tree and extracts nothing.
        fs::write(tree.join("marker"), b"from the first start").unwrap();
        assert_eq!(ensure_extracted(&appimage, offset, &root).unwrap(), tree);
        assert!(tree.join("marker").exists(), "the cached tree must be reused as it is");
    }

    #[test]
    fn a_tree_that_lost_its_apprun_is_extracted_again() {
        let work = tempfile::tempdir().unwrap();
        let appimage = work.path().join("App.AppImage");
        let offset = sample_image(&appimage, b"runtime");
        let root = work.path().join("cache");
        let tree = ensure_extracted(&appimage, offset, &root).unwrap();
        fs::remove_file(tree.join("AppRun")).unwrap();

        assert_eq!(ensure_extracted(&appimage, offset, &root).unwrap(), tree);
        assert!(tree.join("AppRun").is_file());
    }

    #[test]
    fn a_killed_first_start_leaves_no_tree_and_the_next_start_recovers() {
        let work = tempfile::tempdir().unwrap();
        let appimage = work.path().join("App.AppImage");
        let offset = sample_image(&appimage, b"runtime");
        let root = work.path().join("cache");
        let meta = fs::metadata(&appimage).unwrap();
        let key = key(meta.len(), meta.mtime(), meta.mtime_nsec(), offset);
        // What a start killed mid-extraction leaves: a partial tree, its process gone.
        let dead = root.join(format!("{PARTIAL}{key}-4294967295"));
        fs::create_dir_all(dead.join("usr/bin")).unwrap();
        fs::write(dead.join("usr/bin/half"), b"half").unwrap();
        fs::set_permissions(dead.join("usr"), fs::Permissions::from_mode(0o555)).unwrap();
        // One still being extracted by a live process (pid 1) is left alone.
        let live = root.join(format!("{PARTIAL}{key}-1"));
        fs::create_dir_all(&live).unwrap();

        let tree = ensure_extracted(&appimage, offset, &root).unwrap();
        assert!(tree.join("usr/bin/tool").exists());
        assert_eq!(names(&root), [name(&live), key]);
    }

    #[test]
    fn a_failed_extraction_leaves_nothing_that_looks_complete() {
        let work = tempfile::tempdir().unwrap();
        let appimage = work.path().join("App.AppImage");
        let offset = sample_image(&appimage, b"runtime");
        // Cut short after the superblock: the image's tables are gone.
        let full = fs::read(&appimage).unwrap();
        fs::write(&appimage, &full[..offset as usize + 200]).unwrap();
        let root = work.path().join("cache");

        assert!(ensure_extracted(&appimage, offset, &root).is_err());
        assert!(names(&root).is_empty(), "left behind: {:?}", names(&root));
    }

    #[test]
    fn a_new_file_replaces_the_trees_nothing_runs_from() {
        let work = tempfile::tempdir().unwrap();
        let root = work.path().join("cache");
        let old = root.join("1-1.000000000-1");
        fs::create_dir_all(old.join("usr")).unwrap();
        let appimage = work.path().join("App.AppImage");
        let offset = sample_image(&appimage, b"runtime");

        let tree = ensure_extracted(&appimage, offset, &root).unwrap();
        assert_eq!(names(&root), [name(&tree)]);
    }
}
