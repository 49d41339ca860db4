//! Sending a listing's GET requests: the connection's token (renewed once when refused), the
//! provider's headers, waits when the provider says to slow down (429 or 503 with
//! Retry-After in seconds or as an HTTP date; GitHub's 403/429 with `retry-after` or an
//! exhausted `x-ratelimit-remaining`), retries of 5xx (GETs are safe to repeat), a size cap,
//! cancellation at any await, and refusals told in plain words. Slack's `ok:false` answers
//! (HTTP 200) are read as the refusals they are. Nothing of a response body reaches an error.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::sync::Notify;
use url::Url;

use super::source::ApiAnswer;
use crate::catalog::{AuthKind, CredentialPlacement, Provider};
use crate::clock::{Clock, SystemClock};
use crate::connections::{Connection, Connector};
use crate::error::{ErrorCode, UserError};
use crate::oauth::http::{auth_client_with_timeout, host_of, network_error, HttpError};
use crate::oauth::retry::retry_after_seconds;
use crate::vault::Sensitive;

/// A listing page can be large (a Drive page of 1,000 files, a project's OpenAPI document).
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// How listings talk to providers, and how much one gathers.
#[derive(Clone)]
pub struct ApiPolicy {
    /// The most items one listing gathers (SECURITY.md F9); a person searches rather than
    /// scrolls past this, and the list says it stopped there.
    pub max_items: usize,
    pub timeout: Duration,
    /// Waits (rate limits) and retries (5xx) in all, per request.
    pub attempts: u32,
    /// The longest wait honored, in seconds; a provider asking for longer gets an error that
    /// says how long.
    pub max_wait_seconds: u64,
    /// How long one protocol second lasts (a real second in the app; milliseconds in tests).
    pub second: Duration,
    pub clock: Arc<dyn Clock>,
}

impl Default for ApiPolicy {
    fn default() -> Self {
        Self {
            max_items: 50_000,
            timeout: Duration::from_secs(30),
            attempts: 4,
            max_wait_seconds: 60,
            second: Duration::from_secs(1),
            clock: Arc::new(SystemClock),
        }
    }
}

/// Set when the person no longer wants the listing; every wait ends at once.
#[derive(Clone, Default)]
pub struct Cancel(Arc<(AtomicBool, Notify)>);

impl Cancel {
    pub fn cancel(&self) {
        self.0 .0.store(true, Ordering::SeqCst);
        self.0 .1.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0 .0.load(Ordering::SeqCst)
    }

    pub(super) fn inner(&self) -> &Arc<(AtomicBool, Notify)> {
        &self.0
    }

    /// Returns once cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0 .1.notified(); // registered before the check: no lost wake-up
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// Why a request gave no answer.
#[derive(Debug)]
pub enum Stop {
    Cancelled,
    Failed(UserError),
}

impl From<UserError> for Stop {
    fn from(error: UserError) -> Self {
        Self::Failed(error)
    }
}

/// Sends GETs for one listing on one connection.
pub struct Caller<'a> {
    pub connector: &'a Connector,
    pub connection: &'a Connection,
    pub provider: &'a Provider,
    pub client: &'a reqwest::Client,
    pub policy: &'a ApiPolicy,
    pub cancel: &'a Cancel,
}

/// What one try came to.
enum Attempt {
    Answer(ApiAnswer),
    Unauthorized,
    Wait { seconds: Option<u64>, status: u16 },
    Refused(UserError),
}

