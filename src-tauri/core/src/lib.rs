//! switchboard-core: every backend module of Switchboard, free of tauri, so the desktop shell,
//! the headless `switchboard-cli` and the tests all run the same code.

pub mod app;
pub mod app_events;
pub mod assistant;
pub mod backoff;
pub mod browser;
pub mod catalog;
pub mod client_report;
pub mod clock;
pub mod connections;
pub mod context;
pub mod db;
pub mod doctor;
pub mod error;
pub mod failpoints;
pub mod ids;
pub mod llm;
pub mod logging;
pub mod oauth;
pub mod overrides_setting;
pub mod overview;
pub mod paths;
pub mod resources;
pub mod scheme;
pub mod sensitive;
pub mod services;
pub mod session_notices;
pub mod tools;
pub mod vault;
pub mod welcome;

pub use app::{Core, CoreOptions, EventSink, OpenError, OverridesChoice};
pub use services::Services;

#[cfg(test)]
mod secret_debug_tests;

/// The application identifier: names the data directory, the D-Bus name and the keyring service.
pub const APP_IDENTIFIER: &str = "dev.switchboard.desktop";
/// The custom URL scheme OAuth callbacks come back on.
pub const DEEP_LINK_SCHEME: &str = "switchboard";
