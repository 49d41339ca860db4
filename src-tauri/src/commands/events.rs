//! Subscribing the UI to app events.

use switchboard_core::app_events::AppEvent;
use tauri::ipc::Channel;
use tauri::State;

use crate::events::EventHub;

#[tauri::command]
pub fn subscribe_events(channel: Channel<AppEvent>, hub: State<'_, EventHub>) {
    hub.subscribe(channel);
}
