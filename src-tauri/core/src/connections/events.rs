//! What connections tell the window without being asked: a sign-in moved on, or connections
//! changed (reload them). The services say it through a `Notifier`; the app turns these into
//! its own events, so this module knows nothing of the app's.

use std::sync::Arc;

use super::FlowUpdate;

#[derive(Debug, Clone, PartialEq)]
pub enum ConnectionEvent {
    /// A sign-in moved on (waiting, finishing, connected, failed, cancelled).
    Flow(Box<FlowUpdate>),
    /// Connections were added or changed.
    Changed,
}

/// Where the services send their events. Cheap to clone.
#[derive(Clone)]
pub struct Notifier {
    sink: Arc<dyn Fn(ConnectionEvent) + Send + Sync>,
}

impl Notifier {
    pub fn new(sink: impl Fn(ConnectionEvent) + Send + Sync + 'static) -> Self {
        Self { sink: Arc::new(sink) }
    }

    /// Tells the window to reload connections.
    pub fn changed(&self) {
        (self.sink)(ConnectionEvent::Changed);
    }

    pub fn flow(&self, update: FlowUpdate) {
        (self.sink)(ConnectionEvent::Flow(Box::new(update)));
    }
}
