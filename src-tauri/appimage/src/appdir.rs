//! The AppDir made from an unpacked .deb: its `usr/` as it is, plus what the AppImage spec
//! wants at the root: `AppRun` (runs the package's binary), the desktop entry, its icon and
//! `.DirIcon`. Reads the package's desktop entry to know the binary and the icon; writes
//! nothing to the package's tree (the additions are `Extra`s packed beside it).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Context, Error, Result};
use crate::squash::Extra;

/// Unpacks `deb` into `into` with `dpkg-deb -x` (present wherever a .deb is built).
pub fn unpack_deb(deb: &Path, into: &Path) -> Result<()> {
    let output = Command::new("dpkg-deb")
        .arg("-x")
        .arg(deb)
        .arg(into)
        .output()
        .context(|| "run dpkg-deb (from the dpkg package)")?;
    if !output.status.success() {
        return Err(Error::Invalid(format!(
            "dpkg-deb -x {} failed: {}",
            deb.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(())
}

/// The entries to add at the root of the AppDir made from the unpacked package `tree`.
pub fn root_entries(tree: &Path) -> Result<Vec<Extra>> {
    let (entry_path, entry) = desktop_entry(tree)?;
    let exec = entry_key(&entry, "Exec")
        .and_then(|exec| exec.split_whitespace().next())
        .ok_or_else(|| Error::Invalid(format!("{} has no Exec", entry_path.display())))?;
    let binary = Path::new("usr/bin").join(exec);
    if !tree.join(&binary).is_file() {
        return Err(Error::Invalid(format!(
            "the package has no {} (its Exec)",
            binary.display()
        )));
    }
    let icon_name =
        entry_key(&entry, "Icon").ok_or_else(|| Error::Invalid(format!("{} has no Icon", entry_path.display())))?;
    let icon = largest_icon(tree, icon_name)?;
    let icon_file = PathBuf::from(format!("{icon_name}.png"));
    let app_run = format!(
        "#!/bin/sh\n# Starts the app in this AppDir; the AppImage runtime sets APPDIR.\n\
         HERE=\"${{APPDIR:-$(dirname \"$(readlink -f \"$0\")\")}}\"\n\
         exec \"$HERE/{}\" \"$@\"\n",
        binary.display()
    );
    Ok(vec![
        Extra::File {
            path: "AppRun".into(),
            contents: app_run.into_bytes(),
            mode: 0o755,
        },
        Extra::File {
            path: entry_path.file_name().map(PathBuf::from).unwrap_or_default(),
            contents: entry.into_bytes(),
            mode: 0o644,
        },
        Extra::File {
            path: icon_file.clone(),
            contents: fs::read(&icon).context(|| format!("read {}", icon.display()))?,
            mode: 0o644,
        },
        Extra::Symlink {
            path: ".DirIcon".into(),
            target: icon_file,
        },
    ])
}

/// The package's one desktop entry: its path and text.
fn desktop_entry(tree: &Path) -> Result<(PathBuf, String)> {
    let dir = tree.join("usr/share/applications");
    let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
        .context(|| format!("read {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "desktop"))
        .collect();
    let (Some(path), None) = (entries.pop(), entries.pop()) else {
        return Err(Error::Invalid(format!(
            "{} must hold exactly one desktop entry",
            dir.display()
        )));
    };
    let text = fs::read_to_string(&path).context(|| format!("read {}", path.display()))?;
    Ok((path, text))
}

/// The value of `key` in the `[Desktop Entry]` group.
fn entry_key<'a>(entry: &'a str, key: &str) -> Option<&'a str> {
    entry
        .lines()
        .skip_while(|line| line.trim() != "[Desktop Entry]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .find_map(|line| line.strip_prefix(key)?.trim_start().strip_prefix('='))
        .map(str::trim)
}

/// The biggest `hicolor/<W>x<H>[@<scale>]/apps/<name>.png` in the package.
fn largest_icon(tree: &Path, name: &str) -> Result<PathBuf> {
    let hicolor = tree.join("usr/share/icons/hicolor");
    let sizes = fs::read_dir(&hicolor).context(|| format!("read {}", hicolor.display()))?;
    sizes
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let dir = entry.file_name().to_string_lossy().into_owned();
            let (size, scale) = dir.split_once('@').unwrap_or((&dir, "1"));
            let pixels = size.split('x').next()?.parse::<u32>().ok()? * scale.parse::<u32>().ok()?;
            let icon = entry.path().join("apps").join(format!("{name}.png"));
            icon.is_file().then_some((pixels, icon))
        })
        .max()
        .map(|(_, icon)| icon)
        .ok_or_else(|| Error::Invalid(format!("no {name}.png under {}", hicolor.display())))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const ENTRY: &str = "[Desktop Entry]\nExec=switchboard %u\nIcon=switchboard\nName=Switchboard\n\
        Type=Application\nMimeType=x-scheme-handler/switchboard;\n";

    /// What `dpkg-deb -x` gives for Switchboard's package, with tiny files.
    pub(crate) fn package_tree(root: &Path) {
        fs::create_dir_all(root.join("usr/bin")).unwrap();
        fs::write(root.join("usr/bin/switchboard"), b"\x7fELF binary").unwrap();
        fs::create_dir_all(root.join("usr/share/applications")).unwrap();
        fs::write(root.join("usr/share/applications/Switchboard.desktop"), ENTRY).unwrap();
        for (size, bytes) in [("32x32", 1), ("128x128", 2), ("256x256@2", 3)] {
            let dir = root.join("usr/share/icons/hicolor").join(size).join("apps");
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join("switchboard.png"), vec![bytes; 8]).unwrap();
        }
    }

    #[test]
    fn the_root_gets_apprun_the_entry_and_the_largest_icon() {
        let tree = tempfile::tempdir().unwrap();
        package_tree(tree.path());
        let entries = root_entries(tree.path()).unwrap();
        let file = |name: &str| {
            entries.iter().find_map(|extra| match extra {
                Extra::File { path, contents, mode } if path == Path::new(name) => Some((contents.clone(), *mode)),
                _ => None,
            })
        };
        let (app_run, mode) = file("AppRun").unwrap();
        assert_eq!(mode, 0o755);
        assert!(String::from_utf8(app_run)
            .unwrap()
            .contains("exec \"$HERE/usr/bin/switchboard\" \"$@\""));
        assert_eq!(file("Switchboard.desktop").unwrap().0, ENTRY.as_bytes());
        assert_eq!(file("switchboard.png").unwrap().0, vec![3; 8], "the 256x256@2 icon");
        assert!(entries.iter().any(|extra| matches!(extra,
            Extra::Symlink { path, target } if path == Path::new(".DirIcon") && target == Path::new("switchboard.png"))));
    }

    #[test]
    fn a_package_without_its_binary_is_refused() {
        let tree = tempfile::tempdir().unwrap();
        package_tree(tree.path());
        fs::remove_file(tree.path().join("usr/bin/switchboard")).unwrap();
        let error = root_entries(tree.path()).unwrap_err().to_string();
        assert!(error.contains("usr/bin/switchboard"), "{error}");
    }

    #[test]
    fn keys_are_read_from_the_desktop_entry_group_only() {
        let entry = "[Desktop Entry]\nName = App\nExec=app %u\n[Desktop Action x]\nIcon=other\n";
        assert_eq!(entry_key(entry, "Name"), Some("App"));
        assert_eq!(entry_key(entry, "Exec"), Some("app %u"));
        assert_eq!(entry_key(entry, "Icon"), None);
    }
}
