//! Settings › Model from the window: the model in use, saving a choice (its key to the vault),
//! listing a server's models, testing it, and finding Ollama on this computer. Each delegates
//! to core's model choice.

use switchboard_core::error::UserError;
use switchboard_core::llm::model::{
    LocalModelServer, ModelListRequest, ModelSettingsInput, ModelSettingsView, ModelTestReport,
};
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub fn model_settings(state: State<'_, AppState>) -> Result<ModelSettingsView, UserError> {
    Ok(state.services()?.models.view()?)
}

#[tauri::command]
pub fn save_model_settings(
    input: ModelSettingsInput,
    state: State<'_, AppState>,
) -> Result<ModelSettingsView, UserError> {
    Ok(state.services()?.models.save(input)?)
}

#[tauri::command]
pub async fn list_models(request: ModelListRequest, state: State<'_, AppState>) -> Result<Vec<String>, UserError> {
    Ok(state.services()?.models.list(request).await?)
}

#[tauri::command]
pub async fn test_model(state: State<'_, AppState>) -> Result<ModelTestReport, UserError> {
    Ok(state.services()?.models.test().await?)
}

#[tauri::command]
pub async fn find_local_model_server(state: State<'_, AppState>) -> Result<Option<LocalModelServer>, UserError> {
    Ok(state.services()?.models.find_local().await)
}
