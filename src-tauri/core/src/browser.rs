//! Opening a URL in the person's browser, with one seam for tests and headless machines: when
//! `SWITCHBOARD_BROWSER` names a command, it is run with the URL as its only argument instead
//! (the end-to-end tests plug in a stand-in that signs in). Never an embedded webview.

use std::process::{Command, Stdio};

/// The environment variable naming a command to run instead of the system browser.
pub const BROWSER_ENV: &str = "SWITCHBOARD_BROWSER";

/// Runs `$SWITCHBOARD_BROWSER URL` when set; otherwise `system(url)`.
pub fn open_url(url: &str, system: impl FnOnce(&str) -> Result<(), String>) -> Result<(), String> {
    match std::env::var_os(BROWSER_ENV).filter(|command| !command.is_empty()) {
        Some(command) => Command::new(&command)
            .arg(url)
            .stdin(Stdio::null())
            .spawn()
            .map(drop)
            .map_err(|error| format!("{} could not be run: {error}", command.to_string_lossy())),
        None => system(url),
    }
}

/// The platform's own "open this URL" command, for the CLI (the app uses tauri's opener).
pub fn system_open(url: &str) -> Result<(), String> {
    let (program, args): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("rundll32", &["url.dll,FileProtocolHandler"])
    } else {
        ("xdg-open", &[])
    };
    Command::new(program)
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|error| format!("{program} could not be run: {error}"))
}
