//! Connections and sign-ins as plain data; no secret ever lives in these types. `Connection` is
//! the entity the services work with (built from the stored `ConnectionRow`, with its account
//! identity, settings and renewal `Health`); it is never serialized. The rest are what the UI
//! and the CLI send and see (they serialize to the webview): the sign-in requests, the steps of
//! a sign-in (`FlowState`) and the Integrations page's cards (`Integration`), which carry a
//! connection as its `ConnectionView` (see `view.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::view::ConnectionView;
use crate::catalog::{AuthKind, Provider, RedirectKind};
use crate::db::connections::ConnectionRow;
use crate::error::{ErrorCode, UserError};
use crate::ids::{ConnectionId, ProviderId};

/// A connected account, as the services use it; the UI and the CLI see its `ConnectionView`.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    pub id: ConnectionId,
    pub provider: ProviderId,
    pub products: Vec<String>,
    pub auth_kind: AuthKind,
    /// How the account is named: an email, a login, a workspace or bot name.
    pub account_label: String,
    /// The stable identity the account is keyed by (issuer and subject, or the provider's
    /// user id); not secret, but of no use to the UI.
    pub account_id: String,
    /// As granted, which may be fewer than asked.
    pub scopes: Vec<String>,
    /// When the access token expires (Unix seconds), if it does.
    pub expires_at: Option<i64>,
    pub status: ConnectionStatus,
    /// Non-secret settings the connection was made with (a project URL).
    pub config: serde_json::Value,
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
    /// What token renewal keeps about it; of no use to the UI.
    pub health: Health,
}

impl From<ConnectionRow> for Connection {
    /// The stored connection; its status says only what is stored (connected, or needing
    /// re-authorization) until the store derives it as of now.
    fn from(row: ConnectionRow) -> Self {
        let status = match &row.reauthorization_reason {
            None => ConnectionStatus::Connected,
            Some(reason) => ConnectionStatus::NeedsReauthorization { reason: reason.clone() },
        };
        Self {
            id: row.id,
            provider: row.provider,
            products: row.products,
            auth_kind: row.auth_kind,
            account_label: row.account_label,
            account_id: row.account_id,
            scopes: row.scopes,
            expires_at: row.expires_at,
            status,
            config: row.config,
            session_only: row.session_only,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            label: row.label,
            enabled: row.enabled,
            refreshed_at: row.refreshed_at,
            health: Health {
                token_version: row.token_version,
                received_at: row.received_at,
                reauthorization_reason: row.reauthorization_reason,
                last_error: row.last_error,
                error_is_configuration: row.error_is_configuration,
                next_retry_at: row.next_retry_at,
                failures: row.failures,
            },
        }
    }
}

/// What token renewal keeps about a connection; the status is derived from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Health {
    /// Bumped by every token write: the refresh's compare-and-swap works on it.
    pub token_version: i64,
    /// When the current access token arrived: its lifetime is `expires_at - received_at`.
    pub received_at: Option<i64>,
    /// The stored verdict ("needs re-authorization" and why), before anything is derived.
    pub reauthorization_reason: Option<String>,
    pub last_error: Option<String>,
    /// The last error was the client's configuration (invalid_client), not the network.
    pub error_is_configuration: bool,
    pub next_retry_at: Option<i64>,
    pub failures: i64,
}

/// One of the states a person sees on the card and the sidebar badge, derived from the stored
/// health, the clock, refreshes in flight and the scopes the products need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum ConnectionStatus {
    Connected,
    /// Its tokens are being renewed right now.
    Refreshing,
    /// The access token expires soon and will be renewed.
    #[serde(rename_all = "camelCase")]
    Expiring {
        expires_at: i64,
    },
    /// The tokens cannot be used any more; `reason` says why, in plain words.
    NeedsReauthorization {
        reason: String,
    },
    /// Granted fewer scopes than its products need; re-authorizing asks for them.
    MissingScopes {
        missing: Vec<String>,
    },
    /// Turned off by the person: kept, but unused.
    Disabled,
    /// The last renewal failed for a reason that may pass; the connection works until its
    /// token expires. `configuration` means the client settings were refused (see Settings).
    #[serde(rename_all = "camelCase")]
    Error {
        message: String,
        configuration: bool,
        next_retry_at: Option<i64>,
    },
}

