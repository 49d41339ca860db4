//! Sending an auth request again when the server says it briefly cannot answer (429, 500, 502,
//! 503, 504; SECURITY.md B1): capped exponential backoff with jitter, the server's Retry-After
//! (seconds or HTTP-date) honored, a bounded number of tries. It never retries an answer about
//! the request itself (`invalid_grant`, other 4xx) nor a request that failed or timed out on
//! the way (a code or rotated refresh token may already have been spent). Not the API client's
//! retries, and it reads no body it does not return.

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::http::{auth_client_with_timeout, host_of, network_error, read_capped, HttpError, REQUEST_TIMEOUT};
use crate::backoff::{random_fraction, Backoff, Jitter};
use crate::clock::{Clock, SystemClock};

/// How many tries and how long to wait in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included; 1 means never retry.
    pub attempts: u32,
    /// The backoff after the first failure, doubled after each further one.
    pub base: Duration,
    /// The longest backoff.
    pub cap: Duration,
    /// The longest Retry-After honored, in seconds. A server asking for longer is not retried:
    /// the error reports its wait instead.
    pub retry_after_cap: u64,
}

impl RetryPolicy {
    pub const STANDARD: Self = Self {
        attempts: 3,
        base: Duration::from_millis(500),
        cap: Duration::from_secs(8),
        retry_after_cap: 30,
    };
}

/// How auth requests are sent: the time limit per try, the retries, and the time they count in.
#[derive(Clone)]
pub struct RequestPolicy {
    /// The longest one try may take, answer included (B2).
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// How long one protocol second lasts: Retry-After and device-flow intervals count in it.
    /// A real second in the app; a few milliseconds in tests.
    pub second: Duration,
    /// Now, for a Retry-After HTTP-date when the answer carries no `Date` to measure it from.
    pub clock: Arc<dyn Clock>,
}

impl RequestPolicy {
    pub fn standard() -> Self {
        Self {
            timeout: REQUEST_TIMEOUT,
            retry: RetryPolicy::STANDARD,
            second: Duration::from_secs(1),
            clock: Arc::new(SystemClock),
        }
    }

    /// `count` protocol seconds in this policy's unit.
    pub fn seconds(&self, count: u64) -> Duration {
        self.second.saturating_mul(u32::try_from(count).unwrap_or(u32::MAX))
    }
}

impl Default for RequestPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

impl std::fmt::Debug for RequestPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestPolicy")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("second", &self.second)
            .finish_non_exhaustive()
    }
}

/// The last answer of a request: its status, its capped body (empty when the status is one
/// that was retried), and the Retry-After it carried, in seconds.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub retry_after: Option<u64>,
}

impl Answer {
    /// The server could not take the request even after the retries the policy allows.
    pub fn is_unavailable(&self) -> bool {
        is_retryable(self.status)
    }
}

/// Statuses that say "not now" rather than "not this request".
pub fn is_retryable(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Sends the request `build` makes with the policy's client, again while the answer is
/// retryable and the policy allows, and returns the last answer.
pub async fn send_with_retry(
    url: &Url,
    policy: &RequestPolicy,
    build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
) -> Result<Answer, HttpError> {
    let client = auth_client_with_timeout(policy.timeout);
    let mut failures = 0;
    loop {
        let response = build(&client)
            .send()
            .await
            .map_err(|error| network_error(url, &error))?;
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|value| value.to_str().ok());
        let retry_after =
            header("retry-after").and_then(|value| retry_after_seconds(value, header("date"), policy.clock.now()));
        if !is_retryable(status) {
            let body = read_capped(url, response).await?;
            return Ok(Answer {
                status,
                body,
                retry_after,
            });
        }
        drop(response);
        failures += 1;
        let Some(wait) = wait_before_retry(&policy.retry, failures, retry_after, policy.second, random_fraction())
        else {
            tracing::warn!(host = %host_of(url), status, failures, "auth server unavailable; giving up");
            return Ok(Answer {
                status,
                body: Vec::new(),
                retry_after,
            });
        };
        tracing::info!(host = %host_of(url), status, wait_ms = wait.as_millis(), "auth server unavailable; retrying");
        tokio::time::sleep(wait).await;
    }
}

/// The wait before the next try after `failures` retryable answers, or `None` to stop: when the
/// tries are used up, or the server asks to wait longer than the policy's cap. The wait is the
/// longer of Retry-After (in `second`s) and the jittered backoff: half the capped exponential
/// backoff plus a random part (`random` in 0..=1) of the other half, so clients that failed
/// together spread out.
pub fn wait_before_retry(
    policy: &RetryPolicy,
    failures: u32,
    retry_after: Option<u64>,
    second: Duration,
    random: f64,
) -> Option<Duration> {
    if failures == 0 || failures >= policy.attempts {
        return None;
    }
    if retry_after.is_some_and(|seconds| seconds > policy.retry_after_cap) {
        return None;
    }
    let backoff = Backoff {
        base: policy.base,
        cap: policy.cap,
    };
    let jittered = backoff.jittered(failures, Jitter::Equal, random);
    let asked = second.saturating_mul(u32::try_from(retry_after.unwrap_or(0)).unwrap_or(u32::MAX));
    Some(jittered.max(asked))
}

/// Seconds a Retry-After value asks for: delay-seconds, or an IMF-fixdate measured from the
/// answer's own `Date` (so a wrong local clock does not matter) or else from `now`. Other
/// forms give `None`, and the backoff alone applies.
pub fn retry_after_seconds(value: &str, date: Option<&str>, now: i64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        return Some(value.parse().unwrap_or(u64::MAX));
    }
    let until = http_date(value)?;
    let from = date.and_then(http_date).unwrap_or(now);
    Some(u64::try_from(until.saturating_sub(from)).unwrap_or(0))
}

/// Unix seconds of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7).
fn http_date(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split_ascii_whitespace().collect();
    let [weekday, day, month, year, clock, "GMT"] = parts.as_slice() else {
        return None;
    };
    if !weekday.ends_with(',') {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|name| name == month)?;
    let month = time::Month::try_from(u8::try_from(month + 1).ok()?).ok()?;
    let date = time::Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()?;
    let mut hms = clock.split(':').map(str::parse::<u8>);
    let (Some(Ok(hour)), Some(Ok(minute)), Some(Ok(second)), None) = (hms.next(), hms.next(), hms.next(), hms.next())
    else {
        return None;
    };
    let time = time::Time::from_hms(hour, minute, second).ok()?;
    Some(time::PrimitiveDateTime::new(date, time).assume_utc().unix_timestamp())
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
