//! Testing a connection: the provider is asked who the token belongs to (the catalogue's
//! identity request, or OpenID Connect userinfo for providers named by an id_token), renewing
//! once after a 401. Only the status and the two naming fields of an answer are read.

use std::collections::BTreeMap;
use std::time::Instant;

use super::super::error::ConnectionError as Error;
use super::super::identity::{identify, AccountIdentity, IdentityError};
use super::super::{Connection, ConnectionView};
use super::{ConnectionOperations, ConnectionTest};
use crate::catalog::{AuthKind, Provider};
use crate::error::{ErrorCode, UserError};
use crate::ids::ConnectionId;
use crate::oauth::http::{get_capped, host_of, secure_url};
use crate::sensitive::Sensitive;

impl ConnectionOperations {
    /// Asks the provider who the connection's token belongs to (the catalogue's identity
    /// request, or the OpenID userinfo endpoint), renewing first when due. A 401 renews once and
    /// asks again; refused again, the connection needs re-authorization. Failures at the
    /// provider are a result (`ok: false`); a connection that cannot be used (disabled, gone,
    /// keyring locked) is an error.
    #[tracing::instrument(skip_all, fields(id), err(level = "warn"))]
    pub async fn test_connection(&self, id: ConnectionId) -> Result<ConnectionTest, Error> {
        let connection = self.store.get(id)?;
        let provider = self.context.provider(&connection.provider)?.clone();
        let (ok, latency_ms, message) = match self.probe(&connection, &provider).await? {
            Probe::Answered { identity, latency_ms } if !same_account(&connection, &provider, &identity) => {
                let message = format!(
                    "{} answered as {}, not as the connected account {}; connect the account again.",
                    provider.name, identity.label, connection.account_label
                );
                (false, Some(latency_ms), message)
            }
            Probe::Answered { identity, latency_ms } => {
                let message = format!("{} answered as {} in {latency_ms} ms", provider.name, identity.label);
                (true, Some(latency_ms), message)
            }
            Probe::Failed { message, latency_ms } => (false, latency_ms, message),
        };
        self.store
            .audit(&connection, "test", if ok { "ok" } else { "failed" }, Some(&message));
        self.notifier.changed();
        Ok(ConnectionTest {
            ok,
            latency_ms,
            message,
            connection: ConnectionView::from(&self.store.get(id)?),
        })
    }

    async fn probe(&self, connection: &Connection, provider: &Provider) -> Result<Probe, Error> {
        let pasted = matches!(connection.auth_kind, AuthKind::ApiKey | AuthKind::BotToken);
        let token = match self.renewal.access_token(connection.id).await {
            Ok(token) => token,
            Err(error) => return not_at_the_provider(error, None),
        };
        let version = self.store.get(connection.id)?.health.token_version;
        let (first, latency_ms) = ask_identity(connection, provider, &token).await;
        let second = match first {
            Err(ref error) if is_unauthorized(error) && !pasted => {
                let renewed = match self.renewal.after_unauthorized(connection.id, version).await {
                    Ok(renewed) => renewed,
                    Err(error) => return not_at_the_provider(error, Some(latency_ms)),
                };
                match renewed == token {
                    true => (first, latency_ms), // nothing to renew it with: the refusal stands
                    false => ask_identity(connection, provider, &renewed).await,
                }
            }
            answer => (answer, latency_ms),
        };
        match second {
            (Err(error), latency_ms) if is_unauthorized(&error) => {
                self.renewal.refused_after_renewal(connection.id)?;
                Ok(Probe::Failed {
                    message: format!(
                        "{} refused the connection's access (HTTP 401); connect the account again.",
                        provider.name
                    ),
                    latency_ms: Some(latency_ms),
                })
            }
            (answer, latency_ms) => Ok(Probe::from_answer(provider, answer, latency_ms)),
        }
    }
}

/// What the identity request came to.
enum Probe {
    Answered { identity: AccountIdentity, latency_ms: u64 },
    Failed { message: String, latency_ms: Option<u64> },
}