impl Caller<'_> {
    /// GETs `url` and reads the JSON answer, waiting, retrying and renewing as needed.
    pub async fn get(&self, url: &Url) -> Result<ApiAnswer, Stop> {
        let id = self.connection.id;
        let mut token = self.until_cancelled(self.connector.access_token(id)).await??;
        let mut renewed = false;
        let mut tries = 0;
        loop {
            let version = self.connector.connection(id)?.health.token_version;
            match self.until_cancelled(self.attempt(url, &token)).await?? {
                Attempt::Answer(answer) => return Ok(answer),
                Attempt::Refused(error) => return Err(Stop::Failed(error)),
                Attempt::Unauthorized if renewed || self.is_pasted() => return Err(self.refused_access()),
                Attempt::Unauthorized => {
                    renewed = true;
                    let fresh = self
                        .until_cancelled(self.connector.after_unauthorized(id, version))
                        .await??;
                    if fresh == token {
                        return Err(self.refused_access()); // nothing to renew it with
                    }
                    token = fresh;
                }
                Attempt::Wait { seconds, status } => {
                    tries += 1;
                    let wait = self.wait_for(seconds, tries, status)?;
                    tracing::info!(host = %host_of(url), status, wait_ms = wait.as_millis(), "provider asked to wait");
                    self.until_cancelled(tokio::time::sleep(wait)).await?;
                }
            }
        }
    }

    async fn until_cancelled<T>(&self, work: impl std::future::Future<Output = T>) -> Result<T, Stop> {
        tokio::select! {
            biased;
            () = self.cancel.cancelled() => Err(Stop::Cancelled),
            done = work => Ok(done),
        }
    }

    async fn attempt(&self, url: &Url, token: &Sensitive<String>) -> Result<Attempt, UserError> {
        let mut call = self.client.get(url.clone()).header("Accept", "application/json");
        for (name, value) in &self.provider.api_headers {
            call = call.header(name, value);
        }
        if self.provider.identity.as_ref().map(|identity| &identity.placement)
            == Some(&CredentialPlacement::ApiKeyHeader)
        {
            call = call.header("apikey", token.expose()); // Supabase wants the key twice
        }
        let response = call
            .bearer_auth(token.expose())
            .send()
            .await
            .map_err(|error| self.network(network_error(url, &error)))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if let Some(seconds) = self.rate_limited(status, &headers) {
            return Ok(Attempt::Wait { seconds, status });
        }
        if matches!(status, 500 | 502 | 503 | 504) {
            return Ok(Attempt::Wait { seconds: None, status });
        }
        if status == 401 {
            return Ok(Attempt::Unauthorized);
        }
        let body = read_page(url, response).await.map_err(|error| self.network(error))?;
        if !(200..300).contains(&status) {
            return Ok(Attempt::Refused(self.refusal(status, &body)));
        }
        let json: serde_json::Value = serde_json::from_slice(&body).map_err(|_| {
            UserError::new(
                ErrorCode::ProviderRejected,
                format!("{} answered in a way Switchboard could not read.", self.provider.name),
            )
        })?;
        if json.get("ok") == Some(&serde_json::Value::Bool(false)) {
            return Ok(self.slack_refusal(&json));
        }
        let link_next = headers
            .get("link")
            .and_then(|value| value.to_str().ok())
            .and_then(link_next);
        Ok(Attempt::Answer(ApiAnswer { json, link_next }))
    }

    /// Seconds to wait when the answer says to slow down (`Some(None)`: no time given).
    fn rate_limited(&self, status: u16, headers: &HeaderMap) -> Option<Option<u64>> {
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        let now = self.policy.clock.now();
        let retry_after = header("retry-after").and_then(|value| retry_after_seconds(value, header("date"), now));
        let exhausted = header("x-ratelimit-remaining") == Some("0");
        let until_reset = header("x-ratelimit-reset")
            .and_then(|reset| reset.trim().parse::<i64>().ok())
            .map(|reset| u64::try_from(reset - now).unwrap_or(0));
        match status {
            429 => Some(retry_after.or(until_reset)),
            503 if retry_after.is_some() => Some(retry_after),
            // GitHub: a secondary limit carries retry-after; the primary one, remaining 0.
            403 if retry_after.is_some() => Some(retry_after),
            403 if exhausted => Some(until_reset),
            _ => None,
        }
    }

    /// The wait before try `tries`, or the error when the provider asks for too long.
    fn wait_for(&self, seconds: Option<u64>, tries: u32, status: u16) -> Result<Duration, Stop> {
        let name = &self.provider.name;
        if tries >= self.policy.attempts {
            let message = match status {
                429 | 403 => format!("{name} is limiting requests right now; try again in a minute."),
                _ => format!("{name} could not answer (HTTP {status}); try again later."),
            };
            return Err(Stop::Failed(UserError::new(ErrorCode::Network, message)));
        }
        if let Some(seconds) = seconds.filter(|&seconds| seconds > self.policy.max_wait_seconds) {
            let minutes = seconds.div_ceil(60);
            return Err(Stop::Failed(UserError::new(
                ErrorCode::Network,
                format!("{name} asks Switchboard to wait {minutes} min before listing more; try again then."),
            )));
        }
        // No time given: 1, 2, 4… seconds.
        let seconds = seconds.unwrap_or(1 << (tries - 1).min(5));
        Ok(self
            .policy
            .second
            .saturating_mul(u32::try_from(seconds).unwrap_or(u32::MAX)))
    }

    fn is_pasted(&self) -> bool {
        matches!(self.connection.auth_kind, AuthKind::ApiKey | AuthKind::BotToken)
    }

    /// The renewed token (or a pasted key) was refused: the connection needs signing in again.
    fn refused_access(&self) -> Stop {
        if let Err(error) = self.connector.refused_after_renewal(self.connection.id) {
            return Stop::Failed(error);
        }
        Stop::Failed(UserError::new(
            ErrorCode::NeedsAuth,
            format!(
                "{} refused this connection's access; connect the account again.",
                self.provider.name
            ),
        ))
    }

    fn network(&self, error: HttpError) -> UserError {
        UserError::new(ErrorCode::Network, format!("{error}; try again."))
    }

    /// A refusal in plain words, by status; only a few known reason words of the body are read.
    fn refusal(&self, status: u16, body: &[u8]) -> UserError {
        let name = &self.provider.name;
        let text = String::from_utf8_lossy(body);
        let scope_refusal = [
            "insufficientPermissions",
            "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "insufficient_scope",
        ]
        .iter()
        .any(|reason| text.contains(reason));
        // GitHub's secondary limit may come without retry-after: "wait at least a minute".
        let rate_limited = text.to_lowercase().contains("rate limit");
        match status {
            403 if scope_refusal => needs_consent(name),
            403 if rate_limited => UserError::new(
                ErrorCode::Network,
                format!("{name} is limiting requests right now; try again in a minute."),
            ),
            403 => UserError::new(
                ErrorCode::ProviderRejected,
                format!("{name} does not let this account see that (HTTP 403)."),
            ),
            404 => UserError::new(
                ErrorCode::NotFound,
                format!("{name} says that is not there any more (HTTP 404); go back and choose again."),
            ),
            _ => UserError::new(
                ErrorCode::ProviderRejected,
                format!("{name} did not accept the request (HTTP {status})."),
            ),
        }
    }

    /// Slack answers HTTP 200 with `{"ok": false, "error": "…"}`.
    fn slack_refusal(&self, json: &serde_json::Value) -> Attempt {
        let error = json
            .get("error")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        let name = &self.provider.name;
        match error {
            "invalid_auth" | "not_authed" | "token_revoked" | "token_expired" | "account_inactive" => {
                Attempt::Unauthorized
            }
            "ratelimited" => Attempt::Wait {
                seconds: None,
                status: 429,
            },
            "missing_scope" => Attempt::Refused(needs_consent(name)),
            _ => {
                let code: String = error
                    .chars()
                    .filter(|c| c.is_ascii_lowercase() || *c == '_')
                    .take(40)
                    .collect();
                Attempt::Refused(UserError::new(
                    ErrorCode::ProviderRejected,
                    format!("{name} did not accept the request ({code})."),
                ))
            }
        }
    }
}

