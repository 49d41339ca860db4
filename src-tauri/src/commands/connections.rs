//! Connecting accounts: the Integrations page's cards and sign-ins, and the provider apps in
//! Settings. Each command is one call into the core's services; a connection goes to the
//! webview as its `ConnectionView`.

use switchboard_core::connections::{
    AuditEntry, ConnectRequest, ConnectionTest, ConnectionView, CredentialsRequest, DeleteOutcome, FlowUpdate,
    Integration, PendingRevocation, ProviderSetup, ProviderSetupUpdate,
};
use switchboard_core::error::UserError;
use switchboard_core::ids::ConnectionId;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub fn list_integrations(state: State<'_, AppState>) -> Result<Vec<Integration>, UserError> {
    Ok(state.services()?.integrations()?)
}

#[tauri::command]
pub async fn start_connect(request: ConnectRequest, state: State<'_, AppState>) -> Result<FlowUpdate, UserError> {
    Ok(state.services()?.sign_ins.start(&request).await?)
}

#[tauri::command]
pub fn cancel_connect(flow_id: String, state: State<'_, AppState>) -> Result<(), UserError> {
    Ok(state.services()?.sign_ins.cancel(&flow_id)?)
}

#[tauri::command]
pub fn open_flow_in_browser(flow_id: String, state: State<'_, AppState>) -> Result<(), UserError> {
    Ok(state.services()?.sign_ins.reopen(&flow_id)?)
}

#[tauri::command]
pub async fn connect_with_credentials(
    request: CredentialsRequest,
    state: State<'_, AppState>,
) -> Result<ConnectionView, UserError> {
    Ok(ConnectionView::from(
        &state.services()?.sign_ins.connect_with_credentials(&request).await?,
    ))
}

#[tauri::command]
pub fn credential_warnings(request: CredentialsRequest, state: State<'_, AppState>) -> Result<Vec<String>, UserError> {
    Ok(state
        .services()?
        .sign_ins
        .credential_warnings(&request.provider, &request.values)?)
}

#[tauri::command]
pub fn provider_setup(provider: String, state: State<'_, AppState>) -> Result<ProviderSetup, UserError> {
    Ok(state.services()?.apps.provider_setup(&provider)?)
}

#[tauri::command]
pub fn save_provider_setup(
    update: ProviderSetupUpdate,
    state: State<'_, AppState>,
) -> Result<ProviderSetup, UserError> {
    Ok(state.services()?.apps.save_provider_setup(&update)?)
}

#[tauri::command]
pub fn use_session_only_key(state: State<'_, AppState>) -> Result<(), UserError> {
    state.services()?.keys.use_session_only();
    Ok(())
}

#[tauri::command]
pub async fn refresh_connection(id: ConnectionId, state: State<'_, AppState>) -> Result<ConnectionView, UserError> {
    Ok(ConnectionView::from(&state.services()?.renewal.refresh_now(id).await?))
}

#[tauri::command]
pub async fn test_connection(id: ConnectionId, state: State<'_, AppState>) -> Result<ConnectionTest, UserError> {
    Ok(state.services()?.operations.test_connection(id).await?)
}

#[tauri::command]
pub fn set_connection_enabled(
    id: ConnectionId,
    enabled: bool,
    state: State<'_, AppState>,
) -> Result<ConnectionView, UserError> {
    Ok(ConnectionView::from(
        &state.services()?.operations.set_enabled(id, enabled)?,
    ))
}

#[tauri::command]
pub fn rename_connection(
    id: ConnectionId,
    label: Option<String>,
    state: State<'_, AppState>,
) -> Result<ConnectionView, UserError> {
    Ok(ConnectionView::from(&state.services()?.operations.rename(id, label)?))
}

#[tauri::command]
pub async fn delete_connection(id: ConnectionId, state: State<'_, AppState>) -> Result<DeleteOutcome, UserError> {
    Ok(state.services()?.operations.delete_connection(id).await?)
}

#[tauri::command]
pub fn connection_audit(id: ConnectionId, state: State<'_, AppState>) -> Result<Vec<AuditEntry>, UserError> {
    Ok(state.services()?.operations.audit_entries(Some(id))?)
}

/// Writes the audit log (one connection's, or all) under the data directory; answers the path.
#[tauri::command]
pub fn export_audit(id: Option<ConnectionId>, state: State<'_, AppState>) -> Result<String, UserError> {
    let written = state.services()?.operations.export_audit(id)?;
    Ok(written.display().to_string())
}

#[tauri::command]
pub fn pending_revocations(state: State<'_, AppState>) -> Result<Vec<PendingRevocation>, UserError> {
    Ok(state.services()?.revocations.pending()?)
}
