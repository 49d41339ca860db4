//! The scheduler's plan with chosen "now"s (no real time), wake detection, and one run of the
//! loop over an in-memory database.

use std::sync::Arc;

use super::*;
use crate::catalog::Catalog;
use crate::clock::ManualClock;
use crate::connections::saving::{save_connection, NewConnection};
use crate::connections::status::refresh_due;
use crate::connections::{identity::AccountIdentity, ConnectionStatus, Notifier, ProviderApps, RenewalsInFlight};
use crate::db::Database;
use crate::oauth::retry::RequestPolicy;
use crate::sensitive::Sensitive;
use crate::vault::KeyringSlot;

const NOW: i64 = 1_800_000_000;
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

fn catalog() -> Catalog {
    Catalog::builtin().expect("the built-in catalogue parses")
}

fn connection(id: i64, provider: &str, received_at: i64, expires_at: Option<i64>) -> Connection {
    Connection::for_test(id, provider, received_at, expires_at)
}

fn planned_ids(plan: &RenewalPlan) -> Vec<i64> {
    plan.renewals.iter().map(|renewal| renewal.connection_id.0).collect()
}

#[test]
fn an_expiring_token_is_planned_when_due_and_not_before() {
    let hour_long = [connection(1, "google", NOW, Some(NOW + HOUR))];
    let early = plan_renewals(&hour_long, &catalog(), NOW + HOUR - 301);
    assert!(early.renewals.is_empty(), "not due 5 min + 1 s before expiry");
    assert_eq!(
        early.next_look_in,
        Duration::from_secs(1),
        "the next look is when it falls due"
    );
    let due = plan_renewals(&hour_long, &catalog(), NOW + HOUR - 300);
    assert_eq!(
        due.renewals,
        vec![PlannedRenewal {
            connection_id: ConnectionId(1),
            reason: RenewalReason::Expiring,
            delay: Duration::ZERO
        }],
        "due 5 minutes before expiry, at once"
    );
    for seen in [NOW + HOUR - 301, NOW + HOUR - 300, NOW + HOUR + 60] {
        let planned = !plan_renewals(&hour_long, &catalog(), seen).renewals.is_empty();
        assert_eq!(
            planned,
            refresh_due(&hour_long[0], seen),
            "the plan agrees with the engine's refresh_due at {seen}"
        );
    }
}

#[test]
fn c6_a_clock_ten_minutes_off_does_not_make_a_fresh_token_due() {
    let fresh = [connection(1, "google", NOW, Some(NOW + HOUR))];
    for skew in [-600, 600] {
        let plan = plan_renewals(&fresh, &catalog(), NOW + skew);
        assert!(
            plan.renewals.is_empty(),
            "C6: expiry was computed at receipt, so a skew of {skew} s plans nothing"
        );
    }
}

#[test]
fn an_errored_connection_is_retried_once_its_retry_time_passes() {
    let mut errored = connection(1, "google", NOW, Some(NOW + HOUR));
    errored.health.last_error = Some("oauth2.googleapis.com did not answer in time".into());
    errored.health.next_retry_at = Some(NOW + 120);
    let errored = [errored];
    let waiting = plan_renewals(&errored, &catalog(), NOW + 119);
    assert!(waiting.renewals.is_empty(), "the backoff is honored");
    assert_eq!(
        waiting.next_look_in,
        Duration::from_secs(1),
        "and looked at when it ends"
    );
    let retry = plan_renewals(&errored, &catalog(), NOW + 120);
    assert_eq!(planned_ids(&retry), vec![1], "retried once the retry time has passed");
    assert_eq!(
        retry.renewals[0].reason,
        RenewalReason::RetryDue,
        "renewed whatever the expiry"
    );
}

#[test]
fn a_refused_client_waits_for_settings_instead_of_looping() {
    let mut refused = connection(1, "google", NOW, Some(NOW + 60));
    refused.health.last_error = Some("the client was refused".into());
    refused.health.error_is_configuration = true;
    let plan = plan_renewals(&[refused], &catalog(), NOW + DAY);
    assert!(
        plan.renewals.is_empty(),
        "invalid_client is fixed in Settings, not retried"
    );
}

