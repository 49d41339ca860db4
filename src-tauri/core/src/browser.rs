//! Opening a URL in the person's browser, with one seam for tests and headless machines: when
//! `SWITCHBOARD_BROWSER` names a command, it is run with the URL as its only argument instead
//! (the end-to-end tests plug in a stand-in that signs in). Never an embedded webview.

use std::process::{Command, Stdio};

/// The environment variable naming a command to run instead of the system browser.
pub const BROWSER_ENV: &str = "SWITCHBOARD_BROWSER";

/// Opens a link a provider gave (an action's result) in the browser: https only, so an answer
/// can never make Switchboard open a file, run a script or start another app's scheme.
pub fn open_link(url: &str, system: impl FnOnce(&str) -> Result<(), String>) -> Result<(), crate::error::UserError> {
    use crate::error::{ErrorCode, UserError};
    let parsed =
        url::Url::parse(url).map_err(|_| UserError::new(ErrorCode::InvalidInput, "That link is not valid."))?;
    if parsed.scheme() != "https" {
        return Err(UserError::new(ErrorCode::InvalidInput, "Only https links are opened."));
    }
    open_url(parsed.as_str(), system).map_err(|reason| {
        UserError::new(
            ErrorCode::Internal,
            format!("The browser could not be opened: {reason}"),
        )
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_results_link_opens_only_if_it_is_https() {
        for link in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "http://example.com/",
            "switchboard://oauth",
            "not a url",
        ] {
            let refused = open_link(link, |_| panic!("{link} must not reach the browser")).expect_err("refused");
            assert_eq!(
                refused.code,
                crate::error::ErrorCode::InvalidInput,
                "{link}: {}",
                refused.message
            );
        }
    }
}
