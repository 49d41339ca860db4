//! The squashfs image inside an AppImage: packing a directory tree (plus a few generated
//! entries) into one written after the runtime, and extracting one to a directory. Pure Rust
//! (backhand), no FUSE, no mksquashfs. Knows nothing of AppDirs or caches.

use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, BufWriter, Seek, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use backhand::compression::{CompressionOptions, Compressor, Zstd};
use backhand::{FilesystemCompressor, FilesystemReader, FilesystemWriter, InnerNode, NodeHeader};

use crate::error::{Context, Error, Result};

/// zstd level: a good ratio that still packs a debug build in well under a minute.
const ZSTD_LEVEL: u32 = 15;
/// Big blocks: the image is always extracted whole, never mounted for random reads.
const BLOCK_SIZE: u32 = backhand::MAX_BLOCK_SIZE;

/// An entry the builder adds beside the packed tree (AppRun, the root desktop entry, icons).
#[derive(Debug, Clone)]
pub enum Extra {
    File {
        path: PathBuf,
        contents: Vec<u8>,
        mode: u16,
    },
    Symlink {
        path: PathBuf,
        target: PathBuf,
    },
}

/// Packs `tree` and `extras` as a squashfs image into `out` at `offset` (after the runtime);
/// answers the image's length. Owners become root; modes and mtimes are kept.
pub fn pack(tree: &Path, extras: &[Extra], out: &mut (impl Write + Seek), offset: u64) -> Result<u64> {
    let mut image = FilesystemWriter::default();
    image.set_block_size(BLOCK_SIZE);
    let zstd = CompressionOptions::Zstd(Zstd {
        compression_level: ZSTD_LEVEL,
    });
    image.set_compressor(FilesystemCompressor::new(Compressor::Zstd, Some(zstd)).context(|| "choose zstd")?);
    image.set_root_mode(0o755);
    let newest = add_tree(&mut image, tree, Path::new(""))?;
    image.set_time(newest);
    for extra in extras {
        let header = |mode| NodeHeader::new(mode, 0, 0, newest);
        match extra {
            Extra::File { path, contents, mode } => image
                .push_file(std::io::Cursor::new(contents.clone()), path, header(*mode))
                .context(|| format!("add {}", path.display()))?,
            Extra::Symlink { path, target } => image
                .push_symlink(target.clone(), path, header(0o777))
                .context(|| format!("add {}", path.display()))?,
        }
    }
    let (_, written) = image
        .write_with_offset(out, offset)
        .context(|| format!("write the squashfs image of {}", tree.display()))?;
    Ok(written)
}

/// Adds what is under `dir` at `at` in the image, in name order; answers the newest mtime.
fn add_tree(image: &mut FilesystemWriter, dir: &Path, at: &Path) -> Result<u32> {
    let mut entries = fs::read_dir(dir)
        .and_then(|entries| {
            entries
                .map(|entry| entry.map(|entry| entry.path()))
                .collect::<Result<Vec<_>, _>>()
        })
        .context(|| format!("read {}", dir.display()))?;
    entries.sort();
    let mut newest = 0;
    for source in entries {
        let meta = fs::symlink_metadata(&source).context(|| format!("read {}", source.display()))?;
        let path = at.join(source.file_name().unwrap_or_default());
        let mtime = u32::try_from(meta.mtime()).unwrap_or(0);
        newest = newest.max(mtime);
        let header = NodeHeader::new((meta.mode() & 0o7777) as u16, 0, 0, mtime);
        let what = || format!("add {}", path.display());
        if meta.is_dir() {
            image.push_dir(&path, header).context(what)?;
            newest = newest.max(add_tree(image, &source, &path)?);
        } else if meta.is_file() {
            image.push_file_from_path(&source, &path, header).context(what)?;
        } else if meta.file_type().is_symlink() {
            let target = fs::read_link(&source).context(|| format!("read the link {}", source.display()))?;
            image.push_symlink(target, &path, header).context(what)?;
        } else {
            return Err(Error::Invalid(format!(
                "{} is neither a file, a directory nor a link",
                source.display()
            )));
        }
    }
    Ok(newest)
}