#[test]
fn an_idle_atlassian_refresh_token_is_exercised_a_week_before_it_lapses() {
    let catalog = catalog();
    let idle_days = catalog
        .provider("atlassian")
        .and_then(|provider| provider.oauth.as_ref())
        .and_then(|oauth| oauth.refresh_token_idle_days)
        .expect("Atlassian's refresh tokens lapse when idle");
    let lapses_at = NOW + i64::from(idle_days) * DAY;
    // Its last access token expired long ago and nobody used it since.
    let mut idle = connection(1, "atlassian", NOW, None);
    idle.refreshed_at = Some(NOW);
    let idle = [idle];
    let before = plan_renewals(&idle, &catalog, lapses_at - 7 * DAY - 1);
    assert!(before.renewals.is_empty(), "not yet: more than a week left");
    let plan = plan_renewals(&idle, &catalog, lapses_at - 7 * DAY);
    assert_eq!(planned_ids(&plan), vec![1], "exercised a week before it lapses");
    assert_eq!(plan.renewals[0].reason, RenewalReason::IdleRefreshToken);
    let mut google = connection(2, "google", NOW, None);
    google.refreshed_at = Some(NOW);
    let plan = plan_renewals(&[google], &catalog, lapses_at);
    assert!(
        plan.renewals.is_empty(),
        "providers without an idle policy are left alone"
    );
}

#[test]
fn tokens_without_expiry_are_never_planned() {
    let mut github_app = connection(1, "github", NOW, None);
    github_app.created_at = NOW - 400 * DAY;
    let mut pasted = connection(2, "github", NOW, Some(NOW - DAY));
    pasted.auth_kind = AuthKind::ApiKey;
    let plan = plan_renewals(&[github_app, pasted], &catalog(), NOW + 400 * DAY);
    assert!(
        plan.renewals.is_empty(),
        "no expiry or a pasted token: health comes from tests and 401s"
    );
    assert_eq!(plan.next_look_in, MAX_LOOK_AHEAD, "nothing ahead: the longest look");
}

#[test]
fn disabled_and_reauthorization_connections_are_never_planned() {
    let mut disabled = connection(1, "google", NOW, Some(NOW + 60));
    disabled.enabled = false;
    let mut revoked = connection(2, "google", NOW, Some(NOW + 60));
    revoked.health.reauthorization_reason = Some("revoked".into());
    revoked.health.last_error = Some("invalid_grant".into());
    revoked.health.next_retry_at = Some(NOW);
    let plan = plan_renewals(&[disabled, revoked], &catalog(), NOW + DAY);
    assert!(plan.renewals.is_empty(), "neither may be used, so neither is renewed");
}

#[test]
fn c7_after_three_days_asleep_every_renewal_is_planned_spread_out() {
    let catalog = catalog();
    let mut connections: Vec<Connection> = (1..=12)
        .map(|id| connection(id, "google", NOW + id * 60, Some(NOW + id * 60 + HOUR)))
        .collect();
    let mut errored = connection(13, "google", NOW, Some(NOW + HOUR));
    errored.health.last_error = Some("network".into());
    errored.health.next_retry_at = Some(NOW + 300);
    connections.push(errored);
    connections.push(connection(14, "github", NOW, None)); // never expires: never planned
    let woke_at = NOW + 3 * DAY;
    let plan = plan_renewals(&connections, &catalog, woke_at);
    let mut ids = planned_ids(&plan);
    ids.sort_unstable();
    assert_eq!(
        ids,
        (1..=13).collect::<Vec<_>>(),
        "C7: every renewable connection is due"
    );
    let delays: Vec<Duration> = plan.renewals.iter().map(|renewal| renewal.delay).collect();
    assert_eq!(delays[0], Duration::ZERO, "the most overdue starts at once");
    assert!(
        delays.windows(2).all(|pair| pair[1] >= pair[0] + RENEWAL_SPREAD),
        "C7: never two at the same instant, a few seconds apart: {delays:?}"
    );
    assert_eq!(
        plan.renewals[0].connection_id,
        ConnectionId(13),
        "most overdue first (its retry time came earliest)"
    );
}

