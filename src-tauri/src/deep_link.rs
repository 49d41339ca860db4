//! Deep links into the running app: each URL goes to core's one delivery point, the receipt is
//! kept for Settings and pushed to the UI. Also registers the scheme on Linux when the app was
//! not installed from a package (which registers it itself).

use switchboard_core::app_events::AppEvent;
use switchboard_core::clock::{Clock, SystemClock};
use switchboard_core::oauth::{receive_deep_link, PendingFlows};
use switchboard_core::scheme::session_bus_reachable;
use tauri::{AppHandle, Manager};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::events::EventHub;
use crate::state::AppState;

pub fn receive(app: &AppHandle, urls: Vec<tauri::Url>) {
    let state = app.state::<AppState>();
    let nothing_pending = PendingFlows::default();
    let connector = state.connector().ok();
    let pending = connector
        .as_ref()
        .map_or(&nothing_pending, |connector| &connector.pending);
    for url in urls {
        let receipt = receive_deep_link(url.as_str().as_bytes(), &state.catalog, pending, SystemClock.now());
        state.record_deep_link(receipt.clone());
        app.state::<EventHub>().publish(&AppEvent::DeepLinkReceived(receipt));
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
