//! Browsing for pickers and Browse tabs: the kinds there are, a listing whose pages stream over
//! a channel as they arrive, and cancelling one. Each delegates to core's resources.

use switchboard_core::error::UserError;
use switchboard_core::resources::{ListRequest, ListingPage, ListingSummary, ResourceKind};
use tauri::ipc::Channel;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub fn resource_kinds(provider: Option<String>, state: State<'_, AppState>) -> Result<Vec<ResourceKind>, UserError> {
    Ok(state.services()?.resources.kinds(provider.as_deref()))
}

#[tauri::command]
pub async fn list_resources(
    listing: String,
    request: ListRequest,
    pages: Channel<ListingPage>,
    state: State<'_, AppState>,
) -> Result<ListingSummary, UserError> {
    let resources = &state.services()?.resources;
    let mut send = |page: ListingPage| {
        if let Err(error) = pages.send(page) {
            tracing::warn!(%error, "a listing page could not reach the window");
        }
    };
    Ok(resources.list(&listing, &request, &mut send).await?)
}

#[tauri::command]
pub fn cancel_listing(listing: String, state: State<'_, AppState>) -> Result<(), UserError> {
    Ok(state.services()?.resources.cancel(&listing)?)
}