/// Extracts the image at `offset` in `file` into `dest` (created if missing; files already
/// there are replaced). Device nodes, pipes and sockets are skipped: an AppImage has none.
pub fn extract(file: &Path, offset: u64, dest: &Path) -> Result<()> {
    let reader = BufReader::new(File::open(file).context(|| format!("open {}", file.display()))?);
    let image = FilesystemReader::from_reader_with_offset(reader, offset)
        .context(|| format!("read the squashfs image in {} at {offset}", file.display()))?;
    fs::create_dir_all(dest).context(|| format!("create {}", dest.display()))?;
    // Directories get their own modes last, so a read-only one does not stop its contents.
    let mut dirs = Vec::new();
    for node in image.files() {
        let target = dest.join(relative(&node.fullpath)?);
        let mode = u32::from(node.header.permissions & 0o7777);
        let written = match &node.inner {
            InnerNode::Dir(_) => {
                dirs.push((target.clone(), mode));
                fs::create_dir_all(&target)
            }
            InnerNode::File(entry) => {
                let mut data = image
                    .file(entry)
                    .reader_checked()
                    .context(|| format!("read {}", node.fullpath.display()))?;
                remove_if_there(&target)
                    .and_then(|()| {
                        OpenOptions::new()
                            .write(true)
                            .create_new(true)
                            .mode(0o600)
                            .open(&target)
                    })
                    .and_then(|out| {
                        let mut out = BufWriter::with_capacity(1 << 20, out);
                        std::io::copy(&mut data, &mut out)?;
                        out.into_inner().map_err(|error| error.into_error())
                    })
                    .and_then(|out| out.set_permissions(fs::Permissions::from_mode(mode)))
            }
            InnerNode::Symlink(link) => {
                remove_if_there(&target).and_then(|()| std::os::unix::fs::symlink(&link.link, &target))
            }
            _ => Ok(()),
        };
        written.context(|| format!("extract {} to {}", node.fullpath.display(), target.display()))?;
    }
    for (dir, mode) in dirs.into_iter().rev() {
        fs::set_permissions(&dir, fs::Permissions::from_mode(mode))
            .context(|| format!("set the mode of {}", dir.display()))?;
    }
    Ok(())
}

/// `fullpath` under the image's root, refusing anything that could leave it.
fn relative(fullpath: &Path) -> Result<PathBuf> {
    let mut path = PathBuf::new();
    for component in fullpath.components() {
        match component {
            Component::RootDir | Component::CurDir => {}
            Component::Normal(name) => path.push(name),
            _ => {
                return Err(Error::Invalid(format!(
                    "the image names a path outside itself: {}",
                    fullpath.display()
                )))
            }
        }
    }
    Ok(path)
}

fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small tree: a script, a nested data file, a link to it, a read-only directory.
    pub(crate) fn sample_tree(root: &Path) {
        fs::create_dir_all(root.join("usr/bin")).unwrap();
        fs::create_dir_all(root.join("usr/share/locked")).unwrap();
        fs::write(root.join("usr/bin/tool"), b"#!/bin/sh\necho hi\n").unwrap();
        fs::set_permissions(root.join("usr/bin/tool"), fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(root.join("usr/share/locked/data"), vec![7u8; 3 << 20]).unwrap();
        std::os::unix::fs::symlink("locked/data", root.join("usr/share/link")).unwrap();
        fs::set_permissions(root.join("usr/share/locked"), fs::Permissions::from_mode(0o555)).unwrap();
    }

    /// Writes `prefix` then the packed sample tree into `file`; answers the image offset.
    pub(crate) fn sample_image(file: &Path, prefix: &[u8]) -> u64 {
        let tree = tempfile::tempdir().unwrap();
        sample_tree(tree.path());
        let mut out = File::create(file).unwrap();
        out.write_all(prefix).unwrap();
        let extras = [Extra::File {
            path: "AppRun".into(),
            contents: b"#!/bin/sh\n".to_vec(),
            mode: 0o755,
        }];
        pack(tree.path(), &extras, &mut out, prefix.len() as u64).unwrap();
        fs::set_permissions(tree.path().join("usr/share/locked"), fs::Permissions::from_mode(0o755)).unwrap();
        prefix.len() as u64
    }

    #[test]
    fn a_packed_tree_extracts_as_it_was_with_its_extras() {
        let work = tempfile::tempdir().unwrap();
        let file = work.path().join("image");
        let offset = sample_image(&file, b"a runtime stands here");
        let out = work.path().join("out");
        extract(&file, offset, &out).unwrap();

        let mode = |path: &str| fs::symlink_metadata(out.join(path)).unwrap().mode() & 0o7777;
        assert_eq!(fs::read(out.join("usr/bin/tool")).unwrap(), b"#!/bin/sh\necho hi\n");
        assert_eq!(mode("usr/bin/tool"), 0o755);
        assert_eq!(mode("AppRun"), 0o755);
        assert_eq!(fs::read(out.join("usr/share/locked/data")).unwrap(), vec![7u8; 3 << 20]);
        assert_eq!(mode("usr/share/locked"), 0o555);
        assert_eq!(
            fs::read_link(out.join("usr/share/link")).unwrap(),
            Path::new("locked/data")
        );

        // Extracting again over the same directory replaces what is there.
        fs::set_permissions(out.join("usr/share/locked"), fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(out.join("usr/bin/tool"), b"changed").unwrap();
        extract(&file, offset, &out).unwrap();
        assert_eq!(fs::read(out.join("usr/bin/tool")).unwrap(), b"#!/bin/sh\necho hi\n");
        fs::set_permissions(out.join("usr/share/locked"), fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn a_file_without_an_image_at_the_offset_is_a_clear_error() {
        let work = tempfile::tempdir().unwrap();
        let file = work.path().join("not-an-image");
        fs::write(&file, vec![0u8; 4096]).unwrap();
        let error = extract(&file, 100, &work.path().join("out")).unwrap_err().to_string();
        assert!(error.starts_with("read the squashfs image in"), "{error}");
    }

    #[test]
    fn paths_outside_the_image_are_refused() {
        assert_eq!(relative(Path::new("/usr/bin")).unwrap(), Path::new("usr/bin"));
        assert!(relative(Path::new("/usr/../../etc")).is_err());
    }
}