/// How to sign in with a provider that supports both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConnectMethod {
    /// Authorization code with PKCE in the system browser.
    Browser,
    /// A code typed on the provider's site (RFC 8628).
    DeviceCode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectRequest {
    pub provider: ProviderId,
    /// Product ids; empty means all of the provider's products.
    pub products: Vec<String>,
    pub method: ConnectMethod,
    /// Where the browser returns; `None` is the provider's setting or default.
    pub redirect: Option<RedirectKind>,
    /// Re-authorize this connection (same id, same account) instead of adding one: asks for
    /// what it was granted plus what its products (and those asked for) need.
    #[serde(default)]
    pub connection: Option<ConnectionId>,
    /// Scopes to ask for beyond what the products need: an action's that the connection was
    /// not granted (incremental consent; the rest stays as granted).
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// A key or token pasted into the provider's form. Its Debug names the fields, never their
/// values (they are secrets until the catalogue says otherwise).
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CredentialsRequest {
    pub provider: ProviderId,
    pub products: Vec<String>,
    /// Field id to value, as the catalogue's credential fields name them.
    pub values: BTreeMap<String, String>,
}

impl std::fmt::Debug for CredentialsRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsRequest")
            .field("provider", &self.provider)
            .field("products", &self.products)
            .field("fields", &self.values.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Where a sign-in is.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum FlowState {
    /// The browser was opened at `authorize_url` (which carries no secret).
    #[serde(rename_all = "camelCase")]
    WaitingForBrowser {
        authorize_url: String,
    },
    #[serde(rename_all = "camelCase")]
    WaitingForDeviceCode {
        user_code: String,
        verification_uri: String,
        expires_at: i64,
    },
    /// The browser came back; tokens are being fetched and checked.
    Finishing,
    Connected {
        // Boxed: a connection is far larger than the other states.
        connection: Box<ConnectionView>,
    },
    /// `message` is plain text for people; provider text in it is escaped by the UI. `code`
    /// says what to offer (NotConfigured: Settings; Network: try again).
    Failed {
        code: ErrorCode,
        message: String,
    },
    Cancelled,
}

impl FlowState {
    /// A sign-in that ended in `error`, as the window shows it (the boundary of a flow's events).
    pub fn failed(error: impl Into<UserError>) -> Self {
        let error: UserError = error.into();
        Self::Failed {
            code: error.code,
            message: error.message,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FlowUpdate {
    pub flow_id: String,
    pub provider: ProviderId,
    pub state: FlowState,
}

/// A provider as the Integrations page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Integration {
    pub provider: Provider,
    /// A browser or device sign-in can start: a client ID is configured (always true for
    /// providers connected with keys only).
    pub client_ready: bool,
    /// Whose OAuth client signs in: the person's own app, the overrides file's, or this build's.
    pub client_from: Option<super::ClientIdSource>,
    /// A browser sign-in can start now (else a device code, where offered, or a key).
    pub browser_ready: bool,
    pub connections: Vec<ConnectionView>,
}

#[cfg(test)]
impl Connection {
    /// A connected OAuth account for unit tests: token received at `received_at`, no scopes.
    pub(crate) fn for_test(id: i64, provider: &str, received_at: i64, expires_at: Option<i64>) -> Self {
        Self {
            id: ConnectionId(id),
            provider: provider.into(),
            products: Vec::new(),
            auth_kind: AuthKind::Oauth2,
            account_label: format!("account {id}"),
            account_id: format!("{provider}|{id}"),
            scopes: Vec::new(),
            expires_at,
            status: ConnectionStatus::Connected,
            config: serde_json::json!({}),
            session_only: false,
            created_at: received_at,
            last_used_at: None,
            label: None,
            enabled: true,
            refreshed_at: None,
            health: Health {
                received_at: Some(received_at),
                ..Health::default()
            },
        }
    }
}
