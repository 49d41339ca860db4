//! Whether this desktop sends `switchboard://` links to an application, asked of the system
//! (on Linux, `xdg-mime`). Registering is the shell's job; this only looks.

use std::process::Command;

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state")]
pub enum SchemeRegistration {
    /// Links open with `handler` (a desktop entry on Linux).
    Registered { handler: String },
    /// No application handles the scheme yet.
    NotRegistered,
    /// The system could not be asked; `reason` says why.
    Unknown { reason: String },
}

impl SchemeRegistration {
    pub fn is_registered(&self) -> bool {
        matches!(self, Self::Registered { .. })
    }
}

/// Asks the desktop which application opens `switchboard://` links.
pub fn query_scheme_registration() -> SchemeRegistration {
    if !cfg!(target_os = "linux") {
        return SchemeRegistration::Unknown {
            reason: "checked only on Linux; installers register it elsewhere".into(),
        };
    }
    let mime = format!("x-scheme-handler/{}", crate::DEEP_LINK_SCHEME);
    match Command::new("xdg-mime").args(["query", "default", &mime]).output() {
        Err(error) => SchemeRegistration::Unknown {
            reason: format!("xdg-mime could not run ({error}); install xdg-utils"),
        },
        Ok(output) => {
            let stdout = String::from_utf8_lossy(&output.stdout);
            match stdout.lines().next().map(str::trim) {
                Some(handler) if output.status.success() && !handler.is_empty() => SchemeRegistration::Registered {
                    handler: handler.to_owned(),
                },
                _ => SchemeRegistration::NotRegistered,
            }
        }
    }
}
