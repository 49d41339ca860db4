//! The device authorization grant (RFC 8628; SECURITY.md C11, C12) against a scripted fake
//! provider, where waits are checked on the recorded request times with one "second" of 10 ms
//! (lower bounds only, which a slow machine cannot break), and once end to end against
//! oidc-provider, whose response omits `interval`. Not the UI that shows the code.

use crate::support::fake_provider;
use crate::support::oidc;
use crate::support::oidc_device;

mod real_server;

use std::sync::Arc;
use std::time::Duration;

use fake_provider::{FakeProvider, RecordedRequest, Reply};
use switchboard_core::catalog::TokenAuth;
use switchboard_core::catalog::TokenQuirk;
use switchboard_core::clock::FixedClock;
use switchboard_core::oauth::device::{poll, start_with, DeviceAuthorization, DeviceError};
use switchboard_core::oauth::retry::{RequestPolicy, RetryPolicy};
use switchboard_core::oauth::token::{TokenClient, TokenSet};
use tokio::sync::watch;

const UNIT: Duration = Duration::from_millis(10);
const SCRIPTED: &str = r#"{"device_code":"dc-1","user_code":"WDJB-MJHT","verification_uri":"https://example.com/device","expires_in":600,"interval":1}"#;
const TOKEN: &str = r#"{"access_token":"at-1","token_type":"Bearer","expires_in":3600}"#;

fn policy(second: Duration) -> RequestPolicy {
    RequestPolicy {
        timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            attempts: 2,
            base: Duration::from_millis(1),
            cap: Duration::from_millis(2),
            retry_after_cap: 30,
        },
        second,
        clock: Arc::new(FixedClock(0)),
    }
}

