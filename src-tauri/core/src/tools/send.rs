//! Sending an action's planned request: the connection's token (renewed once if refused with
//! 401, which means nothing was done), the provider's API headers, waits when the provider says
//! to slow down, and retries only where repeating cannot do a thing twice: reads (whatever their
//! method: Notion searches with a POST) and idempotent calls after 5xx, 429 and connection
//! failures; a write only when it was refused before being processed (401, 429) or never left
//! (connection refused). A write whose answer never came, or whose success began and was lost
//! (cut mid-body, or past the cap), is `Unknown` ("may have happened"), never sent again
//! (SECURITY.md F7, F13); a refusal whose body was lost is still the refusal its status says. A token the provider wants in the URL path (Telegram's `bot{token}`) is put there
//! only here, into the URL that is sent; the planned URL, shown for approval and named in
//! errors, keeps the slot.

use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use url::Url;

use super::actions::Answer;
use super::call::{Call, CallBody};
use super::catalog::SideEffect;
use super::error::ToolError;
use crate::catalog::{AuthKind, Provider};
use crate::connections::{Connection, RequestAuth, TokenRenewal};
use crate::oauth::http::{network_error, read_capped_to, HttpError};
use crate::resources::verdict::rate_limited;
use crate::resources::{ApiPolicy, Wait};
use crate::sensitive::Sensitive;

/// An action's answer is a record or a page of them; a file's content at most a few MB.
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// The token's place in a planned URL's path (`{token}`, as the URL encodes it).
const TOKEN_SLOT: &str = "%7Btoken%7D";
/// What is encoded of a token put in a path segment (Telegram's keep their `:`).
const TOKEN_IN_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b':');

/// One request of one run.
pub struct Sender<'a> {
    pub renewal: &'a TokenRenewal,
    pub connection: &'a Connection,
    pub provider: &'a Provider,
    pub client: &'a reqwest::Client,
    pub policy: &'a ApiPolicy,
    /// The action's: a read may be repeated whatever its method.
    pub side_effect: SideEffect,
}

enum Attempt {
    Answer(Answer),
    Unauthorized,
    /// Try again after the wait, if repeating is safe (`processed`: the provider may have
    /// acted on it).
    Again {
        seconds: Option<u64>,
        status: u16,
        processed: bool,
    },
    /// No answer: refused before it was sent (`processed` false), or lost after.
    Unreachable {
        error: HttpError,
        processed: bool,
    },
    Failed(ToolError),
}

