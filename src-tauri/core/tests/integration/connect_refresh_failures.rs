//! The refresh engine when renewals fail (SECURITY.md C1, B1 on refresh, invalid_client) and
//! when a connection is disabled: against oidc-provider and the scriptable fake provider. Time
//! is a `ManualClock` the tests move; nothing here measures how long anything took.

use crate::support::connector;
use crate::support::fake_provider;
use crate::support::google_flow;
use crate::support::oidc;
use crate::support::refresh as refresh_support;
use crate::support::refresh_cases;

use std::sync::Arc;
use std::time::Duration;

use connector::google_overrides;
use fake_provider::Reply;
use google_flow::LOOPBACK;
use oidc::OidcServer;
use refresh_support::{
    audited, concurrent_access_tokens, connect_ana, manual_harness, real_now, refresh_tokens_sent, stored_secret,
    token_reply, TOKEN_PATH,
};
use switchboard_core::clock::{Clock, ManualClock};
use switchboard_core::connections::ConnectionStatus;
use switchboard_core::error::ErrorCode;

/// A token lifetime long enough that only the tests' clock moves make it due.
use refresh_cases::*;

#[tokio::test]
async fn a_refresh_token_revoked_at_the_provider_needs_reauthorization() {
    let server = OidcServer::start();
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(
        &google_overrides(&server, LOOPBACK),
        "c1-oidc",
        Arc::clone(&clock),
        |_| {},
    );
    let connection = connect_ana(&harness).await;
    let refresh = stored_secret(&harness.services, &connection, "refresh_token").expect("a refresh token");
    let revoked = reqwest::Client::new()
        .post(server.url("/token/revocation"))
        .form(&[
            ("token", refresh.as_str()),
            ("token_type_hint", "refresh_token"),
            ("client_id", server.google_client_id.as_str()),
            ("client_secret", server.google_client_secret.as_str()),
        ])
        .send()
        .await
        .expect("the revocation endpoint answers");
    assert!(
        revoked.status().is_success(),
        "oidc-provider revokes the refresh token: HTTP {}",
        revoked.status()
    );

    let error = harness
        .services
        .renewal
        .refresh_now(connection.id)
        .await
        .expect_err("C1: a revoked refresh token cannot renew anything");
    assert_eq!(
        error.code(),
        ErrorCode::NeedsAuth,
        "C1: invalid_grant means re-authorization: {}",
        error
    );
    assert!(
        matches!(
            status_of(&harness, connection.id),
            ConnectionStatus::NeedsReauthorization { .. }
        ),
        "C1: the card shows that the account must be connected again"
    );
    let used = harness
        .services
        .renewal
        .access_token(connection.id)
        .await
        .expect_err("C1: a connection needing re-authorization is refused for use");
    assert_eq!(used.code(), ErrorCode::NeedsAuth);
}

#[tokio::test]
async fn invalid_grant_is_not_retried() {
    let (fake, harness, clock, connection) = github_connection("c1-fake", None).await;
    fake.script(
        TOKEN_PATH,
        [Reply::json(
            400,
            r#"{"error":"invalid_grant","error_description":"The refresh token has been revoked"}"#,
        )],
    );
    let id = connection.id;

    let first = harness.services.renewal.refresh_now(id).await.expect_err("C1: revoked");
    assert_eq!(first.code(), ErrorCode::NeedsAuth, "C1: {}", first);
    match status_of(&harness, id) {
        ConnectionStatus::NeedsReauthorization { reason } => {
            assert!(
                reason.contains("revoked"),
                "the reason carries the provider's description: {reason}"
            )
        }
        other => panic!("C1: invalid_grant leaves the connection needing re-authorization, got {other:?}"),
    }
    assert_eq!(
        harness.services.store.get(id).expect("connection").health.next_retry_at,
        None,
        "C1: no retry is scheduled"
    );

    let second = harness
        .services
        .renewal
        .refresh_now(id)
        .await
        .expect_err("still revoked");
    assert_eq!(second.code(), ErrorCode::NeedsAuth);
    clock.set(connection.expires_at.expect("expiry") + 1);
    let used = harness
        .services
        .renewal
        .access_token(id)
        .await
        .expect_err("refused for use");
    assert_eq!(used.code(), ErrorCode::NeedsAuth);
    assert_eq!(
        refresh_tokens_sent(&fake),
        ["rt-0"],
        "C1: after invalid_grant no further token request is made"
    );
    assert_eq!(
        audited(&harness.services, id, "refresh", "needs re-authorization").len(),
        1,
        "the revocation is audited once"
    );
}

// ---------------------------------------------------------------------------------------------
// B1 at the engine: 503 with Retry-After

