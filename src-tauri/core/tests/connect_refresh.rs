//! The refresh engine end to end (SECURITY.md section C, issue 4's tests): against oidc-provider,
//! which rotates refresh tokens and revokes the whole grant when an old one is used again, and
//! against the scriptable fake provider, which records every token request. Time is a
//! `ManualClock` the tests move; nothing here measures how long anything took.

#[path = "support/connector.rs"]
mod connector;
#[path = "support/fake_provider.rs"]
mod fake_provider;
#[path = "support/google_flow.rs"]
mod google_flow;
#[path = "support/keyring.rs"]
mod keyring;
#[path = "support/oidc.rs"]
mod oidc;
#[path = "support/refresh.rs"]
mod refresh_support;

use std::sync::Arc;
use std::time::Duration;

use connector::{google_overrides, Harness};
use fake_provider::{FakeProvider, Reply};
use google_flow::LOOPBACK;
use oidc::OidcServer;
use refresh_support::{
    audited, concurrent_access_tokens, connect_ana, connect_github, github_overrides, manual_harness, real_now,
    refresh_tokens_sent, stored_secret, token_reply, SqlTrace, TOKEN_PATH,
};
use switchboard_core::clock::{Clock, ManualClock};
use switchboard_core::connections::status::{refresh_due, refresh_margin};
use switchboard_core::connections::{Connection, ConnectionStatus};
use switchboard_core::error::ErrorCode;
use switchboard_core::oauth::retry::RetryPolicy;

/// A token lifetime long enough that only the tests' clock moves make it due.
const LIFETIME: i64 = 3600;

/// A GitHub connection at the fake, made at `clock`'s time with tokens `at-0` / `rt-0`.
async fn github_connection(
    test: &str,
    retry: Option<RetryPolicy>,
) -> (FakeProvider, Harness, Arc<ManualClock>, Connection) {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(&github_overrides(&fake), test, Arc::clone(&clock), |config| {
        if let Some(retry) = retry {
            config.request_policy.retry = retry;
        }
    });
    let connection = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(LIFETIME))).await;
    assert_eq!(
        connection.expires_at,
        Some(clock.now() + LIFETIME),
        "expires_at is computed from expires_in at receipt, on the connector's clock"
    );
    assert!(
        refresh_tokens_sent(&fake).is_empty(),
        "connecting sends no refresh grant"
    );
    (fake, harness, clock, connection)
}

/// Moves the clock into the refresh margin of the connection's token, not past its expiry.
fn into_the_margin(clock: &ManualClock, connection: &Connection) {
    let expires_at = connection.expires_at.expect("the token has an expiry");
    let margin = refresh_margin(connection);
    assert!(margin >= 2, "a margin to move into: {margin} s");
    clock.set(expires_at - margin / 2);
    assert!(
        refresh_due(connection, clock.now()),
        "the clock is now within the refresh margin"
    );
}

fn status_of(harness: &Harness, id: i64) -> ConnectionStatus {
    harness.connector.connection(id).expect("the connection").status
}

fn all_the_same(results: Vec<Result<String, switchboard_core::error::UserError>>) -> String {
    let callers = results.len();
    let tokens: Vec<String> = results
        .into_iter()
        .enumerate()
        .map(|(caller, result)| {
            result.unwrap_or_else(|error| {
                panic!("C2: caller {caller} of {callers} must get the renewed token: {error:?}")
            })
        })
        .collect();
    assert!(
        tokens.iter().all(|token| *token == tokens[0]),
        "C2: all {callers} callers get the result of the one refresh"
    );
    tokens[0].clone()
}

// ---------------------------------------------------------------------------------------------
// C2 + C3 against oidc-provider

