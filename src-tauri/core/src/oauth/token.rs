//! Token requests (authorization code exchange, refresh, device code) and reading their
//! responses, with the providers' quirks: GitHub answers errors with HTTP 200 and an `error`
//! field, Slack with `"ok": false` (and the person's token under `authed_user`). Retries and time limits come from a `RequestPolicy`.
//! Nothing from a response body is logged or put in an error but the provider's own error code
//! and description.

use serde::Deserialize;
use url::Url;

use super::http::{host_of, secure_url, HttpError};
use super::retry::{send_with_retry, RequestPolicy};
use crate::catalog::{TokenAuth, TokenQuirk};
use crate::sensitive::Sensitive;

/// Who is asking: the client as registered with the provider.
pub struct TokenClient<'a> {
    pub token_url: &'a str,
    pub client_id: &'a str,
    pub client_secret: Option<&'a Sensitive<String>>,
    pub quirk: TokenQuirk,
    /// Where the client ID and secret go: the form body, or HTTP Basic (Notion).
    pub auth: TokenAuth,
}

/// What a token endpoint granted.
#[derive(Debug)]
pub struct TokenSet {
    pub access_token: Sensitive<String>,
    pub refresh_token: Option<Sensitive<String>>,
    /// Kept as received; its claims are checked by the id_token module.
    pub id_token: Option<Sensitive<String>>,
    pub token_type: Option<String>,
    /// Seconds from receipt; `None` when the provider did not say (SECURITY.md B8).
    pub expires_in: Option<i64>,
    /// Scopes as granted, which may be fewer than asked (B10); `None` when not stated.
    pub scope: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The grant (code or refresh token) is invalid, expired or revoked: sign in again.
    #[error("{host} no longer accepts this sign-in ({description}); connect the account again")]
    InvalidGrant { host: String, description: String },
    /// The client ID or secret is wrong: a configuration problem, not the person's.
    #[error("{host} does not recognise Switchboard's client settings ({description}); check the client ID and secret in Settings")]
    InvalidClient { host: String, description: String },
    #[error("{host} refused the request: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Rejected {
        host: String,
        error: String,
        description: Option<String>,
    },
    #[error("{host} answered with HTTP {status}")]
    Status { host: String, status: u16 },
    #[error("{host} sent a response that is not a token response")]
    Malformed { host: String },
    /// 429 or 5xx after the retries the policy allows (B1): the server's problem, for now.
    #[error("{}", unavailable_message(host, *status, *retry_after))]
    Unavailable {
        host: String,
        status: u16,
        /// Seconds the server asked to wait, when it said.
        retry_after: Option<u64>,
    },
}

fn unavailable_message(host: &str, status: u16, retry_after: Option<u64>) -> String {
    let what = if status == 429 {
        format!("{host} is receiving too many requests (HTTP 429)")
    } else {
        format!("{host} is having trouble (HTTP {status})")
    };
    match retry_after {
        Some(seconds) => format!("{what}; it asked to wait {seconds} seconds, try again after that"),
        None => format!("{what} and did not recover after a few tries; try again in a few minutes"),
    }
}

/// Exchanges an authorization code (with its PKCE verifier) for tokens.
pub async fn exchange_code(
    client: &TokenClient<'_>,
    code: &Sensitive<String>,
    redirect_uri: &str,
    verifier: &Sensitive<String>,
) -> Result<TokenSet, TokenError> {
    exchange_code_with(client, code, redirect_uri, verifier, &RequestPolicy::standard()).await
}

/// `exchange_code` with the time limit and retries of `policy`.
#[tracing::instrument(skip_all, fields(client_id = client.client_id), err(level = "warn"))]
pub async fn exchange_code_with(
    client: &TokenClient<'_>,
    code: &Sensitive<String>,
    redirect_uri: &str,
    verifier: &Sensitive<String>,
    policy: &RequestPolicy,
) -> Result<TokenSet, TokenError> {
    let form = vec![
        ("grant_type", "authorization_code"),
        ("code", code.expose().as_str()),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier.expose().as_str()),
    ];
    request_tokens(client, form, policy).await
}

/// Trades a refresh token for fresh tokens.
pub async fn refresh(client: &TokenClient<'_>, refresh_token: &Sensitive<String>) -> Result<TokenSet, TokenError> {
    refresh_with(client, refresh_token, &RequestPolicy::standard()).await
}

/// `refresh` with the time limit and retries of `policy`.
#[tracing::instrument(skip_all, fields(client_id = client.client_id), err(level = "warn"))]
pub async fn refresh_with(
    client: &TokenClient<'_>,
    refresh_token: &Sensitive<String>,
    policy: &RequestPolicy,
) -> Result<TokenSet, TokenError> {
    let form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.expose().as_str()),
    ];
    request_tokens(client, form, policy).await
}

