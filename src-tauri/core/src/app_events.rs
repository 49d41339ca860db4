//! What the backend tells the UI without being asked. The shell delivers these over a typed
//! channel the UI subscribes to; each has a namespaced name (`area://what`).

use serde::Serialize;
use ts_rs::TS;

use crate::connections::events::ConnectionEvent;
use crate::connections::FlowUpdate;
use crate::oauth::DeepLinkReceipt;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "name", content = "payload")]
pub enum AppEvent {
    /// A `switchboard://` link reached the app (whatever became of it).
    #[serde(rename = "deep-links://received")]
    DeepLinkReceived(DeepLinkReceipt),
    /// A sign-in moved on (waiting, finishing, connected, failed, cancelled).
    #[serde(rename = "connections://flow")]
    ConnectFlow(Box<FlowUpdate>),
    /// Connections were added or changed: reload them.
    #[serde(rename = "connections://changed")]
    ConnectionsChanged,
    /// A conversation moved on by itself (a connection landed, a sign-in failed): reload it.
    #[serde(rename = "chat://changed")]
    ChatChanged { conversation: i64 },
    /// A model's answer grew as it streams: the whole text of `message` so far.
    #[serde(rename = "chat://streaming")]
    ChatStreaming {
        conversation: i64,
        message: i64,
        text: String,
    },
}

impl From<ConnectionEvent> for AppEvent {
    fn from(event: ConnectionEvent) -> Self {
        match event {
            ConnectionEvent::Flow(update) => Self::ConnectFlow(update),
            ConnectionEvent::Changed => Self::ConnectionsChanged,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::DeepLinkOutcome;

    #[test]
    fn events_carry_a_namespaced_name_and_a_payload() {
        let event = AppEvent::DeepLinkReceived(DeepLinkReceipt {
            received_at: 1,
            route: None,
            outcome: DeepLinkOutcome::NoPendingFlow,
        });
        let json = serde_json::to_value(&event).expect("events serialize");
        assert_eq!(
            json["name"], "deep-links://received",
            "the UI dispatches on the namespaced name"
        );
        assert_eq!(json["payload"]["outcome"]["kind"], "noPendingFlow");
    }
}