#[tokio::test]
async fn fifty_callers_at_expiry_share_one_refresh_and_the_grant_stays_alive() {
    let server = OidcServer::start();
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(
        &google_overrides(&server, LOOPBACK),
        "c2-oidc",
        Arc::clone(&clock),
        |_| {},
    );
    let connection = connect_ana(&harness).await;
    let access_before = stored_secret(&harness.connector, &connection, "access_token").expect("an access token");
    let refresh_before = stored_secret(&harness.connector, &connection, "refresh_token")
        .expect("offline_access with prompt=consent gives a refresh token");
    into_the_margin(&clock, &connection);

    let results = concurrent_access_tokens(&harness.connector, connection.id, 50).await;
    let renewed = all_the_same(results);
    assert_ne!(
        renewed, access_before,
        "a token within the margin is renewed before it is handed out"
    );
    assert_eq!(
        audited(&harness.connector, connection.id, "refresh", "ok").len(),
        1,
        "C2: 50 concurrent callers cause exactly one refresh"
    );
    let refresh_after = stored_secret(&harness.connector, &connection, "refresh_token").expect("a refresh token");
    assert_ne!(
        refresh_after, refresh_before,
        "oidc-provider rotated the refresh token and the rotated one is stored"
    );

    // Had two refreshes spent the same refresh token, oidc-provider would have revoked the whole
    // grant, and this renewal (with the stored, rotated token) would need re-authorization.
    let again = harness
        .connector
        .refresh_now(connection.id)
        .await
        .expect("C2/C3: the grant is still alive after the concurrent callers");
    assert!(
        !matches!(
            again.status,
            ConnectionStatus::NeedsReauthorization { .. } | ConnectionStatus::Error { .. }
        ),
        "a successful renewal leaves the connection healthy, got {:?}",
        again.status
    );
    assert_eq!(
        audited(&harness.connector, connection.id, "refresh", "ok").len(),
        2,
        "the second renewal is recorded too"
    );
    let access_now = harness
        .connector
        .access_token(connection.id)
        .await
        .expect("a usable token");
    assert_ne!(access_now.expose(), &renewed, "refresh now replaced the access token");
}

// ---------------------------------------------------------------------------------------------
// C2 against the fake: the token requests themselves counted

async fn callers_at_expiry_cause_one_token_request(callers: usize) {
    let (fake, harness, clock, connection) = github_connection(&format!("c2-fake-{callers}"), None).await;
    // The answer is held back a little so that the callers pile up behind the one in flight.
    fake.script(
        TOKEN_PATH,
        [
            token_reply("at-1", Some("rt-1"), Some(LIFETIME)).after(Duration::from_millis(200)),
            token_reply("at-extra", Some("rt-extra"), Some(LIFETIME)),
        ],
    );
    into_the_margin(&clock, &connection);

    let results = concurrent_access_tokens(&harness.connector, connection.id, callers).await;
    assert_eq!(
        refresh_tokens_sent(&fake),
        ["rt-0"],
        "C2: {callers} concurrent callers at expiry cause exactly one token request"
    );
    assert_eq!(
        all_the_same(results),
        "at-1",
        "C2: every caller gets the token of that one request"
    );
    assert_eq!(
        audited(&harness.connector, connection.id, "refresh", "ok").len(),
        1,
        "one refresh in the audit log"
    );
}

#[tokio::test]
async fn fifty_callers_at_expiry_cause_one_token_request() {
    callers_at_expiry_cause_one_token_request(50).await;
}

#[tokio::test]
async fn a_hundred_callers_at_expiry_cause_one_token_request() {
    callers_at_expiry_cause_one_token_request(100).await;
}

// ---------------------------------------------------------------------------------------------
// C3: rotation

#[tokio::test]
async fn after_a_rotation_only_the_new_refresh_token_is_sent() {
    let (fake, harness, _clock, connection) = github_connection("c3-rotation", None).await;
    fake.script(
        TOKEN_PATH,
        [
            token_reply("at-1", Some("rt-1"), Some(LIFETIME)),
            token_reply("at-2", None, Some(LIFETIME)),
            token_reply("at-3", None, Some(LIFETIME)),
        ],
    );
    let id = connection.id;

    harness.connector.refresh_now(id).await.expect("the first renewal");
    assert_eq!(
        stored_secret(&harness.connector, &connection, "refresh_token").as_deref(),
        Some("rt-1"),
        "C3: the rotated refresh token replaces the old one"
    );
    harness.connector.refresh_now(id).await.expect("the second renewal");
    assert_eq!(
        stored_secret(&harness.connector, &connection, "refresh_token").as_deref(),
        Some("rt-1"),
        "a reply without a refresh token keeps the current one"
    );
    harness.connector.refresh_now(id).await.expect("the third renewal");

    let sent = refresh_tokens_sent(&fake);
    assert_eq!(
        sent,
        ["rt-0", "rt-1", "rt-1"],
        "C3: after the rotation the new refresh token is sent, and kept when a reply has none"
    );
    assert_eq!(
        sent.iter().filter(|token| *token == "rt-0").count(),
        1,
        "C3: the old refresh token is never sent again after a successful rotation"
    );
    assert_eq!(
        harness
            .connector
            .access_token(id)
            .await
            .expect("a usable token")
            .expose(),
        "at-3",
        "the latest access token is the one handed out"
    );
}

