//! Actions from the window: the list (for a connection, with its policies and missing access),
//! a run (waiting for approval, or approved), a declined approval, and the person's policy.
//! Each delegates to core's executor.

use switchboard_core::error::UserError;
use switchboard_core::ids::ConnectionId;
use switchboard_core::tools::{ActionInfo, Consent, Policy, RunOutcome, RunRequest};
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub fn list_actions(
    connection: Option<ConnectionId>,
    state: State<'_, AppState>,
) -> Result<Vec<ActionInfo>, UserError> {
    Ok(state.services()?.actions.actions(None, connection)?)
}

#[tauri::command]
pub async fn run_action(
    request: RunRequest,
    approved: bool,
    state: State<'_, AppState>,
) -> Result<RunOutcome, UserError> {
    let consent = if approved { Consent::Approved } else { Consent::NotYet };
    Ok(state.services()?.actions.run(&request, consent).await?)
}

#[tauri::command]
pub fn decline_action(request: RunRequest, state: State<'_, AppState>) -> Result<(), UserError> {
    Ok(state.services()?.actions.decline(&request)?)
}

#[tauri::command]
pub fn set_action_policy(
    action: String,
    connection: Option<ConnectionId>,
    policy: Option<Policy>,
    state: State<'_, AppState>,
) -> Result<(), UserError> {
    Ok(state.services()?.actions.set_policy(&action, connection, policy)?)
}

#[tauri::command]
pub fn open_link(url: String) -> Result<(), UserError> {
    switchboard_core::browser::open_link(&url, |url| {
        tauri_plugin_opener::open_url(url, None::<&str>).map_err(|error| error.to_string())
    })
}