#[test]
fn the_next_look_is_the_soonest_due_time_at_most_fifteen_minutes_away() {
    let soon = connection(1, "google", NOW - HOUR, Some(NOW + 600 + 300));
    let later = connection(2, "google", NOW, Some(NOW + 2 * HOUR));
    let plan = plan_renewals(&[later.clone(), soon], &catalog(), NOW);
    assert_eq!(plan.next_look_in, Duration::from_secs(600), "the soonest wins");
    let plan = plan_renewals(&[later], &catalog(), NOW);
    assert_eq!(plan.next_look_in, MAX_LOOK_AHEAD, "capped at 15 minutes");
}

#[test]
fn a_wake_is_a_wall_clock_jump_well_beyond_the_monotonic_time() {
    let minute = Duration::from_secs(60);
    assert!(
        woke_from_sleep(3 * DAY + 60, minute),
        "C7: three days on the wall clock, a minute awake"
    );
    assert!(!woke_from_sleep(60, minute), "clocks that agree mean no sleep");
    assert!(
        !woke_from_sleep(60 + WAKE_JUMP_SECONDS, minute),
        "a small drift or adjustment is not a wake"
    );
    assert!(
        woke_from_sleep(61 + WAKE_JUMP_SECONDS, minute),
        "just beyond the threshold is"
    );
    assert!(!woke_from_sleep(-600, minute), "a wall clock set back is not a wake");
}

/// The loop over the real services: it starts without blocking, and an expired token that
/// cannot be renewed (no refresh token) is found and marked as needing re-authorization.
#[tokio::test]
async fn the_loop_finds_an_expired_unrenewable_connection_without_blocking() {
    let clock = Arc::new(ManualClock::new(NOW));
    let database = Database::open_in_memory().expect("an in-memory database");
    let context = CoreContext::new(Arc::new(catalog()), database, clock.clone());
    let notifier = Notifier::new(|_| {});
    let keys = Arc::new(KeyHolder::new(KeyringSlot::default()));
    keys.use_session_only(); // the keyring is never asked
    let renewing = Arc::new(RenewalsInFlight::default());
    let store = Arc::new(ConnectionStore::new(
        context.clone(),
        keys.clone(),
        renewing.clone(),
        notifier.clone(),
    ));
    let apps = Arc::new(ProviderApps::new(
        context.clone(),
        keys.clone(),
        Default::default(),
        Default::default(),
        notifier.clone(),
    ));
    let policy = RequestPolicy::standard();
    let renewal = Arc::new(TokenRenewal::new(
        context.clone(),
        store.clone(),
        apps.clone(),
        keys.clone(),
        policy.clone(),
        renewing,
        notifier.clone(),
    ));
    let revocations = Arc::new(Revocations::new(
        context.clone(),
        store.clone(),
        apps,
        keys.clone(),
        policy,
        notifier,
    ));
    let key = keys.loaded().expect("the session key");
    let access = Sensitive::new("expired-access".to_owned());
    let identity = AccountIdentity {
        id: "iss|ana".into(),
        label: "ana@example.com".into(),
    };
    let saved = save_connection(
        &context.db(),
        &key,
        &NewConnection {
            provider: "google",
            products: &[],
            auth_kind: AuthKind::Oauth2,
            identity: &identity,
            scopes: &[],
            expires_at: Some(NOW + HOUR),
            config: serde_json::json!({}),
            secrets: vec![("access_token", &access)],
        },
        NOW,
    )
    .expect("the connection is saved");
    clock.set(NOW + 3 * DAY);
    let timing = SchedulerTiming {
        first_pass_delay: Duration::ZERO,
        wake_settle: Duration::ZERO,
        max_pause: Duration::from_millis(20),
        min_pause: Duration::from_millis(20),
    };
    let scheduler = Scheduler {
        context,
        keys,
        store: store.clone(),
        renewal,
        revocations,
    };
    let scheduler = tokio::spawn(async move { scheduler.run(timing).await });
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = store.get(saved.id).expect("the connection").status;
        if matches!(status, ConnectionStatus::NeedsReauthorization { .. }) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the scheduler should have found the expired token: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    scheduler.abort();
}
