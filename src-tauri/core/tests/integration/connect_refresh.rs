//! The refresh engine when renewals work (SECURITY.md C2, C3, C5 and the 401 rule): against
//! oidc-provider, which rotates refresh tokens and revokes the whole grant when an old one is
//! used again, and against the scriptable fake provider, which records every token request.
//! Time is a `ManualClock` the tests move; nothing here measures how long anything took.

use crate::support::connector;
use crate::support::fake_provider;
use crate::support::google_flow;
use crate::support::oidc;
use crate::support::refresh as refresh_support;
use crate::support::refresh_cases;

use std::sync::Arc;
use std::time::Duration;

use connector::google_overrides;
use fake_provider::FakeProvider;
use google_flow::LOOPBACK;
use oidc::OidcServer;
use refresh_support::{
    audited, concurrent_access_tokens, connect_ana, connect_github, github_overrides, manual_harness, real_now,
    refresh_tokens_sent, stored_secret, token_reply, SqlTrace, TOKEN_PATH,
};
use switchboard_core::clock::{Clock, ManualClock};
use switchboard_core::connections::ConnectionStatus;
use switchboard_core::error::ErrorCode;

/// A token lifetime long enough that only the tests' clock moves make it due.
use refresh_cases::*;

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
    let access_before = stored_secret(&harness.services, &connection, "access_token").expect("an access token");
    let refresh_before = stored_secret(&harness.services, &connection, "refresh_token")
        .expect("offline_access with prompt=consent gives a refresh token");
    into_the_margin(&clock, &connection);

    let results = concurrent_access_tokens(&harness.services, connection.id, 50).await;
    let renewed = all_the_same(results);
    assert_ne!(
        renewed, access_before,
        "a token within the margin is renewed before it is handed out"
    );
    assert_eq!(
        audited(&harness.services, connection.id, "refresh", "ok").len(),
        1,
        "C2: 50 concurrent callers cause exactly one refresh"
    );
    let refresh_after = stored_secret(&harness.services, &connection, "refresh_token").expect("a refresh token");
    assert_ne!(
        refresh_after, refresh_before,
        "oidc-provider rotated the refresh token and the rotated one is stored"
    );

    // Had two refreshes spent the same refresh token, oidc-provider would have revoked the whole
    // grant, and this renewal (with the stored, rotated token) would need re-authorization.
    let again = harness
        .services
        .renewal
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
        audited(&harness.services, connection.id, "refresh", "ok").len(),
        2,
        "the second renewal is recorded too"
    );
    let access_now = harness
        .services
        .renewal
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

    let results = concurrent_access_tokens(&harness.services, connection.id, callers).await;
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
        audited(&harness.services, connection.id, "refresh", "ok").len(),
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

    harness
        .services
        .renewal
        .refresh_now(id)
        .await
        .expect("the first renewal");
    assert_eq!(
        stored_secret(&harness.services, &connection, "refresh_token").as_deref(),
        Some("rt-1"),
        "C3: the rotated refresh token replaces the old one"
    );
    harness
        .services
        .renewal
        .refresh_now(id)
        .await
        .expect("the second renewal");
    assert_eq!(
        stored_secret(&harness.services, &connection, "refresh_token").as_deref(),
        Some("rt-1"),
        "a reply without a refresh token keeps the current one"
    );
    harness
        .services
        .renewal
        .refresh_now(id)
        .await
        .expect("the third renewal");

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
            .services
            .renewal
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
async fn a_rotated_refresh_token_is_committed_with_synchronous_full() {
    let (fake, harness, _clock, connection) = github_connection("c5-full", None).await;
    fake.script(TOKEN_PATH, [token_reply("at-1", Some("rt-1"), Some(LIFETIME))]);
    let trace = SqlTrace::start(harness.services.context.db().conn());
    let token = harness.services.renewal.refresh_now(connection.id).await;
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
    // (The renewal's start is written durably too, before the request: the commit is the
    // durable write that holds the compare-and-swap.)
    let first_swap = find(0, "compare-and-swap UPDATE", &|s: &str| {
        s.starts_with("UPDATE connections SET token_version")
    });
    let full = statements[..first_swap]
        .iter()
        .rposition(|statement| synchronous("FULL")(statement))
        .unwrap_or_else(|| panic!("C5: no PRAGMA synchronous = FULL before the commit in {statements:#?}"));
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
        .services
        .context
        .db()
        .conn()
        .pragma_query_value(None, "synchronous", |row| row.get(0))
        .expect("read PRAGMA synchronous");
    assert_eq!(level, 1, "synchronous is back to NORMAL (1) for everything else");
    assert_eq!(
        stored_secret(&harness.services, &connection, "refresh_token").as_deref(),
        Some("rt-1"),
        "the rotated refresh token is what was committed"
    );
}

// ---------------------------------------------------------------------------------------------
// Disabled connections

#[tokio::test]
async fn a_401_renews_once_and_a_refusal_after_that_needs_reauthorization() {
    let (fake, harness, _clock, connection) = github_connection("after-401", None).await;
    fake.script(TOKEN_PATH, [token_reply("at-1", Some("rt-1"), Some(LIFETIME))]);
    let id = connection.id;
    let refused_version = connection.health.token_version;

    let renewed = harness
        .services
        .renewal
        .after_unauthorized(id, refused_version)
        .await
        .expect("a 401 renews the token once");
    assert_eq!(renewed.expose(), "at-1", "the renewed token is handed out");
    let second = harness
        .services
        .renewal
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
        .services
        .renewal
        .refused_after_renewal(id)
        .expect("the renewed token was refused too");
    assert!(
        matches!(status_of(&harness, id), ConnectionStatus::NeedsReauthorization { .. }),
        "a 401 after a renewal means re-authorization"
    );
    let used = harness
        .services
        .renewal
        .access_token(id)
        .await
        .expect_err("refused for use");
    assert_eq!(used.code(), ErrorCode::NeedsAuth);
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
    let token = harness.services.renewal.access_token(id).await.expect("still usable");
    assert_eq!(token.expose(), "gho_forever");
    let refreshed = harness
        .services
        .renewal
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
        .services
        .renewal
        .access_token(id)
        .await
        .expect("usable until it expires");
    assert_eq!(token.expose(), "at-0");

    clock.set(connection.expires_at.expect("expiry") + 1);
    let error = harness
        .services
        .renewal
        .access_token(id)
        .await
        .expect_err("expired, and nothing to renew it with");
    assert_eq!(error.code(), ErrorCode::NeedsAuth, "{}", error);
    assert!(
        matches!(status_of(&harness, id), ConnectionStatus::NeedsReauthorization { .. }),
        "the card asks for a new sign-in"
    );
    assert!(
        refresh_tokens_sent(&fake).is_empty(),
        "no token request without a refresh token"
    );
}