/// POSTs `form` to the token endpoint with the client's credentials where the provider wants
/// them, retrying as `policy` allows, and reads the answer with the provider's quirk.
pub(crate) async fn request_tokens(
    client: &TokenClient<'_>,
    mut form: Vec<(&str, &str)>,
    policy: &RequestPolicy,
) -> Result<TokenSet, TokenError> {
    let url = secure_url(client.token_url)?;
    let secret = client.client_secret.map(|secret| secret.expose().as_str());
    let basic = match client.auth {
        TokenAuth::Post => {
            form.push(("client_id", client.client_id));
            if let Some(secret) = secret {
                form.push(("client_secret", secret));
            }
            None
        }
        TokenAuth::Basic => Some((client.client_id, secret)),
    };
    let answer = send_with_retry(&url, policy, |http| {
        let request = http.post(url.clone()).header("Accept", "application/json").form(&form);
        match basic {
            Some((id, secret)) => request.basic_auth(id, secret),
            None => request,
        }
    })
    .await?;
    if answer.is_unavailable() {
        return Err(TokenError::Unavailable {
            host: host_of(&url),
            status: answer.status,
            retry_after: answer.retry_after,
        });
    }
    parse_token_response(&url, answer.status, &answer.body, client.quirk)
}

#[derive(Deserialize)]
struct RawResponse {
    access_token: Option<String>,
    refresh_token: Option<String>,
    id_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<serde_json::Value>,
    scope: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    ok: Option<bool>,
    /// Slack's answer to a sign-in for the person (`user_scope`): their token is in here, and
    /// the top level has no `access_token` (a refresh answers at the top level).
    authed_user: Option<PersonToken>,
}

#[derive(Deserialize)]
struct PersonToken {
    access_token: Option<String>,
    refresh_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<serde_json::Value>,
    scope: Option<String>,
}

impl RawResponse {
    /// Slack's person token in place of the top level's, when the answer carries one.
    fn with_person_token(mut self, quirk: TokenQuirk) -> Self {
        let person = self.authed_user.take().filter(|person| person.access_token.is_some());
        match person {
            Some(person) if quirk == TokenQuirk::SlackOk => Self {
                access_token: person.access_token,
                refresh_token: person.refresh_token,
                token_type: person.token_type,
                expires_in: person.expires_in,
                scope: person.scope,
                ..self
            },
            _ => self,
        }
    }
}

pub(crate) fn parse_token_response(
    url: &Url,
    status: u16,
    body: &[u8],
    quirk: TokenQuirk,
) -> Result<TokenSet, TokenError> {
    let host = host_of(url);
    let Ok(raw) = serde_json::from_slice::<RawResponse>(body) else {
        return Err(if (200..300).contains(&status) {
            TokenError::Malformed { host }
        } else {
            TokenError::Status { host, status }
        });
    };
    let raw = raw.with_person_token(quirk);
    let failed_ok = quirk == TokenQuirk::SlackOk && raw.ok != Some(true);
    if let Some(error) = raw
        .error
        .filter(|_| status >= 400 || quirk != TokenQuirk::Standard || failed_ok)
    {
        return Err(classify(host, error, raw.error_description));
    }
    if failed_ok {
        return Err(TokenError::Malformed { host });
    }
    if !(200..300).contains(&status) {
        return Err(TokenError::Status { host, status });
    }
    let access_token = raw
        .access_token
        .filter(|token| !token.is_empty())
        .ok_or(TokenError::Malformed { host })?;
    Ok(TokenSet {
        access_token: Sensitive::new(access_token),
        refresh_token: raw.refresh_token.map(Sensitive::new),
        id_token: raw.id_token.map(Sensitive::new),
        token_type: raw.token_type,
        expires_in: raw.expires_in.as_ref().and_then(seconds),
        scope: raw.scope,
    })
}

/// `expires_in` in seconds, given as a number or a numeric string. Zero or less is kept: the
/// token is already due (its expiry is clamped up to the shortest lifetime, never dropped,
/// which would read as "never expires" and leave the token to fail with a 401).
fn seconds(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(number) => number.as_i64().or_else(|| number.as_f64().map(whole_seconds)),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A fractional or huge lifetime in whole seconds (saturating at the ends of `i64`).
fn whole_seconds(seconds: f64) -> i64 {
    // `as` saturates on overflow and maps NaN to 0, which is what a lifetime wants here.
    seconds.floor() as i64
}

pub(crate) fn classify(host: String, error: String, description: Option<String>) -> TokenError {
    let description_or = |fallback: &str| description.clone().unwrap_or_else(|| fallback.to_owned());
    match error.as_str() {
        "invalid_grant" | "bad_verification_code" | "invalid_refresh_token" | "bad_refresh_token" => {
            TokenError::InvalidGrant {
                description: description_or(&error),
                host,
            }
        }
        "invalid_client" | "incorrect_client_credentials" | "invalid_client_id" | "bad_client_secret" => {
            TokenError::InvalidClient {
                description: description_or(&error),
                host,
            }
        }
        _ => TokenError::Rejected {
            host,
            error,
            description,
        },
    }
}

#[cfg(test)]
#[path = "token_tests.rs"]
mod tests;
