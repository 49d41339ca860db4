//! The device authorization grant (RFC 8628): ask the provider for a user code, then poll its
//! token endpoint until the person approves, declines, the code expires, or the caller cancels
//! (SECURITY.md C11, C12). Waits count in the policy's `second`, so tests run in milliseconds.
//! It shows nothing and stores nothing: the caller displays the code and keeps the tokens.

use serde::Deserialize;
use tokio::sync::watch;

use super::http::{host_of, secure_url};
use super::retry::{send_with_retry, RequestPolicy};
use super::token::{classify, request_tokens, TokenClient, TokenError, TokenSet};
use crate::sensitive::Sensitive;

/// RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default."
pub const DEFAULT_INTERVAL: u64 = 5;
/// RFC 8628 §3.5: each `slow_down` adds 5 seconds to the interval.
pub const SLOW_DOWN_STEP: u64 = 5;
/// Lifetime assumed when a server leaves out the (required) `expires_in`.
pub const DEFAULT_EXPIRES_IN: u64 = 600;
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// What the device authorization endpoint gave: a secret device code for polling and a user
/// code for the person to enter at `verification_uri`.
pub struct DeviceAuthorization {
    pub device_code: Sensitive<String>,
    /// Shown to the person; never logged (Debug hides it).
    pub user_code: String,
    pub verification_uri: String,
    /// The URI with the user code in it, when the server offers one.
    pub verification_uri_complete: Option<String>,
    /// Seconds until both codes expire.
    pub expires_in: u64,
    /// Seconds to wait between polls (5 when the server did not say).
    pub interval: u64,
}

impl std::fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("device_code", &self.device_code)
            .field("user_code", &"<redacted>")
            .field("verification_uri", &self.verification_uri)
            .field(
                "verification_uri_complete",
                &self.verification_uri_complete.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The endpoint failed or refused: unreachable, unavailable, client settings, malformed.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// `expired_token`, or `expires_in` passed while polling.
    #[error("The code expired before it was entered; start again")]
    Expired,
    /// `access_denied`: the person said no.
    #[error("You declined access to {host}; nothing was connected. Start again if that was not intended")]
    Denied { host: String },
    /// The caller asked polling to stop.
    #[error("Connecting was cancelled")]
    Cancelled,
}

/// Asks `device_authorization_url` for a device code and a user code, with the standard policy.
pub async fn start(
    device_authorization_url: &str,
    client_id: &str,
    scopes: &[String],
    scope_separator: &str,
) -> Result<DeviceAuthorization, DeviceError> {
    start_with(
        device_authorization_url,
        client_id,
        scopes,
        scope_separator,
        &RequestPolicy::standard(),
    )
    .await
}

/// `start` with the time limit and retries of `policy`. Sends `Accept: application/json`
/// (GitHub answers form-encoded otherwise) and still reads a form-encoded answer.
#[tracing::instrument(skip_all, fields(client_id = client_id), err(level = "warn"))]
pub async fn start_with(
    device_authorization_url: &str,
    client_id: &str,
    scopes: &[String],
    scope_separator: &str,
    policy: &RequestPolicy,
) -> Result<DeviceAuthorization, DeviceError> {
    let url = secure_url(device_authorization_url).map_err(TokenError::from)?;
    let scope = scopes.join(scope_separator);
    let mut form = vec![("client_id", client_id)];
    if !scope.is_empty() {
        form.push(("scope", scope.as_str()));
    }
    let answer = send_with_retry(&url, policy, |http| {
        http.post(url.clone()).header("Accept", "application/json").form(&form)
    })
    .await
    .map_err(TokenError::from)?;
    let host = host_of(&url);
    if answer.is_unavailable() {
        return Err(TokenError::Unavailable {
            host,
            status: answer.status,
            retry_after: answer.retry_after,
        }
        .into());
    }
    parse_device_authorization(host, answer.status, &answer.body).map_err(DeviceError::from)
}

#[derive(Deserialize, Default)]
struct RawAuthorization {
    device_code: Option<String>,
    user_code: Option<String>,
    verification_uri: Option<String>,
    /// Google's name for `verification_uri`.
    verification_url: Option<String>,
    verification_uri_complete: Option<String>,
    expires_in: Option<serde_json::Value>,
    interval: Option<serde_json::Value>,
    error: Option<String>,
    error_description: Option<String>,
}