impl Probe {
    fn from_answer(provider: &Provider, answer: Result<AccountIdentity, IdentityError>, latency_ms: u64) -> Self {
        match answer {
            Ok(identity) => Self::Answered { identity, latency_ms },
            Err(error) => Self::Failed {
                message: format!("{} did not pass the test: {error}.", provider.name),
                latency_ms: Some(latency_ms),
            },
        }
    }
}

/// A token that could not be had: a fact about this computer (disabled, gone, keyring) is an
/// error; one about the provider (renewal refused or unreachable) is a failed test.
fn not_at_the_provider(error: Error, latency_ms: Option<u64>) -> Result<Probe, Error> {
    match error.code() {
        ErrorCode::Disabled
        | ErrorCode::NotFound
        | ErrorCode::KeyringUnavailable
        | ErrorCode::Storage
        | ErrorCode::Internal => Err(error),
        _ => Ok(Probe::Failed {
            message: UserError::from(error).message,
            latency_ms,
        }),
    }
}

fn is_unauthorized(error: &IdentityError) -> bool {
    matches!(error, IdentityError::Rejected { status: 401, .. })
}

/// The identity request's answer names the connected account (checked where the connection
/// was named by the same request; OpenID accounts are named by their id_token instead).
fn same_account(connection: &Connection, provider: &Provider, identity: &AccountIdentity) -> bool {
    provider.identity_for(connection.auth_kind).is_none() || identity.id == connection.account_id
}

/// Sends the identity request with `token`; returns its answer and how long the request took
/// (the userinfo request only, not the discovery before it, unless discovery failed).
async fn ask_identity(
    connection: &Connection,
    provider: &Provider,
    token: &Sensitive<String>,
) -> (Result<AccountIdentity, IdentityError>, u64) {
    let elapsed_ms = |since: Instant| u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX);
    let started = Instant::now();
    if let Some(request) = provider.identity_for(connection.auth_kind) {
        let answer = identify(provider, request, token, &public_fields(connection)).await;
        return (answer, elapsed_ms(started));
    }
    let Some(issuer) = provider.oauth.as_ref().and_then(|oauth| oauth.issuer.as_deref()) else {
        return (Err(IdentityError::MissingField("identity".to_owned())), 0);
    };
    let endpoint = match userinfo_endpoint(issuer).await {
        Ok(endpoint) => endpoint,
        Err(error) => return (Err(error), elapsed_ms(started)),
    };
    let started = Instant::now();
    let answer = userinfo_identity(&endpoint, token).await;
    (answer, elapsed_ms(started))
}

/// The connection's non-secret form values (a project URL) for `{field}` placeholders.
fn public_fields(connection: &Connection) -> BTreeMap<String, String> {
    connection
        .config
        .as_object()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|(name, value)| Some((name.clone(), value.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// The issuer's userinfo endpoint, from discovery whose `issuer` must be the one asked (D10).
async fn userinfo_endpoint(issuer: &str) -> Result<String, IdentityError> {
    let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
    let host = secure_url(&url).map(|url| host_of(&url))?;
    let (status, body) = get_capped(&url).await?;
    let metadata: serde_json::Value =
        serde_json::from_slice(&body).map_err(|_| IdentityError::Unreadable { host: host.clone() })?;
    let endpoint = metadata.get("userinfo_endpoint").and_then(serde_json::Value::as_str);
    match (
        status,
        metadata.get("issuer").and_then(serde_json::Value::as_str),
        endpoint,
    ) {
        (200, Some(stated), Some(endpoint)) if stated == issuer => Ok(endpoint.to_owned()),
        _ => Err(IdentityError::Unreadable { host }),
    }
}

/// OpenID Connect userinfo: `sub` names the account, `email` (else `sub`) labels it.
async fn userinfo_identity(endpoint: &str, token: &Sensitive<String>) -> Result<AccountIdentity, IdentityError> {
    let claims = super::super::identity::get_json(endpoint, Some(token)).await?;
    let text = |name: &str| {
        let value = claims.get(name)?.as_str()?;
        let clean: String = value.chars().filter(|c| !c.is_control()).take(200).collect();
        (!clean.is_empty()).then_some(clean)
    };
    let id = text("sub").ok_or_else(|| IdentityError::MissingField("sub".to_owned()))?;
    let label = text("email").unwrap_or_else(|| id.clone());
    Ok(AccountIdentity { id, label })
}