#[tokio::test]
async fn a_503_with_retry_after_keeps_the_token_usable_and_schedules_the_retry() {
    let (fake, harness, clock, connection) = github_connection("b1-retry-after", Some(fast_retries())).await;
    fake.script(TOKEN_PATH, [unavailable("120")]);
    let id = connection.id;
    let received = clock.now();
    clock.set(received + 600); // not yet due

    let refreshed = harness
        .services
        .renewal
        .refresh_now(id)
        .await
        .expect("a failed renewal of a working token is not an error: the token still works");
    match &refreshed.status {
        ConnectionStatus::Error {
            message,
            configuration,
            next_retry_at,
        } => {
            assert!(!configuration, "a 503 is not a configuration problem");
            assert_eq!(
                *next_retry_at,
                Some(received + 600 + 120),
                "B1: the server's Retry-After sets the next try (on the services's clock)"
            );
            assert!(message.contains("503"), "the error says what happened: {message}");
        }
        other => panic!("a failed renewal shows as an error with its next retry, got {other:?}"),
    }
    assert_eq!(
        refresh_tokens_sent(&fake),
        ["rt-0"],
        "B1: a Retry-After longer than the policy waits in a request is not retried in the request"
    );
    assert_eq!(
        harness
            .services
            .renewal
            .access_token(id)
            .await
            .expect("still usable")
            .expose(),
        "at-0",
        "the current token stays usable until it expires"
    );
    assert_eq!(
        refresh_tokens_sent(&fake).len(),
        1,
        "handing out a token that is not due asks nothing"
    );
    assert_eq!(
        audited(&harness.services, id, "refresh", "retrying").len(),
        1,
        "the failure is audited"
    );

    clock.set(connection.expires_at.expect("expiry") + 10); // expired, and past the retry time
    let error = harness
        .services
        .renewal
        .access_token(id)
        .await
        .expect_err("an expired token whose renewal fails cannot be used");
    assert_eq!(error.code(), ErrorCode::Network, "a transient failure: {}", error);
    assert_eq!(refresh_tokens_sent(&fake).len(), 2, "one more try once expired");
    match status_of(&harness, id) {
        ConnectionStatus::Error {
            configuration: false,
            next_retry_at,
            ..
        } => assert_eq!(
            next_retry_at,
            Some(clock.now() + 120),
            "the next try again follows the server's Retry-After"
        ),
        other => panic!("still a transient error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_short_retry_after_is_waited_out_within_the_request() {
    let (fake, harness, clock, connection) = github_connection("b1-short", Some(fast_retries())).await;
    let id = connection.id;
    fake.script(TOKEN_PATH, [unavailable("1")]);
    let refreshed = harness
        .services
        .renewal
        .refresh_now(id)
        .await
        .expect("the token still works");
    assert_eq!(
        refresh_tokens_sent(&fake).len(),
        3,
        "B1: a Retry-After within the policy is waited out, up to the policy's tries"
    );
    assert!(
        matches!(
            refreshed.status,
            ConnectionStatus::Error { next_retry_at: Some(at), .. } if at == clock.now() + 1
        ),
        "the last Retry-After schedules the next try: {:?}",
        refreshed.status
    );

    fake.script(
        TOKEN_PATH,
        [unavailable("1"), token_reply("at-1", Some("rt-1"), Some(LIFETIME))],
    );
    let recovered = harness.services.renewal.refresh_now(id).await.expect("recovers");
    assert_eq!(
        refresh_tokens_sent(&fake),
        ["rt-0", "rt-0", "rt-0", "rt-0", "rt-0"],
        "a 503 spends no refresh token: the same one is sent again"
    );
    assert!(
        !matches!(recovered.status, ConnectionStatus::Error { .. }),
        "a successful renewal clears the error: {:?}",
        recovered.status
    );
    assert_eq!(recovered.health.next_retry_at, None, "and the scheduled retry");
}

/// Callers between a failed renewal and the time the server asked to be left alone until
/// must not ask the token endpoint again (B1: Retry-After honored by the engine, not only
/// inside one request).
#[tokio::test]
async fn callers_before_the_scheduled_retry_do_not_ask_the_token_endpoint_again() {
    let (fake, harness, clock, connection) = github_connection("b1-window", Some(fast_retries())).await;
    fake.script(TOKEN_PATH, [unavailable("120")]);
    let id = connection.id;
    into_the_margin(&clock, &connection);
    let token = harness.services.renewal.access_token(id).await.expect("still valid");
    assert_eq!(token.expose(), "at-0", "the current token while the renewal fails");
    assert_eq!(refresh_tokens_sent(&fake).len(), 1, "one try");

    clock.set(clock.now() + 10); // still within the 120 s the server asked for
    let token = harness.services.renewal.access_token(id).await.expect("still valid");
    assert_eq!(token.expose(), "at-0");
    assert_eq!(
        refresh_tokens_sent(&fake).len(),
        1,
        "B1: within the Retry-After window a caller gets the current token without a new token request"
    );
}

/// C2's "all get its result" when the result is a failure: callers queued behind a failed
/// refresh share it instead of each sending their own request to a server that is down.
#[tokio::test]
async fn fifty_callers_on_an_expired_token_share_one_failed_refresh() {
    let (fake, harness, clock, connection) = github_connection("c2-failed", Some(fast_retries())).await;
    fake.script(TOKEN_PATH, [unavailable("120").after(Duration::from_millis(200))]);
    clock.set(connection.expires_at.expect("expiry") + 10);
    let results = concurrent_access_tokens(&harness.services, connection.id, 50).await;
    for (caller, result) in results.iter().enumerate() {
        match result {
            Err(error) => assert_eq!(error.code, ErrorCode::Network, "caller {caller}: {}", error.message),
            Ok(_) => panic!("caller {caller} got a token although the renewal of an expired one failed"),
        }
    }
    assert_eq!(
        refresh_tokens_sent(&fake).len(),
        1,
        "C2: 50 callers at expiry cause one token request, even when it fails"
    );
}

// ---------------------------------------------------------------------------------------------
// invalid_client on refresh

#[tokio::test]
async fn invalid_client_on_refresh_is_a_settings_problem_without_retry() {
    let (fake, harness, clock, connection) = github_connection("invalid-client", None).await;
    fake.script(
        TOKEN_PATH,
        [Reply::json(
            401,
            r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
        )],
    );
    clock.set(clock.now() + 600);
    let error = harness
        .services
        .renewal
        .refresh_now(connection.id)
        .await
        .expect_err("a refused client cannot renew");
    assert_eq!(
        error.code(),
        ErrorCode::NotConfigured,
        "B7: the UI sends the person to Settings: {}",
        error
    );
    match status_of(&harness, connection.id) {
        ConnectionStatus::Error {
            configuration,
            next_retry_at,
            ..
        } => {
            assert!(configuration, "shown as a configuration error");
            assert_eq!(
                next_retry_at, None,
                "no retry is scheduled: only a change in Settings helps"
            );
        }
        other => panic!("invalid_client shows as a configuration error, got {other:?}"),
    }
    assert_eq!(
        refresh_tokens_sent(&fake).len(),
        1,
        "a rejected client is not retried in the request"
    );
    assert_eq!(
        stored_secret(&harness.services, &connection, "refresh_token").as_deref(),
        Some("rt-0"),
        "nothing is thrown away: the refresh token stays for when Settings are fixed"
    );
    assert!(
        harness.opened.try_recv().is_err(),
        "no browser sign-in is started (no consent loop)"
    );
}

// ---------------------------------------------------------------------------------------------
// C5: the rotated refresh token is committed with synchronous=FULL

#[tokio::test]
async fn a_disabled_connection_is_refused_for_use_until_enabled() {
    let (fake, harness, clock, connection) = github_connection("disabled", None).await;
    fake.script(TOKEN_PATH, [token_reply("at-1", Some("rt-1"), Some(LIFETIME))]);
    let id = connection.id;
    let set_enabled = |enabled: bool| {
        let changed = switchboard_core::db::connections::set_enabled(harness.services.context.db().conn(), id, enabled)
            .expect("set enabled");
        assert!(changed, "the connection exists");
    };

    set_enabled(false);
    into_the_margin(&clock, &connection);
    let refused = harness.services.renewal.access_token(id).await.expect_err("disabled");
    assert_eq!(refused.code(), ErrorCode::Disabled, "{}", refused);
    let refused = harness.services.renewal.refresh_now(id).await.expect_err("disabled");
    assert_eq!(refused.code(), ErrorCode::Disabled, "refresh now is refused too");
    assert_eq!(
        status_of(&harness, id),
        ConnectionStatus::Disabled,
        "the card says it is off"
    );
    assert!(
        refresh_tokens_sent(&fake).is_empty(),
        "a disabled connection's tokens are not renewed"
    );
    assert_eq!(
        stored_secret(&harness.services, &connection, "refresh_token").as_deref(),
        Some("rt-0"),
        "disabling keeps the tokens"
    );

    set_enabled(true);
    let token = harness.services.renewal.access_token(id).await.expect("enabled again");
    assert_eq!(
        token.expose(),
        "at-1",
        "enabled again, the due token is renewed and used"
    );
}

// ---------------------------------------------------------------------------------------------
// A 401 from an API, and tokens that cannot be renewed
