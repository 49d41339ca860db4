//! What the running app holds: the core, opened once through its one entry point with the
//! app's options (the window's event hub, the system browser, the overrides file from the
//! environment or Settings), and the log files' writer.

use std::sync::Arc;

use switchboard_core::browser::open_url;
use switchboard_core::error::UserError;
use switchboard_core::logging::{init_logging, LogGuard};
use switchboard_core::paths::AppPaths;
use switchboard_core::{Core, CoreOptions, OverridesChoice, Services};

use crate::events::EventHub;

pub struct AppState {
    pub core: Core,
    _logs: Option<LogGuard>,
}

impl AppState {
    /// Resolves paths, starts logging and opens the core. A database that cannot be opened
    /// becomes the error commands return, so the window still opens and says what is wrong.
    pub fn start(events: EventHub) -> Self {
        let paths = AppPaths::resolve().unwrap_or_else(|error| fail(&error.to_string()));
        let logs = init_logging(paths.prepare().is_ok().then_some(paths.log_dir.as_path()), "info")
            .map_err(|error| eprintln!("switchboard: {error}"))
            .ok();
        tracing::info!(data_dir = %paths.data_dir.display(), "Switchboard starting");
        let mut options = CoreOptions::new(
            &paths,
            Arc::new(move |event| events.publish(&event)),
            Arc::new(|url: &str| {
                open_url(url, |url| {
                    tauri_plugin_opener::open_url(url, None::<&str>).map_err(|e| e.to_string())
                })
            }),
        );
        options.overrides = OverridesChoice::AppSetting;
        let core = Core::open(paths, options).unwrap_or_else(|error| fail(&error.to_string()));
        Self { core, _logs: logs }
    }

    /// The core's services, or why the database could not be opened.
    pub fn services(&self) -> Result<&Services, UserError> {
        self.core.services()
    }
}

fn fail(message: &str) -> ! {
    tracing::error!(%message, "Switchboard cannot start");
    eprintln!("switchboard: {message}");
    std::process::exit(1);
}
