//! The Integrations page: the providers from the catalogue.

use switchboard_core::catalog::Provider;
use switchboard_core::error::UserError;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub fn list_providers(state: State<'_, AppState>) -> Result<Vec<Provider>, UserError> {
    Ok(state.core.catalog().providers().to_vec())
}