// ---------------------------------------------------------------------------------------------
// C1: a revoked refresh token

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
    let refresh = stored_secret(&harness.connector, &connection, "refresh_token").expect("a refresh token");
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
        .connector
        .refresh_now(connection.id)
        .await
        .expect_err("C1: a revoked refresh token cannot renew anything");
    assert_eq!(
        error.code,
        ErrorCode::NeedsAuth,
        "C1: invalid_grant means re-authorization: {}",
        error.message
    );
    assert!(
        matches!(
            status_of(&harness, connection.id),
            ConnectionStatus::NeedsReauthorization { .. }
        ),
        "C1: the card shows that the account must be connected again"
    );
    let used = harness
        .connector
        .access_token(connection.id)
        .await
        .expect_err("C1: a connection needing re-authorization is refused for use");
    assert_eq!(used.code, ErrorCode::NeedsAuth);
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

    let first = harness.connector.refresh_now(id).await.expect_err("C1: revoked");
    assert_eq!(first.code, ErrorCode::NeedsAuth, "C1: {}", first.message);
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
        harness
            .connector
            .connection(id)
            .expect("connection")
            .health
            .next_retry_at,
        None,
        "C1: no retry is scheduled"
    );

    let second = harness.connector.refresh_now(id).await.expect_err("still revoked");
    assert_eq!(second.code, ErrorCode::NeedsAuth);
    clock.set(connection.expires_at.expect("expiry") + 1);
    let used = harness.connector.access_token(id).await.expect_err("refused for use");
    assert_eq!(used.code, ErrorCode::NeedsAuth);
    assert_eq!(
        refresh_tokens_sent(&fake),
        ["rt-0"],
        "C1: after invalid_grant no further token request is made"
    );
    assert_eq!(
        audited(&harness.connector, id, "refresh", "needs re-authorization").len(),
        1,
        "the revocation is audited once"
    );
}

// ---------------------------------------------------------------------------------------------
// B1 at the engine: 503 with Retry-After

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        base: Duration::from_millis(10),
        cap: Duration::from_millis(20),
        retry_after_cap: 30,
    }
}

