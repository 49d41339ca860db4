//! The runtime at the front of Switchboard's AppImage: finds the squashfs image appended to its
//! own ELF, extracts it once into the per-user cache, and execs the tree's `AppRun` with the
//! original arguments and `APPIMAGE`, `APPDIR`, `ARGV0` and `OWD` set, as the AppImage type-2
//! runtime does, but without FUSE. `--appimage-offset` and `--appimage-extract` work as there.
//! Failures are one line on stderr and exit code 1.

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitCode};

use switchboard_appimage::error::Context;
use switchboard_appimage::{cache, elf, squash, Error, Result};

const HELP: &str = "Options of this AppImage's runtime (any other argument goes to the app):
  --appimage-offset    print the offset of the image in this file
  --appimage-extract   extract the image into ./squashfs-root
  --appimage-help      print this";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Switchboard AppImage: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Returns only for the runtime's own options (and errors); otherwise becomes the app.
fn run() -> Result<()> {
    // /proc/self/exe: the AppImage's real path, wherever it was started from.
    let appimage = std::env::current_exe().context(|| "find the AppImage's own file")?;
    let offset = image_offset(&appimage)?;
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    let args: Vec<OsString> = args.collect();
    match args.first().and_then(|arg| arg.to_str()) {
        Some("--appimage-offset") => {
            println!("{offset}");
            return Ok(());
        }
        Some("--appimage-extract") => {
            squash::extract(&appimage, offset, Path::new("squashfs-root"))?;
            println!("squashfs-root");
            return Ok(());
        }
        Some("--appimage-help") => {
            println!("{HELP}");
            return Ok(());
        }
        Some(option) if option.starts_with("--appimage-") => {
            return Err(Error::Invalid(format!(
                "unknown option {option} (--appimage-help lists them)"
            )));
        }
        _ => {}
    }
    let appdir = cache::ensure_extracted(&appimage, offset, &cache::root()?)?;
    let app_run = appdir.join("AppRun");
    let mut app = Command::new(&app_run);
    app.args(args)
        .env("APPIMAGE", &appimage)
        .env("APPDIR", &appdir)
        .env("ARGV0", argv0);
    if let Ok(dir) = std::env::current_dir() {
        app.env("OWD", dir);
    }
    Err(app.exec()).context(|| format!("start {}", app_run.display()))
}

/// Where the image starts: the end of this file's ELF.
fn image_offset(appimage: &Path) -> Result<u64> {
    let mut header = Vec::with_capacity(elf::HEADER_LEN);
    let file = File::open(appimage).context(|| format!("open {}", appimage.display()))?;
    let len = file
        .metadata()
        .context(|| format!("read {}", appimage.display()))?
        .len();
    file.take(elf::HEADER_LEN as u64)
        .read_to_end(&mut header)
        .context(|| format!("read {}", appimage.display()))?;
    let offset = elf::image_offset(&header).map_err(|error| Error::Elf(appimage.display().to_string(), error))?;
    if offset >= len {
        return Err(Error::Invalid(format!(
            "{} has no image after its runtime: it is the bare runtime, not an AppImage",
            appimage.display()
        )));
    }
    Ok(offset)
}
