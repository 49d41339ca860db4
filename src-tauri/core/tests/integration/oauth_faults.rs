//! Token requests against a scripted fake provider on loopback (SECURITY.md B1-B13): here
//! retries, Retry-After and time limits (B1, B2); in oauth_faults/bodies.rs responses that are
//! not token responses and provider quirks (B3-B10, client credentials); in
//! oauth_faults/transport.rs TLS, huge bodies and redirects (B12, B13). Not the happy path
//! against a real server (tests/oauth_oidc.rs does that).

use crate::support::fake_provider;

mod bodies;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use fake_provider::{FakeProvider, Reply};
use switchboard_core::catalog::TokenAuth;
use switchboard_core::catalog::TokenQuirk;
use switchboard_core::clock::FixedClock;
use switchboard_core::oauth::http::HttpError;
use switchboard_core::oauth::retry::{RequestPolicy, RetryPolicy};
use switchboard_core::oauth::token::{exchange_code_with, refresh_with, TokenClient, TokenError, TokenSet};
use switchboard_core::vault::Sensitive;

/// One protocol second in these tests.
const UNIT: Duration = Duration::from_millis(20);
/// Sun, 06 Nov 1994 08:49:37 GMT, what the injected clock says.
const NOW: i64 = 784_111_777;
const TOKEN: &str = r#"{"access_token":"at-1","token_type":"Bearer","expires_in":3600}"#;

fn policy() -> RequestPolicy {
    RequestPolicy {
        timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            attempts: 3,
            base: Duration::from_millis(1),
            cap: Duration::from_millis(4),
            retry_after_cap: 30,
        },
        second: UNIT,
        clock: Arc::new(FixedClock(NOW)),
    }
}

fn client(token_url: &str, quirk: TokenQuirk) -> TokenClient<'_> {
    TokenClient {
        token_url,
        client_id: "client-1",
        client_secret: None,
        quirk,
        auth: TokenAuth::Post,
    }
}

/// Scripts `/token` on a fresh fake and refreshes against it.
async fn refresh_against(replies: Vec<Reply>, quirk: TokenQuirk) -> (FakeProvider, Result<TokenSet, TokenError>) {
    let provider = FakeProvider::start().await;
    provider.script("/token", replies);
    let url = provider.url("/token");
    let outcome = refresh_with(&client(&url, quirk), &Sensitive::new("rt-1".into()), &policy()).await;
    (provider, outcome)
}

fn gap(provider: &FakeProvider, first: usize) -> Duration {
    let requests = provider.requests_to("/token");
    requests[first + 1].arrived.duration_since(requests[first].arrived)
}

#[tokio::test]
async fn b1_a_503_with_retry_after_is_retried_after_the_wait_it_asked_for() {
    let (provider, outcome) = refresh_against(
        vec![
            Reply::html(503, "down").header("Retry-After", "3"),
            Reply::json(200, TOKEN),
        ],
        TokenQuirk::Standard,
    )
    .await;
    assert!(outcome.is_ok(), "the retry after the 503 succeeds: {outcome:?}");
    let requests = provider.requests_to("/token");
    assert_eq!(requests.len(), 2, "one failure, one retry");
    assert_eq!(
        requests[1].form_value("refresh_token").as_deref(),
        Some("rt-1"),
        "the retry sends the same request"
    );
    assert!(
        gap(&provider, 0) >= UNIT * 3,
        "Retry-After: 3 means 3 seconds (of {UNIT:?}) before the retry, got {:?}; the backoff alone is under 4 ms",
        gap(&provider, 0)
    );
}

#[tokio::test]
async fn b1_a_502_every_time_fails_clearly_after_the_capped_attempts() {
    let (provider, outcome) =
        refresh_against(vec![Reply::html(502, "<h1>Bad gateway</h1>")], TokenQuirk::Standard).await;
    assert_eq!(provider.requests_to("/token").len(), 3, "3 tries in all, then stop");
    let error = outcome.expect_err("a server that stays down is an error");
    assert!(
        matches!(
            error,
            TokenError::Unavailable {
                status: 502,
                retry_after: None,
                ..
            }
        ),
        "B1: a plain 'unavailable' error, got {error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("HTTP 502") && message.contains("try again"),
        "the message says what happened and what to do: {message}"
    );
    assert!(!message.contains("Bad gateway"), "the body is not echoed: {message}");
}

