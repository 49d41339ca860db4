//! The Settings page and the notices banner. Each command is one call into the core.

use switchboard_core::db::notices::Notice;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::overrides_setting::OverridesStatus;
use switchboard_core::overview::SettingsOverview;
use tauri::{AppHandle, Manager, State};

use crate::state::AppState;

/// Asks the keyring and the desktop, so it runs off the main thread.
#[tauri::command]
pub async fn settings_overview(app: AppHandle) -> Result<SettingsOverview, UserError> {
    tauri::async_runtime::spawn_blocking(move || app.state::<AppState>().core.settings_overview())
        .await
        .map_err(|error| UserError::new(ErrorCode::Internal, format!("Reading the settings failed: {error}")))?
}

#[tauri::command]
pub fn list_notices(state: State<'_, AppState>) -> Result<Vec<Notice>, UserError> {
    state.core.notices()
}

#[tauri::command]
pub fn dismiss_notice(id: i64, state: State<'_, AppState>) -> Result<(), UserError> {
    state.core.dismiss_notice(id)
}

/// Whether the window opens on the first-run welcome.
#[tauri::command]
pub fn should_welcome(state: State<'_, AppState>) -> Result<bool, UserError> {
    state.core.should_welcome()
}

/// The person moved past the welcome; it does not open by itself again.
#[tauri::command]
pub fn finish_welcome(state: State<'_, AppState>) -> Result<(), UserError> {
    state.core.finish_welcome()
}

/// Chooses (or, with `None`, stops using) the provider overrides file; it applies at restart.
#[tauri::command]
pub fn set_overrides_file(path: Option<String>, state: State<'_, AppState>) -> Result<OverridesStatus, UserError> {
    state.core.choose_overrides_file(path.as_deref())
}

/// Restarts Switchboard (to apply a new overrides file).
#[tauri::command]
pub fn restart_app(app: AppHandle) {
    app.restart();
}
