//! The AppImage builder: `switchboard-appimage build --deb <.deb or unpacked dir> --runtime
//! <switchboard-appimage-runtime> --out <file.AppImage>`. Makes the AppDir from the package,
//! packs it, and writes runtime + image; one line on stderr and exit code 1 when it cannot.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use switchboard_appimage::{appdir, bundle, Result};

#[derive(Parser)]
#[command(
    name = "switchboard-appimage",
    version,
    about = "Builds Switchboard's AppImage from its .deb"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Builds the AppImage from the Debian package (or the directory it was unpacked into).
    Build {
        /// The .deb, or a directory holding its unpacked contents (usr/…).
        #[arg(long)]
        deb: PathBuf,
        /// The runtime to put in front: the `switchboard-appimage-runtime` binary.
        #[arg(long)]
        runtime: PathBuf,
        /// The AppImage to write (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let Command::Build { deb, runtime, out } = Cli::parse().command;
    match build(&deb, &runtime, &out) {
        Ok(size) => {
            println!("{} ({:.2} MiB)", out.display(), size as f64 / f64::from(1 << 20));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("switchboard-appimage: {error}");
            ExitCode::FAILURE
        }
    }
}

fn build(deb: &std::path::Path, runtime: &std::path::Path, out: &std::path::Path) -> Result<u64> {
    if deb.is_dir() {
        return bundle::write_appimage(deb, runtime, out);
    }
    let unpacked = tempfile::tempdir().map_err(|source| switchboard_appimage::Error::Io {
        what: "create a directory to unpack the package into".into(),
        source,
    })?;
    appdir::unpack_deb(deb, unpacked.path())?;
    bundle::write_appimage(unpacked.path(), runtime, out)
}