fn oauth_error(status: u16, error: &str) -> Reply {
    Reply::json(status, &format!(r#"{{"error":"{error}"}}"#))
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

/// A fake whose device endpoint answers `authorization` and whose token endpoint answers `polls`.
async fn fake(authorization: &str, polls: Vec<Reply>) -> FakeProvider {
    let provider = FakeProvider::start().await;
    provider.script("/device/code", [Reply::json(200, authorization)]);
    provider.script("/token", polls);
    provider
}

async fn start(provider: &FakeProvider) -> DeviceAuthorization {
    let scopes = ["repo", "read:user"].map(String::from);
    start_with(&provider.url("/device/code"), "client-1", &scopes, " ", &policy(UNIT))
        .await
        .expect("a device authorization")
}

/// Starts, then polls until an outcome, never cancelled.
async fn run(provider: &FakeProvider, quirk: TokenQuirk) -> (DeviceAuthorization, Result<TokenSet, DeviceError>) {
    let authorization = start(provider).await;
    let (_keep_open, cancel) = watch::channel(false);
    let url = provider.url("/token");
    let outcome = poll(&client(&url, quirk), &authorization, &policy(UNIT), cancel).await;
    (authorization, outcome)
}

/// Time between a poll and the one before it (the first poll counts from the start request).
fn gaps(provider: &FakeProvider) -> Vec<Duration> {
    let mut times: Vec<RecordedRequest> = provider.requests_to("/device/code");
    times.extend(provider.requests_to("/token"));
    times
        .windows(2)
        .map(|pair| pair[1].arrived.duration_since(pair[0].arrived))
        .collect()
}

#[tokio::test]
async fn pending_twice_then_tokens() {
    let pending = oauth_error(400, "authorization_pending");
    let provider = fake(SCRIPTED, vec![pending.clone(), pending, Reply::json(200, TOKEN)]).await;
    let (_, outcome) = run(&provider, TokenQuirk::Standard).await;
    assert!(outcome.is_ok(), "the third poll gets the tokens: {outcome:?}");
    let start = &provider.requests_to("/device/code")[0];
    assert_eq!(
        start.header("accept"),
        Some("application/json"),
        "GitHub answers JSON only when asked"
    );
    assert_eq!(
        start.form_value("scope").as_deref(),
        Some("repo read:user"),
        "scopes joined by the separator"
    );
    let polls = provider.requests_to("/token");
    assert_eq!(polls.len(), 3, "two pending answers, then success");
    for request in &polls {
        assert_eq!(
            request.form_value("grant_type").as_deref(),
            Some("urn:ietf:params:oauth:grant-type:device_code"),
            "RFC 8628 §3.4 grant type"
        );
        assert_eq!(
            request.form_value("device_code").as_deref(),
            Some("dc-1"),
            "the device code is sent"
        );
        assert_eq!(
            request.form_value("client_id").as_deref(),
            Some("client-1"),
            "a public client names itself"
        );
    }
    for (index, gap) in gaps(&provider).into_iter().enumerate() {
        assert!(
            gap >= UNIT,
            "poll {index} came {gap:?} after the last request; the interval is 1 s = {UNIT:?}"
        );
    }
}

#[tokio::test]
async fn c11_slow_down_adds_five_seconds_to_the_interval() {
    let polls = vec![
        oauth_error(400, "authorization_pending"),
        oauth_error(400, "slow_down"),
        oauth_error(400, "authorization_pending"),
        Reply::json(200, TOKEN),
    ];
    let provider = fake(SCRIPTED, polls).await;
    let (_, outcome) = run(&provider, TokenQuirk::Standard).await;
    assert!(outcome.is_ok(), "slow_down is not a failure: {outcome:?}");
    let gaps = gaps(&provider);
    assert_eq!(gaps.len(), 4, "start + 4 polls");
    assert!(
        gaps[0] >= UNIT && gaps[1] >= UNIT,
        "1 s before the first two polls: {gaps:?}"
    );
    for (index, gap) in gaps.iter().enumerate().skip(2) {
        assert!(
            *gap >= UNIT * 6,
            "C11: after slow_down, the interval is 1 + 5 s = {:?}; poll {index} came after {gap:?}",
            UNIT * 6
        );
    }
}

#[tokio::test]
async fn c11_a_missing_interval_means_five_seconds() {
    let without_interval =
        r#"{"device_code":"dc-1","user_code":"U","verification_uri":"https://example.com/device","expires_in":600}"#;
    let provider = fake(without_interval, vec![Reply::json(200, TOKEN)]).await;
    let (authorization, outcome) = run(&provider, TokenQuirk::Standard).await;
    assert_eq!(authorization.interval, 5, "C11: RFC 8628 §3.2 default");
    assert!(outcome.is_ok(), "{outcome:?}");
    let gaps = gaps(&provider);
    assert!(
        gaps[0] >= UNIT * 5,
        "C11: the first poll waits 5 s = {:?}, came after {:?}",
        UNIT * 5,
        gaps[0]
    );
}

#[tokio::test]
async fn c12_expired_token_stops_polling_with_a_clear_message() {
    let polls = vec![
        oauth_error(400, "authorization_pending"),
        oauth_error(400, "expired_token"),
        Reply::json(200, TOKEN),
    ];
    let provider = fake(SCRIPTED, polls).await;
    let (_, outcome) = run(&provider, TokenQuirk::Standard).await;
    let error = outcome.expect_err("an expired code ends the flow");
    assert!(matches!(error, DeviceError::Expired), "C12: got {error:?}");
    assert_eq!(error.to_string(), "The code expired before it was entered; start again");
    assert_eq!(
        provider.requests_to("/token").len(),
        2,
        "C12: polling stops at expired_token"
    );
}

#[tokio::test]
async fn c12_access_denied_stops_polling_with_a_clear_message() {
    let provider = fake(
        SCRIPTED,
        vec![oauth_error(400, "access_denied"), Reply::json(200, TOKEN)],
    )
    .await;
    let (_, outcome) = run(&provider, TokenQuirk::Standard).await;
    let error = outcome.expect_err("a refusal ends the flow");
    assert!(matches!(error, DeviceError::Denied { .. }), "C12: got {error:?}");
    assert!(
        error.to_string().starts_with("You declined access"),
        "C12: plain words: {error}"
    );
    assert_eq!(
        provider.requests_to("/token").len(),
        1,
        "C12: polling stops at access_denied"
    );
}

#[tokio::test]
async fn c12_polling_gives_up_when_expires_in_passes() {
    let short = r#"{"device_code":"dc-1","user_code":"U","verification_uri":"https://example.com/device","expires_in":3,"interval":1}"#;
    let provider = fake(short, vec![oauth_error(400, "authorization_pending")]).await;
    let (_, outcome) = run(&provider, TokenQuirk::Standard).await;
    assert!(
        matches!(outcome, Err(DeviceError::Expired)),
        "C12: the code's life is over: {outcome:?}"
    );
    assert!(
        provider.requests_to("/token").len() <= 3,
        "at most one poll per second of a 3-second life"
    );
}

#[tokio::test]
async fn github_answers_with_http_200_and_a_form_encoded_start() {
    let form = "device_code=dc-1&expires_in=899&interval=1&user_code=ABCD-1234&verification_uri=https%3A%2F%2Fgithub.com%2Flogin%2Fdevice";
    let polls = vec![
        oauth_error(200, "authorization_pending"),
        Reply::json(
            200,
            r#"{"error":"slow_down","error_description":"Too many requests","interval":6}"#,
        ),
        Reply::json(200, r#"{"access_token":"gho_1","token_type":"bearer","scope":"repo"}"#),
    ];
    let provider = FakeProvider::start().await;
    provider.script(
        "/device/code",
        [Reply::typed(200, "application/x-www-form-urlencoded", form)],
    );
    provider.script("/token", polls);
    let (authorization, outcome) = run(&provider, TokenQuirk::ErrorWithOk).await;
    assert_eq!(
        authorization.verification_uri, "https://github.com/login/device",
        "form-encoded start read"
    );
    let tokens = outcome.expect("GitHub's HTTP 200 errors are read as pending and slow_down");
    assert_eq!(tokens.scope.as_deref(), Some("repo"));
    assert!(
        gaps(&provider)[2] >= UNIT * 6,
        "C11: slow_down with HTTP 200 also adds 5 s"
    );
}

#[tokio::test]
async fn cancelling_stops_polling_at_once_even_mid_request() {
    let provider = fake(
        SCRIPTED,
        vec![oauth_error(400, "authorization_pending"), Reply::silence()],
    )
    .await;
    let authorization = start(&provider).await;
    let (cancel, cancelled) = watch::channel(false);
    let url = provider.url("/token");
    let client = client(&url, TokenQuirk::Standard);
    let policy = policy(UNIT);
    let polling = poll(&client, &authorization, &policy, cancelled);
    let canceller = async {
        while provider.requests_to("/token").len() < 2 {
            tokio::time::sleep(UNIT).await;
        }
        cancel.send(true).expect("the poller listens");
    };
    let (outcome, ()) = tokio::time::timeout(Duration::from_secs(10), async { tokio::join!(polling, canceller) })
        .await
        .expect("cancel must end polling even while a request hangs");
    assert!(matches!(outcome, Err(DeviceError::Cancelled)), "got {outcome:?}");
    tokio::time::sleep(UNIT * 5).await;
    assert_eq!(provider.requests_to("/token").len(), 2, "no poll after cancel");
}

#[tokio::test]
async fn dropping_the_cancel_sender_cancels() {
    let provider = fake(SCRIPTED, vec![oauth_error(400, "authorization_pending")]).await;
    let authorization = start(&provider).await;
    let (cancel, cancelled) = watch::channel(false);
    drop(cancel);
    let url = provider.url("/token");
    let outcome = poll(
        &client(&url, TokenQuirk::Standard),
        &authorization,
        &policy(UNIT),
        cancelled,
    )
    .await;
    assert!(
        matches!(outcome, Err(DeviceError::Cancelled)),
        "a flow nobody can cancel any more is abandoned: {outcome:?}"
    );
    assert!(provider.requests_to("/token").is_empty(), "and never polled");
}
