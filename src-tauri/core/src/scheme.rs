//! Whether `switchboard://` links can reach the running app: the desktop must send them to an
//! application (on Linux, asked of `xdg-mime`), and on Linux a session D-Bus must exist for a
//! second launch to hand its link to the first. Registering is the shell's job; this only looks.

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
    /// Links cannot reach the running app (e.g. no session D-Bus); `reason` says why.
    Unavailable { reason: String },
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
    if let Err(reason) = session_bus_reachable() {
        return SchemeRegistration::Unavailable { reason };
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

/// A second launch hands its link to the running instance over the session D-Bus.
#[cfg(target_os = "linux")]
pub fn session_bus_reachable() -> Result<(), String> {
    dbus::blocking::Connection::new_session().map(drop).map_err(|error| {
        format!(
            "there is no session D-Bus to pass links to the running app ({})",
            error.message().unwrap_or("no details")
        )
    })
}

#[cfg(not(target_os = "linux"))]
pub fn session_bus_reachable() -> Result<(), String> {
    Ok(())
}