#[tokio::test]
async fn b1_retry_after_as_an_http_date_is_measured_from_the_servers_date() {
    let (provider, outcome) = refresh_against(
        vec![
            Reply::empty(503)
                .header("Date", "Tue, 01 Jan 2030 00:00:00 GMT")
                .header("Retry-After", "Tue, 01 Jan 2030 00:00:04 GMT"),
            Reply::json(200, TOKEN),
        ],
        TokenQuirk::Standard,
    )
    .await;
    assert!(outcome.is_ok(), "the retry succeeds: {outcome:?}");
    assert!(
        gap(&provider, 0) >= UNIT * 4,
        "the date is 4 s after the server's Date (the local clock says 1994), got {:?}",
        gap(&provider, 0)
    );
}

#[tokio::test]
async fn b1_retry_after_as_an_http_date_without_a_date_uses_the_injected_clock() {
    let (provider, outcome) = refresh_against(
        vec![
            Reply::empty(429).header("Retry-After", "Sun, 06 Nov 1994 08:49:39 GMT"),
            Reply::json(200, TOKEN),
        ],
        TokenQuirk::Standard,
    )
    .await;
    assert!(outcome.is_ok(), "the retry succeeds: {outcome:?}");
    assert!(
        gap(&provider, 0) >= UNIT * 2,
        "2 s after the injected clock's now, got {:?}",
        gap(&provider, 0)
    );
}

#[tokio::test]
async fn b1_a_retry_after_past_the_cap_is_reported_not_waited_for() {
    let (provider, outcome) = refresh_against(
        vec![Reply::empty(429).header("Retry-After", "3600"), Reply::json(200, TOKEN)],
        TokenQuirk::Standard,
    )
    .await;
    assert_eq!(
        provider.requests_to("/token").len(),
        1,
        "no retry before the hour asked for"
    );
    let error = outcome.expect_err("an error that says to wait");
    assert!(
        matches!(
            error,
            TokenError::Unavailable {
                status: 429,
                retry_after: Some(3600),
                ..
            }
        ),
        "the wait the server asked for is reported: {error:?}"
    );
    assert!(error.to_string().contains("3600 seconds"), "and said: {error}");
}

#[tokio::test]
async fn b1_errors_about_the_request_are_never_retried() {
    for (status, body) in [
        (400, r#"{"error":"invalid_grant"}"#),
        (401, r#"{"error":"invalid_client"}"#),
        (400, r#"{"error":"invalid_request"}"#),
        (404, "not here"),
    ] {
        let (provider, outcome) = refresh_against(vec![Reply::json(status, body)], TokenQuirk::Standard).await;
        assert!(outcome.is_err(), "{status} {body} is an error");
        assert_eq!(
            provider.requests_to("/token").len(),
            1,
            "{status} {body}: asking again changes nothing (and a spent code must not be replayed)"
        );
    }
}

#[tokio::test]
async fn b2_a_server_that_never_answers_times_out_without_hanging() {
    let provider = FakeProvider::start().await;
    provider.script("/token", [Reply::silence()]);
    let url = provider.url("/token");
    let policy = RequestPolicy {
        timeout: Duration::from_millis(300),
        ..policy()
    };
    let (client, refresh_token) = (client(&url, TokenQuirk::Standard), Sensitive::new("rt".into()));
    let refreshing = refresh_with(&client, &refresh_token, &policy);
    let outcome = tokio::time::timeout(Duration::from_secs(20), refreshing)
        .await
        .expect("the request must end on its own time limit, not hang");
    let error = outcome.expect_err("no answer is an error");
    assert!(
        matches!(&error, TokenError::Http(HttpError::Network { .. })),
        "B2: a network error, got {error:?}"
    );
    assert!(
        error.to_string().contains("did not answer in time"),
        "the message says why: {error}"
    );
    assert_eq!(
        provider.requests_to("/token").len(),
        1,
        "a timed-out request is not resent: the server may have used the grant"
    );
}

#[tokio::test]
async fn b2_a_slow_answer_within_the_limit_is_taken() {
    let (_provider, outcome) = refresh_against(
        vec![Reply::json(200, TOKEN).after(Duration::from_millis(50))],
        TokenQuirk::Standard,
    )
    .await;
    assert!(outcome.is_ok(), "slow is not failed: {outcome:?}");
}
