//! What a provider's answer means for a listing: a wait (429, or 503 with Retry-After in
//! seconds or as an HTTP date; GitHub's 403/429 with `retry-after`, or an exhausted
//! `x-ratelimit-remaining` with its reset time), a refused token, a refusal in plain words
//! (missing permission, gone, limited), Slack's `ok:false` with HTTP 200, and the next page of
//! a Link header. Only a few known reason words of a body are read; none reaches a message.

use reqwest::header::HeaderMap;

use super::error::ResourceError as Error;
use super::source::ApiAnswer;
use crate::oauth::retry::retry_after_seconds;

/// What one try came to.
pub enum Attempt {
    Answer(ApiAnswer),
    Unauthorized,
    Wait { seconds: Option<u64>, status: u16 },
    Refused(Error),
}

/// Seconds to wait when the answer says to slow down (`Some(None)`: no time given).
pub fn rate_limited(status: u16, headers: &HeaderMap, now: i64) -> Option<Option<u64>> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let retry_after = header("retry-after").and_then(|value| retry_after_seconds(value, header("date"), now));
    let exhausted = header("x-ratelimit-remaining") == Some("0");
    let until_reset = header("x-ratelimit-reset")
        .and_then(|reset| reset.trim().parse::<i64>().ok())
        .map(|reset| u64::try_from(reset.saturating_sub(now)).unwrap_or(0));
    match status {
        429 => Some(retry_after.or(until_reset)),
        503 if retry_after.is_some() => Some(retry_after),
        // GitHub: a secondary limit carries retry-after; the primary one, remaining 0.
        403 if retry_after.is_some() => Some(retry_after),
        403 if exhausted => Some(until_reset),
        _ => None,
    }
}

/// Whether a refusal's body names a missing scope (Google's, GitHub's and Slack's words).
pub fn says_scope_is_missing(body: &str) -> bool {
    [
        "insufficientPermissions",
        "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
        "insufficient_scope",
        "missing_scope",
    ]
    .iter()
    .any(|reason| body.contains(reason))
}

/// Whether a 403's body says to slow down: GitHub's secondary limit, which may come without
/// retry-after ("You have exceeded a secondary rate limit"), and Google's `rateLimitExceeded`
/// and `userRateLimitExceeded` reasons.
pub fn says_rate_limited(body: &str) -> bool {
    let body = body.to_lowercase();
    body.contains("rate limit") || body.contains("ratelimitexceeded")
}

/// A refusal in plain words, by status; only a few known reason words of the body are read.
pub fn refusal(name: &str, status: u16, body: &[u8]) -> Error {
    let text = String::from_utf8_lossy(body);
    let provider = name.to_owned();
    match status {
        403 if says_scope_is_missing(&text) => Error::NeedsConsent { provider },
        403 if says_rate_limited(&text) => Error::RateLimited { provider },
        403 => Error::Forbidden { provider },
        404 => Error::Gone { provider },
        _ => Error::NotAccepted {
            provider,
            reason: format!("HTTP {status}"),
        },
    }
}

/// Slack answers HTTP 200 with `{"ok": false, "error": "…"}`.
pub fn slack_refusal(name: &str, json: &serde_json::Value) -> Attempt {
    let error = json
        .get("error")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    match error {
        "invalid_auth" | "not_authed" | "token_revoked" | "token_expired" | "account_inactive" => Attempt::Unauthorized,
        "ratelimited" => Attempt::Wait {
            seconds: None,
            status: 429,
        },
        "missing_scope" => Attempt::Refused(Error::NeedsConsent {
            provider: name.to_owned(),
        }),
        _ => {
            let code: String = error
                .chars()
                .filter(|c| c.is_ascii_lowercase() || *c == '_')
                .take(40)
                .collect();
            Attempt::Refused(Error::NotAccepted {
                provider: name.to_owned(),
                reason: code,
            })
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_time_far_in_the_past_or_future_never_overflows() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-ratelimit-reset",
            "-9223372036854775808".parse().expect("a header value"),
        );
        assert_eq!(
            rate_limited(429, &headers, 1_700_000_000),
            Some(Some(0)),
            "a reset already past: no wait"
        );
        headers.insert(
            "x-ratelimit-reset",
            "9223372036854775807".parse().expect("a header value"),
        );
        assert!(
            matches!(rate_limited(429, &headers, -1_700_000_000), Some(Some(seconds)) if seconds > 0),
            "a reset far ahead: a long wait, which the policy then refuses to make"
        );
    }

    #[test]
    fn a_403_says_slow_down_in_googles_words_and_githubs() {
        assert!(says_rate_limited(
            r#"{"error":{"errors":[{"reason":"userRateLimitExceeded"}]}}"#
        ));
        assert!(says_rate_limited(
            r#"{"message":"You have exceeded a secondary rate limit."}"#
        ));
        assert!(!says_rate_limited(
            r#"{"message":"Resource not accessible by integration"}"#
        ));
    }

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
}