fn needs_consent(provider: &str) -> UserError {
    UserError::new(
        ErrorCode::NeedsConsent,
        format!(
            "{provider} has not given this connection permission to list these; allow more access on this account."
        ),
    )
}

/// The body, refused past the cap.
async fn read_page(url: &Url, mut response: reqwest::Response) -> Result<Vec<u8>, HttpError> {
    let too_large = || HttpError::Network {
        host: host_of(url),
        reason: format!("the answer was larger than {} MB", MAX_PAGE_BYTES / (1024 * 1024)),
    };
    if response.content_length().unwrap_or(0) > MAX_PAGE_BYTES as u64 {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| network_error(url, &error))? {
        if body.len() + chunk.len() > MAX_PAGE_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The `rel="next"` target of a Link header (RFC 8288), as GitHub sends it.
pub fn link_next(header: &str) -> Option<String> {
    header.split(',').find_map(|link| {
        let (target, params) = link.split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        let next = params
            .split(';')
            .any(|param| matches!(param.trim(), "rel=\"next\"" | "rel=next"));
        next.then(|| target.to_owned())
    })
}

/// The one client listings use: no redirects (a bearer token never follows one), a time limit.
pub fn api_client(policy: &ApiPolicy) -> reqwest::Client {
    auth_client_with_timeout(policy.timeout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_found_among_others() {
        let header = r#"<https://api.github.com/user/repos?page=1>; rel="prev", <https://api.github.com/user/repos?page=3>; rel="next", <https://api.github.com/user/repos?page=5>; rel="last""#;
        assert_eq!(
            link_next(header).as_deref(),
            Some("https://api.github.com/user/repos?page=3"),
            "GitHub lists prev, next, last in one header"
        );
        assert_eq!(
            link_next(r#"<https://x/?page=5>; rel="last""#),
            None,
            "the last page has no next"
        );
        assert_eq!(link_next("garbage"), None);
    }

    #[tokio::test]
    async fn cancelling_ends_a_wait_that_started_before() {
        let cancel = Cancel::default();
        let waiting = tokio::spawn({
            let cancel = cancel.clone();
            async move { cancel.cancelled().await }
        });
        tokio::task::yield_now().await;
        cancel.cancel();
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("a cancelled wait ends at once")
            .expect("the task ran");
        assert!(cancel.is_cancelled());
    }
}
