//! The refresh tests' shared cases: a GitHub-like connection with a known lifetime, moving the
//! clock into the renewal margin, reading a status, comparing what many callers got, and the
//! fake's "unavailable" answers with a fast retry policy.

use std::sync::Arc;
use std::time::Duration;

use switchboard_core::clock::{Clock, ManualClock};
use switchboard_core::connections::status::{refresh_due, refresh_margin};
use switchboard_core::connections::{Connection, ConnectionStatus};
use switchboard_core::ids::ConnectionId;
use switchboard_core::oauth::retry::RetryPolicy;

use super::connector::Harness;
use super::fake_provider::{FakeProvider, Reply};
use super::refresh::{connect_github, github_overrides, manual_harness, real_now, refresh_tokens_sent, token_reply};

pub const LIFETIME: i64 = 3600;

/// A GitHub connection at the fake, made at `clock`'s time with tokens `at-0` / `rt-0`.
pub async fn github_connection(
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
        "expires_at is computed from expires_in at receipt, on the services's clock"
    );
    assert!(
        refresh_tokens_sent(&fake).is_empty(),
        "connecting sends no refresh grant"
    );
    (fake, harness, clock, connection)
}

/// Moves the clock into the refresh margin of the connection's token, not past its expiry.
pub fn into_the_margin(clock: &ManualClock, connection: &Connection) {
    let expires_at = connection.expires_at.expect("the token has an expiry");
    let margin = refresh_margin(connection);
    assert!(margin >= 2, "a margin to move into: {margin} s");
    clock.set(expires_at - margin / 2);
    assert!(
        refresh_due(connection, clock.now()),
        "the clock is now within the refresh margin"
    );
}

pub fn status_of(harness: &Harness, id: ConnectionId) -> ConnectionStatus {
    harness.services.store.get(id).expect("the connection").status
}

pub fn all_the_same(results: Vec<Result<String, switchboard_core::error::UserError>>) -> String {
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

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        base: Duration::from_millis(10),
        cap: Duration::from_millis(20),
        retry_after_cap: 30,
    }
}

pub fn unavailable(retry_after: &str) -> Reply {
    Reply::json(503, r#"{"error":"temporarily_unavailable"}"#).header("Retry-After", retry_after)
}
