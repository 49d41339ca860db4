//! The Settings page and the notices banner.

use switchboard_core::clock::{Clock, SystemClock};
use switchboard_core::db::notices::{self, Notice};
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::overrides_setting::OverridesStatus;
use switchboard_core::overview::{settings_overview as gather_overview, SettingsOverview};
use tauri::{AppHandle, Manager, State};

use crate::state::AppState;

/// Asks the keyring and the desktop, so it runs off the main thread.
#[tauri::command]
pub async fn settings_overview(app: AppHandle) -> Result<SettingsOverview, UserError> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let key_mode = state.connector()?.key_mode();
        let database = state.database()?;
        gather_overview(
            &state.paths,
            &database,
            state.last_deep_link(),
            key_mode,
            state.overrides(),
        )
        .map_err(UserError::from)
    })
    .await
    .map_err(|error| UserError::new(ErrorCode::Internal, format!("Reading the settings failed: {error}")))?
}

#[tauri::command]
pub fn list_notices(state: State<'_, AppState>) -> Result<Vec<Notice>, UserError> {
    Ok(notices::list_active(state.database()?.conn())?)
}

#[tauri::command]
pub fn dismiss_notice(id: i64, state: State<'_, AppState>) -> Result<(), UserError> {
    Ok(notices::dismiss(state.database()?.conn(), id, SystemClock.now())?)
}

/// Chooses (or, with `None`, stops using) the provider overrides file; it applies at restart.
#[tauri::command]
pub fn set_overrides_file(path: Option<String>, state: State<'_, AppState>) -> Result<OverridesStatus, UserError> {
    state.choose_overrides_file(path.as_deref())
}

/// Restarts Switchboard (to apply a new overrides file).
#[tauri::command]
pub fn restart_app(app: AppHandle) {
    app.restart();
}