impl RawAuthorization {
    fn from_form(body: &[u8]) -> Self {
        let mut raw = Self::default();
        for (name, value) in url::form_urlencoded::parse(body) {
            let value = Some(value.into_owned());
            match name.as_ref() {
                "device_code" => raw.device_code = value,
                "user_code" => raw.user_code = value,
                "verification_uri" => raw.verification_uri = value,
                "verification_uri_complete" => raw.verification_uri_complete = value,
                "expires_in" => raw.expires_in = value.map(serde_json::Value::String),
                "interval" => raw.interval = value.map(serde_json::Value::String),
                "error" => raw.error = value,
                "error_description" => raw.error_description = value,
                _ => {}
            }
        }
        raw
    }
}

pub(crate) fn parse_device_authorization(
    host: String,
    status: u16,
    body: &[u8],
) -> Result<DeviceAuthorization, TokenError> {
    let raw = serde_json::from_slice::<RawAuthorization>(body).unwrap_or_else(|_| RawAuthorization::from_form(body));
    if let Some(error) = raw.error {
        return Err(classify(host, error, raw.error_description));
    }
    if !(200..300).contains(&status) {
        return Err(TokenError::Status { host, status });
    }
    // The person is sent to these addresses: only https (or loopback, for tests).
    let web_address = |uri: Option<String>| uri.filter(|uri| secure_url(uri).is_ok());
    let (Some(device_code), Some(user_code), Some(verification_uri)) = (
        raw.device_code.filter(|code| !code.is_empty()),
        raw.user_code.filter(|code| !code.is_empty()),
        web_address(raw.verification_uri.or(raw.verification_url)),
    ) else {
        return Err(TokenError::Malformed { host });
    };
    Ok(DeviceAuthorization {
        device_code: Sensitive::new(device_code),
        user_code,
        verification_uri,
        verification_uri_complete: web_address(raw.verification_uri_complete),
        expires_in: raw.expires_in.as_ref().and_then(seconds).unwrap_or(DEFAULT_EXPIRES_IN),
        interval: raw.interval.as_ref().and_then(seconds).unwrap_or(DEFAULT_INTERVAL),
    })
}

/// A positive number of seconds, given as a number or a numeric string.
fn seconds(value: &serde_json::Value) -> Option<u64> {
    let seconds = match value {
        serde_json::Value::Number(number) => number.as_u64(),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }?;
    (seconds > 0).then_some(seconds)
}

/// Polls the token endpoint for `authorization` until the person approves (tokens), declines
/// (`Denied`), the code expires (`Expired`, also when `expires_in` passes), or `cancel` turns
/// `true` or its sender is dropped (`Cancelled`, at once, even mid-request). Waits `interval`
/// before each poll and 5 more after each `slow_down`; intervals and `expires_in` count in
/// `policy.second`. Errors answered with HTTP 200 (GitHub) are read through the client's quirk.
#[tracing::instrument(skip_all, fields(client_id = client.client_id), err(level = "warn"))]
pub async fn poll(
    client: &TokenClient<'_>,
    authorization: &DeviceAuthorization,
    policy: &RequestPolicy,
    mut cancel: watch::Receiver<bool>,
) -> Result<TokenSet, DeviceError> {
    let lifetime = policy.seconds(authorization.expires_in);
    tokio::select! {
        biased;
        _ = cancel.wait_for(|cancelled| *cancelled) => Err(DeviceError::Cancelled),
        polled = tokio::time::timeout(lifetime, poll_until_answered(client, authorization, policy)) => {
            polled.unwrap_or(Err(DeviceError::Expired))
        }
    }
}

async fn poll_until_answered(
    client: &TokenClient<'_>,
    authorization: &DeviceAuthorization,
    policy: &RequestPolicy,
) -> Result<TokenSet, DeviceError> {
    let mut interval = authorization.interval.max(1);
    loop {
        tokio::time::sleep(policy.seconds(interval)).await;
        let form = vec![
            ("grant_type", DEVICE_CODE_GRANT),
            ("device_code", authorization.device_code.expose().as_str()),
        ];
        let error = match request_tokens(client, form, policy).await {
            Ok(tokens) => return Ok(tokens),
            Err(error) => error,
        };
        match &error {
            TokenError::Rejected { error: code, .. } if code == "authorization_pending" => {}
            TokenError::Rejected { error: code, .. } if code == "slow_down" => {
                interval = interval.saturating_add(SLOW_DOWN_STEP);
                tracing::info!(interval, "device flow: asked to slow down");
            }
            TokenError::Rejected { error: code, .. } if code == "expired_token" => return Err(DeviceError::Expired),
            TokenError::Rejected { error: code, host, .. } if code == "access_denied" => {
                return Err(DeviceError::Denied { host: host.clone() })
            }
            _ => return Err(error.into()),
        }
    }
}

#[cfg(test)]
#[path = "device_tests.rs"]
mod tests;
