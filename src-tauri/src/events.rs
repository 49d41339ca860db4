//! Delivers core `AppEvent`s to the UI over the channels it subscribed with. A typed channel
//! rather than the global event bus: the webview is granted no `core:event` permission, so it
//! cannot listen to plugin broadcasts such as `deep-link://new-url`, which carry the whole
//! callback URL (authorization code included).

use std::sync::{Arc, Mutex, PoisonError};

use switchboard_core::app_events::AppEvent;
use tauri::ipc::Channel;

/// Cheap to clone: every clone publishes to the same subscribers.
#[derive(Default, Clone)]
pub struct EventHub {
    subscribers: Arc<Mutex<Vec<Channel<AppEvent>>>>,
}

impl EventHub {
    pub fn subscribe(&self, channel: Channel<AppEvent>) {
        self.lock().push(channel);
    }

    /// Sends to every subscriber, forgetting those that are gone (a reloaded page).
    pub fn publish(&self, event: &AppEvent) {
        self.lock().retain(|channel| channel.send(event.clone()).is_ok());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Channel<AppEvent>>> {
        self.subscribers.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
