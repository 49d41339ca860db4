//! Sending a listing's GET requests: the connection's token (renewed once when refused), the
//! provider's headers, waits when the provider says to slow down (429 or 503 with
//! Retry-After in seconds or as an HTTP date; GitHub's 403/429 with `retry-after` or an
//! exhausted `x-ratelimit-remaining`), retries of 5xx (GETs are safe to repeat), a size cap,
//! cancellation at any await, and refusals told in plain words. Slack's `ok:false` answers
//! (HTTP 200) are read as the refusals they are. Nothing of a response body reaches an error.

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::cancel::Cancel;
use super::error::ResourceError as Error;
use super::source::ApiAnswer;
use super::verdict::{link_next, rate_limited, refusal, slack_refusal, Attempt};
use crate::backoff::Backoff;
use crate::catalog::{AuthKind, Provider};
use crate::clock::{Clock, SystemClock};
use crate::connections::ConnectionError;
use crate::connections::{Connection, ConnectionStore, RequestAuth, TokenRenewal};
use crate::oauth::http::{auth_client_with_timeout, host_of, network_error, read_capped_to, HttpError};
use crate::sensitive::Sensitive;

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

/// What to do after an answer that said to slow down (or a 5xx).
pub enum Wait {
    /// Try again after this long.
    After(Duration),
    /// The tries are used up.
    GiveUp,
    /// The provider asked for longer than `max_wait_seconds`.
    TooLong { minutes: u64 },
}

impl ApiPolicy {
    /// Before try `tries`, given the `seconds` the provider asked for (if it said): the asked
    /// time in protocol seconds, else `backoff`; never past the tries or `max_wait_seconds`.
    /// Listings and actions both wait by it.
    pub fn wait(&self, seconds: Option<u64>, tries: u32) -> Wait {
        if tries >= self.attempts {
            return Wait::GiveUp;
        }
        match seconds {
            Some(seconds) if seconds > self.max_wait_seconds => Wait::TooLong {
                minutes: seconds.div_ceil(60),
            },
            Some(seconds) => Wait::After(self.second.saturating_mul(u32::try_from(seconds).unwrap_or(u32::MAX))),
            None => Wait::After(self.backoff(tries)),
        }
    }

    /// With no time given: 1, 2, 4… protocol seconds, up to 32.
    pub fn backoff(&self, tries: u32) -> Duration {
        Backoff {
            base: self.second,
            cap: self.second.saturating_mul(32),
        }
        .after(tries)
    }
}

/// Why a request gave no answer.
#[derive(Debug)]
pub enum Stop {
    Cancelled,
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(error: Error) -> Self {
        Self::Failed(error)
    }
}

impl From<ConnectionError> for Stop {
    fn from(error: ConnectionError) -> Self {
        Self::Failed(error.into())
    }
}

/// Sends GETs for one listing on one connection.
pub struct Caller<'a> {
    pub store: &'a ConnectionStore,
    pub renewal: &'a TokenRenewal,
    pub connection: &'a Connection,
    pub provider: &'a Provider,
    pub client: &'a reqwest::Client,
    pub policy: &'a ApiPolicy,
    pub cancel: &'a Cancel,
}

impl Caller<'_> {
    /// GETs `url` and reads the JSON answer, waiting, retrying and renewing as needed.
    pub async fn get(&self, url: &Url) -> Result<ApiAnswer, Stop> {
        let id = self.connection.id;
        let mut token = self.until_cancelled(self.renewal.access_token(id)).await??;
        // The version of the token just read: a 401 renews it unless another caller already has.
        let version = self.store.get(id)?.health.token_version;
        let mut renewed = false;
        let mut tries = 0;
        loop {
            match self.until_cancelled(self.attempt(url, &token)).await?? {
                Attempt::Answer(answer) => return Ok(answer),
                Attempt::Refused(error) => return Err(Stop::Failed(error)),
                Attempt::Unauthorized if renewed || self.is_pasted() => return Err(self.refused_access()),
                Attempt::Unauthorized => {
                    renewed = true;
                    let fresh = self
                        .until_cancelled(self.renewal.after_unauthorized(id, version))
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

    async fn attempt(&self, url: &Url, token: &Sensitive<String>) -> Result<Attempt, Error> {
        let mut call = self.client.get(url.clone()).header("Accept", "application/json");
        for (name, value) in &self.provider.api_headers {
            call = call.header(name, value);
        }
        let auth = RequestAuth::of(self.provider, self.connection.auth_kind, &self.connection.config);
        let response = auth
            .apply(call, token)
            .send()
            .await
            .map_err(|error| self.network(network_error(url, &error)))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if let Some(seconds) = rate_limited(status, &headers, self.policy.clock.now()) {
            return Ok(Attempt::Wait { seconds, status });
        }
        if matches!(status, 500 | 502 | 503 | 504) {
            return Ok(Attempt::Wait { seconds: None, status });
        }
        if status == 401 {
            return Ok(Attempt::Unauthorized);
        }
        let body = read_capped_to(url, response, MAX_PAGE_BYTES)
            .await
            .map_err(|error| self.network(error))?;
        if !(200..300).contains(&status) {
            return Ok(Attempt::Refused(refusal(&self.provider.name, status, &body)));
        }
        let json: serde_json::Value = serde_json::from_slice(&body).map_err(|_| Error::Unreadable {
            provider: self.provider.name.clone(),
        })?;
        if json.get("ok") == Some(&serde_json::Value::Bool(false)) {
            return Ok(slack_refusal(&self.provider.name, &json));
        }
        let link_next = headers
            .get("link")
            .and_then(|value| value.to_str().ok())
            .and_then(link_next);
        Ok(Attempt::Answer(ApiAnswer { json, link_next }))
    }

    /// The wait before try `tries`, or the error when the provider asks for too long.
    fn wait_for(&self, seconds: Option<u64>, tries: u32, status: u16) -> Result<Duration, Stop> {
        let provider = self.provider.name.clone();
        match self.policy.wait(seconds, tries) {
            Wait::After(wait) => Ok(wait),
            Wait::GiveUp if matches!(status, 429 | 403) => Err(Stop::Failed(Error::RateLimited { provider })),
            Wait::GiveUp => Err(Stop::Failed(Error::Unavailable { provider, status })),
            Wait::TooLong { minutes } => Err(Stop::Failed(Error::WaitTooLong { provider, minutes })),
        }
    }

    fn is_pasted(&self) -> bool {
        matches!(self.connection.auth_kind, AuthKind::ApiKey | AuthKind::BotToken)
    }

    /// The renewed token (or a pasted key) was refused: the connection needs signing in again.
    fn refused_access(&self) -> Stop {
        if let Err(error) = self.renewal.refused_after_renewal(self.connection.id) {
            return Stop::Failed(error.into());
        }
        Stop::Failed(Error::AccessRefused {
            provider: self.provider.name.clone(),
        })
    }

    fn network(&self, error: HttpError) -> Error {
        Error::Network(error)
    }
}

/// The one client listings use: no redirects (a bearer token never follows one), a time limit.
pub fn api_client(policy: &ApiPolicy) -> reqwest::Client {
    auth_client_with_timeout(policy.timeout)
}
