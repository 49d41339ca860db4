//! Connecting accounts: the Integrations page's cards and sign-ins, and the provider apps in
//! Settings. Each command delegates to core's connector.

use switchboard_core::connections::{
    browser_flow, credentials, device_flow, AuditEntry, ConnectMethod, ConnectRequest, Connection, ConnectionTest,
    CredentialsRequest, DeleteOutcome, FlowUpdate, Integration, PendingRevocation, ProviderSetup, ProviderSetupUpdate,
};
use switchboard_core::error::UserError;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub fn list_integrations(state: State<'_, AppState>) -> Result<Vec<Integration>, UserError> {
    state.connector()?.integrations()
}

#[tauri::command]
pub async fn start_connect(request: ConnectRequest, state: State<'_, AppState>) -> Result<FlowUpdate, UserError> {
    let connector = state.connector()?;
    match request.method {
        ConnectMethod::Browser => browser_flow::start(&connector, &request).await,
        ConnectMethod::DeviceCode => device_flow::start(&connector, &request).await,
    }
}

#[tauri::command]
pub fn cancel_connect(flow_id: String, state: State<'_, AppState>) -> Result<(), UserError> {
    state.connector()?.cancel(&flow_id)
}

#[tauri::command]
pub fn open_flow_in_browser(flow_id: String, state: State<'_, AppState>) -> Result<(), UserError> {
    state.connector()?.reopen(&flow_id)
}

#[tauri::command]
pub async fn connect_with_credentials(
    request: CredentialsRequest,
    state: State<'_, AppState>,
) -> Result<Connection, UserError> {
    let connector = state.connector()?;
    let connection = credentials::connect_with_credentials(&connector, &request).await?;
    connector.notify_connections_changed();
    Ok(connection)
}

#[tauri::command]
pub fn credential_warnings(request: CredentialsRequest, state: State<'_, AppState>) -> Result<Vec<String>, UserError> {
    let connector = state.connector()?;
    Ok(credentials::credential_warnings(
        connector.provider(&request.provider)?,
        &request.values,
    ))
}

#[tauri::command]
pub fn provider_setup(provider: String, state: State<'_, AppState>) -> Result<ProviderSetup, UserError> {
    state.connector()?.provider_setup(&provider)
}

#[tauri::command]
pub fn save_provider_setup(
    update: ProviderSetupUpdate,
    state: State<'_, AppState>,
) -> Result<ProviderSetup, UserError> {
    state.connector()?.save_provider_setup(&update)
}

#[tauri::command]
pub fn use_session_only_key(state: State<'_, AppState>) -> Result<(), UserError> {
    state.connector()?.use_session_only_key();
    Ok(())
}

#[tauri::command]
pub async fn refresh_connection(id: i64, state: State<'_, AppState>) -> Result<Connection, UserError> {
    state.connector()?.refresh_now(id).await
}

#[tauri::command]
pub async fn test_connection(id: i64, state: State<'_, AppState>) -> Result<ConnectionTest, UserError> {
    state.connector()?.test_connection(id).await
}

#[tauri::command]
pub fn set_connection_enabled(id: i64, enabled: bool, state: State<'_, AppState>) -> Result<Connection, UserError> {
    state.connector()?.set_enabled(id, enabled)
}

#[tauri::command]
pub fn rename_connection(id: i64, label: Option<String>, state: State<'_, AppState>) -> Result<Connection, UserError> {
    state.connector()?.rename(id, label)
}

#[tauri::command]
pub async fn delete_connection(id: i64, state: State<'_, AppState>) -> Result<DeleteOutcome, UserError> {
    state.connector()?.delete_connection(id).await
}

#[tauri::command]
pub fn connection_audit(id: i64, state: State<'_, AppState>) -> Result<Vec<AuditEntry>, UserError> {
    state.connector()?.audit_entries(Some(id))
}

/// Writes the audit log (one connection's, or all) under the data directory; answers the path.
#[tauri::command]
pub fn export_audit(id: Option<i64>, state: State<'_, AppState>) -> Result<String, UserError> {
    let written = state
        .connector()?
        .export_audit(id, &state.paths.data_dir.join("exports"))?;
    Ok(written.display().to_string())
}

#[tauri::command]
pub fn pending_revocations(state: State<'_, AppState>) -> Result<Vec<PendingRevocation>, UserError> {
    state.connector()?.pending_revocations()
}
