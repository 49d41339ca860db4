//! Deep links into the running app: each URL goes to the core's one delivery point (which
//! keeps the receipt for Settings and tells the window). Also registers the scheme on Linux
//! when the app was not installed from a package (which registers it itself).

use switchboard_core::scheme::session_bus_reachable;
use tauri::{AppHandle, Manager};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::state::AppState;

pub fn receive(app: &AppHandle, urls: Vec<tauri::Url>) {
    let state = app.state::<AppState>();
    for url in urls {
        state.core.receive_deep_link(url.as_str().as_bytes());
    }
}

/// A link the app was cold-started with arrived before `on_open_url` was listening.
pub fn receive_launch_url(app: &AppHandle) {
    match app.deep_link().get_current() {
        Ok(Some(urls)) => receive(app, urls),
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "could not read the launch deep link"),
    }
}

pub fn bring_to_front(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Registers the scheme (Linux, not packaged) and says in the log when links cannot reach the
/// app at all, off the start-up path: both ask other processes.
pub fn register_scheme_in_background(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        if let Err(reason) = session_bus_reachable() {
            tracing::warn!(%reason, "deep links unavailable; sign-ins that return by link cannot finish");
        }
        if cfg!(target_os = "linux") && !installed_from_package() {
            register_scheme(&app);
        }
    });
}

fn register_scheme(app: &AppHandle) {
    match app.deep_link().register_all() {
        Ok(()) => tracing::info!(
            scheme = switchboard_core::DEEP_LINK_SCHEME,
            "deep-link scheme registered"
        ),
        Err(error) => tracing::warn!(%error, "could not register the deep-link scheme; sign-in will use loopback only"),
    }
}

/// Packages install under /usr (deb, rpm) and ship a desktop entry that registers the scheme.
fn installed_from_package() -> bool {
    std::env::current_exe()
        .map(|exe| exe.starts_with("/usr/"))
        .unwrap_or(false)
}
