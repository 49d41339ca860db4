//! What the window and the CLI show of each action: its description, schema, needs in plain
//! words, the policy that applies and, for a connection, which needs it was not granted.

use serde::Serialize;
use ts_rs::TS;

use super::catalog::{Action, ActionMeta};
use super::policy::Policy;
use crate::catalog::{AuthKind, Provider};
use crate::connections::Connection;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActionInfo {
    #[serde(flatten)]
    #[ts(flatten)]
    pub meta: ActionMeta,
    /// The parameters' JSON Schema, for a form (pickers marked `x-resource-picker`).
    #[ts(type = "unknown")]
    pub schema: serde_json::Value,
    /// What it needs of the account, in plain words.
    pub needs: Vec<String>,
    /// Whether it runs, asks or never runs (for the connection, else for every account).
    pub policy: Policy,
    /// "Always allow" may be chosen (never for a destructive action).
    pub can_always_allow: bool,
    /// The scopes the connection would have to be granted (empty when none are missing).
    pub missing_scopes: Vec<String>,
}

impl ActionInfo {
    pub fn new(action: &Action, provider: Option<&Provider>, connection: Option<&Connection>, policy: Policy) -> Self {
        let needs = action
            .meta
            .scopes
            .iter()
            .filter_map(|need| need.first())
            .map(|scope| in_words(provider, scope))
            .collect();
        Self {
            meta: action.meta.clone(),
            schema: action.schema.clone(),
            needs,
            policy,
            can_always_allow: Policy::Allow.allowed_for(action.meta.must_ask()),
            missing_scopes: connection.map(|c| missing_scopes(action, c)).unwrap_or_default(),
        }
    }
}

/// For each need the connection has no scope for, its narrowest scope. Pasted keys carry no
/// scope list: nothing can be said of them, so nothing is missing.
pub fn missing_scopes(action: &Action, connection: &Connection) -> Vec<String> {
    if !matches!(connection.auth_kind, AuthKind::Oauth2 | AuthKind::DeviceCode) {
        return Vec::new();
    }
    action
        .meta
        .scopes
        .iter()
        .filter(|need| !need.iter().any(|scope| connection.scopes.contains(scope)))
        .filter_map(|need| need.first().cloned())
        .collect()
}

/// A scope as the provider's catalogue describes it ("See your profile"), else its name.
pub fn in_words(provider: Option<&Provider>, scope: &str) -> String {
    provider
        .and_then(|provider| provider.scope_descriptions.get(scope))
        .cloned()
        .unwrap_or_else(|| format!("use “{scope}”"))
}
