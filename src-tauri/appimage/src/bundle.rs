//! Writes the AppImage file: the runtime (marked with the type-2 magic), then the squashfs
//! image of the AppDir right where the runtime's ELF ends, executable. Written beside the
//! target and renamed over it, so a failed build never leaves a broken AppImage in place.

use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error::{Context, Error, Result};
use crate::squash::{self, Extra};
use crate::{appdir, elf};

/// Builds `out` from the unpacked package `tree` and the `runtime`; answers its size.
pub fn write_appimage(tree: &Path, runtime: &Path, out: &Path) -> Result<u64> {
    let mut front = fs::read(runtime).context(|| format!("read the runtime {}", runtime.display()))?;
    let header = front.get(..elf::HEADER_LEN).unwrap_or(&front);
    let offset = elf::image_offset(header).map_err(|error| Error::Elf(runtime.display().to_string(), error))?;
    if offset != front.len() as u64 {
        return Err(Error::Invalid(format!(
            "the runtime {} is {} bytes but its ELF ends at {offset}: the image would not be found",
            runtime.display(),
            front.len()
        )));
    }
    elf::mark(&mut front).map_err(|error| Error::Elf(runtime.display().to_string(), error))?;
    let extras: Vec<Extra> = appdir::root_entries(tree)?;

    let partial = out.with_extension("AppImage.partial");
    let written = (|| {
        let mut file = File::create(&partial).context(|| format!("create {}", partial.display()))?;
        file.write_all(&front)
            .context(|| format!("write {}", partial.display()))?;
        squash::pack(tree, &extras, &mut file, offset)?;
        file.sync_all().context(|| format!("write {}", partial.display()))?;
        fs::set_permissions(&partial, fs::Permissions::from_mode(0o755))
            .context(|| format!("make {} executable", partial.display()))?;
        fs::rename(&partial, out).context(|| format!("move the AppImage to {}", out.display()))
    })();
    if let Err(error) = written {
        let _ = fs::remove_file(&partial);
        return Err(error);
    }
    Ok(fs::metadata(out).context(|| format!("read {}", out.display()))?.len())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::MetadataExt;

    use super::*;
    use crate::appdir::tests::{package_tree, ENTRY};

    /// A runtime stand-in: an ELF header whose section table ends exactly at the end.
    fn fake_runtime(len: usize) -> Vec<u8> {
        let mut bytes = vec![0u8; len];
        bytes[..4].copy_from_slice(b"\x7fELF");
        bytes[4] = 2;
        bytes[5] = 1;
        let shoff = (len - 64 * 3) as u64;
        bytes[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
        bytes[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
        bytes[0x3c..0x3e].copy_from_slice(&3u16.to_le_bytes());
        bytes
    }

    #[test]
    fn the_appimage_is_the_marked_runtime_then_the_appdir() {
        let work = tempfile::tempdir().unwrap();
        let tree = work.path().join("deb");
        package_tree(&tree);
        let runtime = work.path().join("runtime");
        fs::write(&runtime, fake_runtime(1000)).unwrap();
        let out = work.path().join("App.AppImage");

        let size = write_appimage(&tree, &runtime, &out).unwrap();
        let bytes = fs::read(&out).unwrap();
        assert_eq!(size, bytes.len() as u64);
        assert!(elf::is_marked(&bytes));
        assert_eq!(elf::image_offset(&bytes[..64]), Ok(1000));
        assert_eq!(fs::metadata(&out).unwrap().mode() & 0o777, 0o755);

        let appdir = work.path().join("appdir");
        squash::extract(&out, 1000, &appdir).unwrap();
        assert_eq!(fs::read(appdir.join("Switchboard.desktop")).unwrap(), ENTRY.as_bytes());
        assert_eq!(fs::read(appdir.join("usr/bin/switchboard")).unwrap(), b"\x7fELF binary");
        assert!(appdir.join(".DirIcon").exists());
        assert!(!work.path().join("App.AppImage.partial").exists());
    }

    #[test]
    fn a_runtime_with_data_after_its_elf_is_refused() {
        let work = tempfile::tempdir().unwrap();
        let tree = work.path().join("deb");
        package_tree(&tree);
        let runtime = work.path().join("runtime");
        let mut bytes = fake_runtime(1000);
        bytes.extend_from_slice(b"trailing");
        fs::write(&runtime, bytes).unwrap();
        let error = write_appimage(&tree, &runtime, &work.path().join("App.AppImage")).unwrap_err();
        assert!(error.to_string().contains("ELF ends at 1000"), "{error}");
    }
}
