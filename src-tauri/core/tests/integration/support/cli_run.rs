//! Running `switchboard-cli` in a test: on a data directory and with an overrides file, its
//! output read as text.

use std::path::Path;
use std::process::Output;

/// Runs the CLI with `args`, `--overrides overrides` and `SWITCHBOARD_DATA_DIR=data`.
pub async fn cli(data: &Path, overrides: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-cli"))
        .args(args)
        .args(["--overrides", overrides.to_str().expect("a UTF-8 path")])
        .env("SWITCHBOARD_DATA_DIR", data)
        .output()
        .await
        .expect("run switchboard-cli")
}

/// What the CLI printed, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