fn unavailable(retry_after: &str) -> Reply {
    Reply::json(503, r#"{"error":"temporarily_unavailable"}"#).header("Retry-After", retry_after)
}

#[tokio::test]
async fn a_503_with_retry_after_keeps_the_token_usable_and_schedules_the_retry() {
    let (fake, harness, clock, connection) = github_connection("b1-retry-after", Some(fast_retries())).await;
    fake.script(TOKEN_PATH, [unavailable("120")]);
    let id = connection.id;
    let received = clock.now();
    clock.set(received + 600); // not yet due

    let refreshed = harness
        .connector
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
                "B1: the server's Retry-After sets the next try (on the connector's clock)"
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
        harness.connector.access_token(id).await.expect("still usable").expose(),
        "at-0",
        "the current token stays usable until it expires"
    );
    assert_eq!(
        refresh_tokens_sent(&fake).len(),
        1,
        "handing out a token that is not due asks nothing"
    );
    assert_eq!(
        audited(&harness.connector, id, "refresh", "retrying").len(),
        1,
        "the failure is audited"
    );

    clock.set(connection.expires_at.expect("expiry") + 10); // expired, and past the retry time
    let error = harness
        .connector
        .access_token(id)
        .await
        .expect_err("an expired token whose renewal fails cannot be used");
    assert_eq!(error.code, ErrorCode::Network, "a transient failure: {}", error.message);
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
    let refreshed = harness.connector.refresh_now(id).await.expect("the token still works");
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
    let recovered = harness.connector.refresh_now(id).await.expect("recovers");
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
    let token = harness.connector.access_token(id).await.expect("still valid");
    assert_eq!(token.expose(), "at-0", "the current token while the renewal fails");
    assert_eq!(refresh_tokens_sent(&fake).len(), 1, "one try");

    clock.set(clock.now() + 10); // still within the 120 s the server asked for
    let token = harness.connector.access_token(id).await.expect("still valid");
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
    let results = concurrent_access_tokens(&harness.connector, connection.id, 50).await;
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
        .connector
        .refresh_now(connection.id)
        .await
        .expect_err("a refused client cannot renew");
    assert_eq!(
        error.code,
        ErrorCode::NotConfigured,
        "B7: the UI sends the person to Settings: {}",
        error.message
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
        stored_secret(&harness.connector, &connection, "refresh_token").as_deref(),
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
async fn a_rotated_refresh_token_is_committed_with_synchronous_full() {
    let (fake, harness, _clock, connection) = github_connection("c5-full", None).await;
    fake.script(TOKEN_PATH, [token_reply("at-1", Some("rt-1"), Some(LIFETIME))]);
    let trace = SqlTrace::start(harness.connector.db().conn());
    let token = harness.connector.refresh_now(connection.id).await;
    let statements = trace.statements();
    drop(trace);
    token.expect("the renewal succeeds");

    let find = |from: usize, what: &str, matches: &dyn Fn(&str) -> bool| -> usize {
        statements
            .iter()
            .skip(from)
            .position(|statement| matches(statement))
            .map(|at| at + from)
            .unwrap_or_else(|| panic!("C5: no {what} after statement {from} in {statements:#?}"))
    };
    let synchronous = |level: &'static str| {
        move |statement: &str| {
            let statement = statement.to_ascii_uppercase();
            statement.starts_with("PRAGMA") && statement.contains("SYNCHRONOUS") && statement.contains(level)
        }
    };
    let full = find(0, "PRAGMA synchronous = FULL", &synchronous("FULL"));
    let begin = find(full, "BEGIN IMMEDIATE", &|s: &str| {
        s.to_ascii_uppercase().starts_with("BEGIN IMMEDIATE")
    });
    let swap = find(begin, "compare-and-swap UPDATE", &|s: &str| {
        s.starts_with("UPDATE connections SET token_version")
    });
    let rotated = find(begin, "write of the refresh token", &|s: &str| {
        s == "secrets:refresh_token"
    });
    let access = find(begin, "write of the access token", &|s: &str| {
        s == "secrets:access_token"
    });
    let commit = find(rotated, "COMMIT", &|s: &str| s.eq_ignore_ascii_case("COMMIT"));
    let normal = find(commit, "PRAGMA synchronous = NORMAL", &synchronous("NORMAL"));
    assert!(
        full < begin && begin < swap && swap < commit && rotated < commit && access < commit && commit < normal,
        "C5: synchronous=FULL, then the transaction with the rotated token, committed, then NORMAL again: {statements:#?}"
    );
    assert!(
        !statements[full + 1..commit]
            .iter()
            .any(|statement| synchronous("NORMAL")(statement)),
        "C5: nothing lowers durability before the commit: {statements:#?}"
    );

    let level: i64 = harness
        .connector
        .db()
        .conn()
        .pragma_query_value(None, "synchronous", |row| row.get(0))
        .expect("read PRAGMA synchronous");
    assert_eq!(level, 1, "synchronous is back to NORMAL (1) for everything else");
    assert_eq!(
        stored_secret(&harness.connector, &connection, "refresh_token").as_deref(),
        Some("rt-1"),
        "the rotated refresh token is what was committed"
    );
}

// ---------------------------------------------------------------------------------------------
// Disabled connections

#[tokio::test]
async fn a_disabled_connection_is_refused_for_use_until_enabled() {
    let (fake, harness, clock, connection) = github_connection("disabled", None).await;
    fake.script(TOKEN_PATH, [token_reply("at-1", Some("rt-1"), Some(LIFETIME))]);
    let id = connection.id;
    let set_enabled = |enabled: bool| {
        let changed = switchboard_core::db::connections::set_enabled(harness.connector.db().conn(), id, enabled)
            .expect("set enabled");
        assert!(changed, "the connection exists");
    };

    set_enabled(false);
    into_the_margin(&clock, &connection);
    let refused = harness.connector.access_token(id).await.expect_err("disabled");
    assert_eq!(refused.code, ErrorCode::Disabled, "{}", refused.message);
    let refused = harness.connector.refresh_now(id).await.expect_err("disabled");
    assert_eq!(refused.code, ErrorCode::Disabled, "refresh now is refused too");
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
        stored_secret(&harness.connector, &connection, "refresh_token").as_deref(),
        Some("rt-0"),
        "disabling keeps the tokens"
    );

    set_enabled(true);
    let token = harness.connector.access_token(id).await.expect("enabled again");
    assert_eq!(
        token.expose(),
        "at-1",
        "enabled again, the due token is renewed and used"
    );
}