impl Sender<'_> {
    /// Sends `call` with `token` (of stored `version`) and reads the answer.
    pub async fn send(&self, call: &Call, mut token: Sensitive<String>, version: i64) -> Result<Answer, ToolError> {
        let repeatable = call.method.is_idempotent() || self.side_effect == SideEffect::Read;
        let mut renewed = false;
        let mut tries = 0;
        loop {
            match self.attempt(call, &token).await {
                Attempt::Answer(answer) => return Ok(answer),
                Attempt::Failed(error) => return Err(error),
                Attempt::Unauthorized if renewed || self.is_pasted() => return Err(self.refused_access()),
                Attempt::Unauthorized => {
                    renewed = true;
                    let fresh = self.renewal.after_unauthorized(self.connection.id, version).await?;
                    if fresh == token {
                        return Err(self.refused_access());
                    }
                    token = fresh;
                }
                Attempt::Again { processed: true, .. } | Attempt::Unreachable { processed: true, .. }
                    if !repeatable =>
                {
                    return Err(self.unknown())
                }
                Attempt::Unreachable { error, .. } => {
                    tries += 1;
                    if tries >= self.policy.attempts {
                        return Err(self.unreachable(error));
                    }
                    tokio::time::sleep(self.policy.backoff(tries)).await;
                }
                Attempt::Again { seconds, status, .. } => {
                    tries += 1;
                    let wait = self.wait_for(seconds, tries, status)?;
                    tracing::info!(provider = %self.provider.id, status, wait_ms = wait.as_millis(), "action waits before trying again");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    async fn attempt(&self, call: &Call, token: &Sensitive<String>) -> Attempt {
        let auth = RequestAuth::of(self.provider, self.connection.auth_kind, &self.connection.config);
        let url = match auth.in_path() {
            true => match with_token_in_path(&call.url, token) {
                Ok(url) => url,
                Err(error) => return Attempt::Failed(error),
            },
            false => call.url.clone(),
        };
        let mut request = self.client.request(call.method.as_reqwest(), url);
        if !self
            .provider
            .api_headers
            .keys()
            .any(|name| name.eq_ignore_ascii_case("accept"))
        {
            request = request.header("Accept", "application/json");
        }
        for (name, value) in &self.provider.api_headers {
            request = request.header(name, value);
        }
        for (name, value) in &call.headers {
            request = request.header(name, value);
        }
        let has_content_type = call
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        request = match &call.body {
            // An action's own Content-Type (Slack's with its charset) is already set above.
            Some(CallBody::Json(json)) if has_content_type => request.body(json.to_string()),
            Some(CallBody::Json(json)) => request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(json.to_string()),
            Some(CallBody::Bytes {
                content_type, bytes, ..
            }) => request
                .header(reqwest::header::CONTENT_TYPE, content_type.as_str())
                .body(bytes.clone()),
            // GitHub asks for an explicit zero length on a PUT without a body.
            None if !matches!(call.method, super::call::Method::Get) => {
                request.header(reqwest::header::CONTENT_LENGTH, "0").body(Vec::new())
            }
            None => request,
        };
        request = auth.apply(request, token);
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                return Attempt::Unreachable {
                    error: network_error(&call.url, &error),
                    // Refused before it was sent: safe to repeat; otherwise it may have arrived.
                    processed: !error.is_connect(),
                };
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if let Some(seconds) = rate_limited(status, &headers, self.policy.clock.now()) {
            // 429 (and GitHub's limited 403) refuse before doing anything; a 503 may not.
            return Attempt::Again {
                seconds,
                status,
                processed: status == 503,
            };
        }
        if (500..600).contains(&status) {
            return Attempt::Again {
                seconds: None,
                status,
                processed: true,
            };
        }
        if status == 401 {
            return Attempt::Unauthorized;
        }
        let body = match read_capped_to(&call.url, response, MAX_ANSWER_BYTES).await {
            Ok(body) => body,
            // A refusal's status says enough, though its body was lost.
            Err(_) if !(200..300).contains(&status) => return self.refusal(status, &serde_json::Value::Null),
            // A success whose answer was lost: the write may have happened (or, as Slack's
            // `ok: false` does, been refused): only the person can tell.
            Err(_) if self.side_effect != SideEffect::Read => return Attempt::Failed(self.unknown()),
            // A read's answer too large stays too large; one cut short is asked for again.
            Err(error @ HttpError::TooLarge { .. }) => return Attempt::Failed(self.unreachable(error)),
            Err(error) => return Attempt::Unreachable { error, processed: true },
        };
        let json = if body.iter().all(u8::is_ascii_whitespace) {
            serde_json::Value::Null
        } else {
            match serde_json::from_slice(&body) {
                Ok(json) => json,
                Err(_) if !(200..300).contains(&status) => serde_json::Value::Null,
                Err(_) => {
                    return Attempt::Failed(ToolError::Unreadable {
                        provider: self.provider.name.clone(),
                    })
                }
            }
        };
        if !(200..300).contains(&status) || json.get("ok") == Some(&serde_json::Value::Bool(false)) {
            return self.refusal(status, &json);
        }
        Attempt::Answer(Answer { json })
    }

    /// A refusal in plain words: by status, and a few known reason words (never the body's text).
    fn refusal(&self, status: u16, json: &serde_json::Value) -> Attempt {
        let provider = self.provider.name.clone();
        let reason = json.get("error").and_then(serde_json::Value::as_str).map(|code| {
            code.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .take(40)
                .collect::<String>()
        });
        let text = json.to_string();
        let scope = [
            "insufficientPermissions",
            "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "insufficient_scope",
            "missing_scope",
        ]
        .iter()
        .any(|word| text.contains(word));
        if matches!(
            reason.as_deref(),
            Some("invalid_auth" | "not_authed" | "token_revoked" | "token_expired")
        ) {
            return Attempt::Unauthorized;
        }
        if reason.as_deref() == Some("ratelimited") {
            return Attempt::Again {
                seconds: None,
                status: 429,
                processed: false,
            };
        }
        let error = match status {
            // Slack: a bot token where only a person's token may act (setting a status).
            200 if reason.as_deref() == Some("not_allowed_token_type") => ToolError::Forbidden {
                provider,
                message: "only a token that acts as you can do this, not a bot's: connect Slack by \
                          signing in, or paste a user token (xoxp-)"
                    .into(),
            },
            403 | 200 if scope => ToolError::Forbidden {
                provider,
                message: "it needs access this account has not given".into(),
            },
            403 => ToolError::Forbidden {
                provider,
                message: "this account may not do that (HTTP 403)".into(),
            },
            // Telegram: a bot with a webhook gets its updates there, never from getUpdates.
            409 if text.contains("webhook is active") => ToolError::Refused {
                provider,
                status,
                message: "this bot has a webhook set, so Telegram sends its updates there and recent \
                          updates can't be read this way (HTTP 409)"
                    .into(),
            },
            404 => ToolError::Refused {
                provider,
                status,
                message: "it was not found, or this account cannot see it (HTTP 404)".into(),
            },
            422 | 400 => ToolError::Refused {
                provider,
                status,
                message: format!("it did not accept the fields (HTTP {status})"),
            },
            _ => ToolError::Refused {
                provider,
                status,
                message: match reason {
                    // Slack's channel_not_found, user_not_found, thread_not_found…
                    Some(reason) if reason.ends_with("_not_found") => {
                        format!("it was not found, or this account cannot see it (“{reason}”)")
                    }
                    Some(reason) if !reason.is_empty() => format!("“{reason}”"),
                    _ => format!("HTTP {status}"),
                },
            },
        };
        Attempt::Failed(error)
    }

    fn wait_for(&self, seconds: Option<u64>, tries: u32, status: u16) -> Result<Duration, ToolError> {
        let provider = self.provider.name.clone();
        match self.policy.wait(seconds, tries) {
            Wait::After(wait) => Ok(wait),
            Wait::GiveUp if matches!(status, 429 | 403) => Err(ToolError::RateLimited { provider }),
            Wait::GiveUp => Err(ToolError::Unavailable { provider, status }),
            Wait::TooLong { minutes } => Err(ToolError::WaitTooLong { provider, minutes }),
        }
    }

    fn is_pasted(&self) -> bool {
        matches!(self.connection.auth_kind, AuthKind::ApiKey | AuthKind::BotToken)
    }

    fn refused_access(&self) -> ToolError {
        if let Err(error) = self.renewal.refused_after_renewal(self.connection.id) {
            return error.into();
        }
        ToolError::AccessRefused {
            provider: self.provider.name.clone(),
        }
    }

    /// Where to check is the executor's to say (it knows what was being changed).
    fn unknown(&self) -> ToolError {
        ToolError::Unknown {
            provider: self.provider.name.clone(),
            check: None,
        }
    }

    fn unreachable(&self, error: HttpError) -> ToolError {
        ToolError::Network {
            provider: self.provider.name.clone(),
            error,
        }
    }
}

/// `planned` with the token in its `{token}` slot: the URL actually sent, never shown or logged.
fn with_token_in_path(planned: &Url, token: &Sensitive<String>) -> Result<Url, ToolError> {
    if !planned.path().contains(TOKEN_SLOT) {
        return Err(ToolError::Plan("the request has no place for the bot token".into()));
    }
    let encoded = utf8_percent_encode(token.expose(), TOKEN_IN_PATH).to_string();
    let mut url = planned.clone();
    url.set_path(&planned.path().replacen(TOKEN_SLOT, &encoded, 1));
    Ok(url)
}
