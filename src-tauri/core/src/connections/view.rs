//! What the UI and the CLI see of a connection: `ConnectionView`, the `Connection` of the
//! TypeScript bindings. It is built from the entity at the boundary (a shell command, the CLI's
//! output, a DTO such as `Integration` or `FlowState`) and leaves out what only the services use:
//! the account's stable identity, the settings it was made with and its renewal health.

use serde::Serialize;
use ts_rs::TS;

use super::{Connection, ConnectionStatus};
use crate::catalog::AuthKind;
use crate::ids::{ConnectionId, ProviderId};

/// A connected account.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Connection")]
pub struct ConnectionView {
    pub id: ConnectionId,
    pub provider: ProviderId,
    pub products: Vec<String>,
    pub auth_kind: AuthKind,
    /// How the account is named: an email, a login, a workspace or bot name.
    pub account_label: String,
    /// As granted, which may be fewer than asked.
    pub scopes: Vec<String>,
    /// When the access token expires (Unix seconds), if it does.
    pub expires_at: Option<i64>,
    pub status: ConnectionStatus,
    /// Made with a key that lives only in memory: forgotten when Switchboard quits.
    pub session_only: bool,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    /// The person's name for it ("work Gmail"), shown above the account.
    pub label: Option<String>,
    /// A disabled connection keeps its tokens, but nothing may use it.
    pub enabled: bool,
    /// When its tokens were last renewed, if ever.
    pub refreshed_at: Option<i64>,
}

impl From<&Connection> for ConnectionView {
    fn from(connection: &Connection) -> Self {
        Self {
            id: connection.id,
            provider: connection.provider.clone(),
            products: connection.products.clone(),
            auth_kind: connection.auth_kind,
            account_label: connection.account_label.clone(),
            scopes: connection.scopes.clone(),
            expires_at: connection.expires_at,
            status: connection.status.clone(),
            session_only: connection.session_only,
            created_at: connection.created_at,
            last_used_at: connection.last_used_at,
            label: connection.label.clone(),
            enabled: connection.enabled,
            refreshed_at: connection.refreshed_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_leaves_out_what_only_the_services_use() {
        let mut connection = Connection::for_test(7, "github", 1_000, Some(4_600));
        connection.config = serde_json::json!({ "site": "s-1" });
        let json = serde_json::to_value(ConnectionView::from(&connection)).expect("serializes");
        let keys: Vec<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "id",
                "provider",
                "products",
                "authKind",
                "accountLabel",
                "scopes",
                "expiresAt",
                "status",
                "sessionOnly",
                "createdAt",
                "lastUsedAt",
                "label",
                "enabled",
                "refreshedAt",
            ]
        );
        assert_eq!(json["id"], 7);
        assert_eq!(json["accountLabel"], "account 7");
    }
}
