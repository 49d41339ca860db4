//! A connection's status, derived (never stored) from its health, the clock, whether a refresh
//! is in flight and the scopes its products need; and when its token is due for renewal. Pure
//! functions of their inputs, so every case is a unit test with a chosen "now".

use super::{Connection, ConnectionStatus};
use crate::catalog::{AuthKind, Provider};

/// Renew this long before expiry at the most (and a fifth of the lifetime for short tokens).
pub const REFRESH_MARGIN_SECONDS: i64 = 5 * 60;
/// `expires_in` values are clamped to this range (SECURITY.md C6: computed at receipt).
pub const MIN_TOKEN_LIFETIME_SECONDS: i64 = 30;
pub const MAX_TOKEN_LIFETIME_SECONDS: i64 = 366 * 24 * 60 * 60;

/// `expires_at` for a token received `now` that lives `expires_in` seconds (absurd values clamped).
pub fn expires_at(now: i64, expires_in: Option<i64>) -> Option<i64> {
    expires_in.map(|seconds| now.saturating_add(seconds.clamp(MIN_TOKEN_LIFETIME_SECONDS, MAX_TOKEN_LIFETIME_SECONDS)))
}

/// How long before expiry a renewal is due: min(5 minutes, a fifth of the lifetime).
pub fn refresh_margin(connection: &Connection) -> i64 {
    match (connection.health.received_at, connection.expires_at) {
        (Some(received), Some(expires)) => REFRESH_MARGIN_SECONDS.min((expires - received).max(0) / 5),
        _ => REFRESH_MARGIN_SECONDS,
    }
}

/// The access token expires within the margin (tokens without expiry are never due).
pub fn refresh_due(connection: &Connection, now: i64) -> bool {
    connection
        .expires_at
        .is_some_and(|expires| expires - now <= refresh_margin(connection))
}

/// The scopes the connection's products need that it was not granted. Pasted keys and tokens
/// carry no scope list, so nothing can be said of them.
pub fn missing_scopes(connection: &Connection, provider: &Provider) -> Vec<String> {
    if !matches!(connection.auth_kind, AuthKind::Oauth2 | AuthKind::DeviceCode) {
        return Vec::new();
    }
    let wanted = super::scopes_for(provider, &connection.products);
    lacking(&connection.scopes, &wanted)
}

/// Which of `wanted` are not in `granted` (the ledger question the actions ask).
pub fn lacking(granted: &[String], wanted: &[String]) -> Vec<String> {
    wanted
        .iter()
        .filter(|scope| !granted.contains(scope))
        .cloned()
        .collect()
}

/// What the card shows, most pressing first.
pub fn evaluate(connection: &Connection, provider: Option<&Provider>, now: i64, refreshing: bool) -> ConnectionStatus {
    let health = &connection.health;
    if !connection.enabled {
        return ConnectionStatus::Disabled;
    }
    if let Some(reason) = &health.reauthorization_reason {
        return ConnectionStatus::NeedsReauthorization { reason: reason.clone() };
    }
    if refreshing {
        return ConnectionStatus::Refreshing;
    }
    if let Some(message) = &health.last_error {
        return ConnectionStatus::Error {
            message: message.clone(),
            configuration: health.error_is_configuration,
            next_retry_at: health.next_retry_at,
        };
    }
    let missing = provider
        .map(|provider| missing_scopes(connection, provider))
        .unwrap_or_default();
    if !missing.is_empty() {
        return ConnectionStatus::MissingScopes { missing };
    }
    match connection.expires_at {
        Some(expires_at) if refresh_due(connection, now) => ConnectionStatus::Expiring { expires_at },
        _ => ConnectionStatus::Connected,
    }
}

impl ConnectionStatus {
    /// The status in a few plain words (the CLI's column; the UI words its own).
    pub fn summary(&self) -> String {
        match self {
            Self::Connected => "connected".into(),
            Self::Refreshing => "refreshing".into(),
            Self::Expiring { .. } => "expiring, will renew".into(),
            Self::NeedsReauthorization { reason } => format!("needs re-authorization: {reason}"),
            Self::MissingScopes { missing } => format!("missing scopes: {}", missing.join(" ")),
            Self::Disabled => "disabled".into(),
            Self::Error { message, .. } => format!("error: {message}"),
        }
    }

    /// Whether the person should look at it (the sidebar badge counts these).
    pub fn needs_attention(&self) -> bool {
        matches!(
            self,
            Self::NeedsReauthorization { .. } | Self::MissingScopes { .. } | Self::Error { .. }
        )
    }
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