// ---------------------------------------------------------------------------------------------
// A 401 from an API, and tokens that cannot be renewed

#[tokio::test]
async fn a_401_renews_once_and_a_refusal_after_that_needs_reauthorization() {
    let (fake, harness, _clock, connection) = github_connection("after-401", None).await;
    fake.script(TOKEN_PATH, [token_reply("at-1", Some("rt-1"), Some(LIFETIME))]);
    let id = connection.id;
    let refused_version = connection.health.token_version;

    let renewed = harness
        .connector
        .after_unauthorized(id, refused_version)
        .await
        .expect("a 401 renews the token once");
    assert_eq!(renewed.expose(), "at-1", "the renewed token is handed out");
    let second = harness
        .connector
        .after_unauthorized(id, refused_version)
        .await
        .expect("another caller refused with the same old token");
    assert_eq!(
        second.expose(),
        "at-1",
        "a 401 for a token that was already replaced uses the replacement"
    );
    assert_eq!(
        refresh_tokens_sent(&fake),
        ["rt-0"],
        "one renewal for any number of 401s on the same token"
    );

    harness
        .connector
        .refused_after_renewal(id)
        .expect("the renewed token was refused too");
    assert!(
        matches!(status_of(&harness, id), ConnectionStatus::NeedsReauthorization { .. }),
        "a 401 after a renewal means re-authorization"
    );
    let used = harness.connector.access_token(id).await.expect_err("refused for use");
    assert_eq!(used.code, ErrorCode::NeedsAuth);
    assert_eq!(refresh_tokens_sent(&fake).len(), 1, "and no renewal loop");
}

#[tokio::test]
async fn a_token_without_expiry_is_never_refreshed() {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(&github_overrides(&fake), "no-expiry", Arc::clone(&clock), |_| {});
    let connection = connect_github(&harness, &fake, token_reply("gho_forever", None, None)).await;
    assert_eq!(
        connection.expires_at, None,
        "no expires_in, no expiry (a GitHub OAuth app)"
    );
    let id = connection.id;

    clock.set(clock.now() + 400 * 24 * 60 * 60);
    let token = harness.connector.access_token(id).await.expect("still usable");
    assert_eq!(token.expose(), "gho_forever");
    let refreshed = harness
        .connector
        .refresh_now(id)
        .await
        .expect("refresh now on a token that cannot be renewed is not an error");
    assert!(
        !matches!(
            refreshed.status,
            ConnectionStatus::Error { .. } | ConnectionStatus::NeedsReauthorization { .. }
        ),
        "its health comes from tests and 401s, not from refreshes: {:?}",
        refreshed.status
    );
    assert!(
        refresh_tokens_sent(&fake).is_empty(),
        "tokens without expiry are never refreshed"
    );
}

#[tokio::test]
async fn an_expired_token_without_a_refresh_token_needs_reauthorization() {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(&github_overrides(&fake), "no-refresh-token", Arc::clone(&clock), |_| {});
    let connection = connect_github(&harness, &fake, token_reply("at-0", None, Some(LIFETIME))).await;
    let id = connection.id;

    into_the_margin(&clock, &connection);
    let token = harness
        .connector
        .access_token(id)
        .await
        .expect("usable until it expires");
    assert_eq!(token.expose(), "at-0");

    clock.set(connection.expires_at.expect("expiry") + 1);
    let error = harness
        .connector
        .access_token(id)
        .await
        .expect_err("expired, and nothing to renew it with");
    assert_eq!(error.code, ErrorCode::NeedsAuth, "{}", error.message);
    assert!(
        matches!(status_of(&harness, id), ConnectionStatus::NeedsReauthorization { .. }),
        "the card asks for a new sign-in"
    );
    assert!(
        refresh_tokens_sent(&fake).is_empty(),
        "no token request without a refresh token"
    );
}
