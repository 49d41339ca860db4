//! Keeps connections healthy in the background: renews access tokens before they expire,
//! retries failed renewals when their backoff ends, exercises refresh tokens that lapse when
//! idle (Atlassian: 90 days), and notices the machine waking from sleep (SECURITY.md C7). The
//! planning is a pure function of the connections, the catalogue and "now"; the loop around it
//! reads time only through the core's clock and tokio's monotonic timer, and starts after a
//! short delay so it never holds up start-up. It keeps no state: it asks the store, renewal and
//! revocations services.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

use super::renewal::TokenRenewal;
use super::revocation::{RevocationRetries, Revocations};
use super::status::refresh_margin;
use super::store::ConnectionStore;
use super::Connection;
use crate::catalog::{AuthKind, Catalog, Provider};
use crate::context::CoreContext;
use crate::ids::ConnectionId;
use crate::vault::KeyHolder;

/// Renewals due together start this far apart (the k-th after k of these), never all at once.
pub const RENEWAL_SPREAD: Duration = Duration::from_secs(3);
/// The plan never looks further ahead than this.
pub const MAX_LOOK_AHEAD: Duration = Duration::from_secs(15 * 60);
/// An idle-expiring refresh token is exercised this long before it would lapse.
pub const IDLE_RENEWAL_LEAD_SECONDS: i64 = 7 * 24 * 60 * 60;
/// A wall clock ahead of the monotonic clock by more than this between two looks means the
/// machine slept in between.
pub const WAKE_JUMP_SECONDS: i64 = 2 * 60;
const SECONDS_PER_DAY: i64 = 24 * 60 * 60;

/// Why a connection is renewed in the background.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewalReason {
    /// Its access token is within the refresh margin of expiry, or past it.
    Expiring,
    /// Its last renewal failed and the time to try again has come.
    RetryDue,
    /// Its refresh token would stop working from disuse within a week.
    IdleRefreshToken,
}

/// One renewal to start `delay` after the plan was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRenewal {
    pub connection_id: ConnectionId,
    pub reason: RenewalReason,
    pub delay: Duration,
}

/// What to renew now (spread out), and how long until something else falls due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalPlan {
    pub renewals: Vec<PlannedRenewal>,
    /// Until the soonest future due time, at most `MAX_LOOK_AHEAD`.
    pub next_look_in: Duration,
}

/// The renewals due at `now`, most overdue first, the k-th delayed by k × `RENEWAL_SPREAD`;
/// tokens without expiry (and without an idle policy), disabled connections, those needing
/// re-authorization and those whose client settings were refused are never planned.
pub fn plan_renewals(connections: &[Connection], catalog: &Catalog, now: i64) -> RenewalPlan {
    let mut due: Vec<(i64, ConnectionId, RenewalReason)> = Vec::new();
    let mut soonest_future: Option<i64> = None;
    for connection in connections {
        let provider = catalog.provider(&connection.provider);
        let Some((at, reason)) = next_renewal(connection, provider) else {
            continue;
        };
        if at <= now {
            due.push((at, connection.id, reason));
        } else {
            soonest_future = Some(soonest_future.map_or(at, |soonest| soonest.min(at)));
        }
    }
    due.sort_unstable_by_key(|&(at, id, _)| (at, id));
    let renewals = due
        .into_iter()
        .zip(0u32..)
        .map(|((_, connection_id, reason), k)| PlannedRenewal {
            connection_id,
            reason,
            delay: RENEWAL_SPREAD.saturating_mul(k),
        })
        .collect();
    let until_soonest = soonest_future.map_or(MAX_LOOK_AHEAD, |at| {
        Duration::from_secs(u64::try_from(at.saturating_sub(now)).unwrap_or(0))
    });
    RenewalPlan {
        renewals,
        next_look_in: until_soonest.min(MAX_LOOK_AHEAD),
    }
}

/// When the connection is next due for a background renewal and why; `None` for never.
pub fn next_renewal(connection: &Connection, provider: Option<&Provider>) -> Option<(i64, RenewalReason)> {
    let health = &connection.health;
    let renewable_kind = matches!(connection.auth_kind, AuthKind::Oauth2 | AuthKind::DeviceCode);
    if !connection.enabled || health.reauthorization_reason.is_some() || !renewable_kind {
        return None;
    }
    if health.last_error.is_some() {
        if health.error_is_configuration {
            return None; // the client settings were refused: waits for Settings, no loop
        }
        if let Some(retry_at) = health.next_retry_at {
            return Some((retry_at, RenewalReason::RetryDue)); // the backoff decides
        }
    }
    // The moment `status::refresh_due` turns true.
    let expiring = connection.expires_at.map(|expires| {
        (
            expires.saturating_sub(refresh_margin(connection)),
            RenewalReason::Expiring,
        )
    });
    let idle = idle_lapse_renewal_at(connection, provider).map(|at| (at, RenewalReason::IdleRefreshToken));
    match (expiring, idle) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// For providers whose refresh tokens lapse when unused: a week (at most half the idle
/// lifetime) before the last renewal or receipt plus the idle lifetime.
fn idle_lapse_renewal_at(connection: &Connection, provider: Option<&Provider>) -> Option<i64> {
    let days = provider?.oauth.as_ref()?.refresh_token_idle_days?;
    let idle_seconds = i64::from(days).saturating_mul(SECONDS_PER_DAY);
    let lead = IDLE_RENEWAL_LEAD_SECONDS.min(idle_seconds / 2);
    let last_used = connection
        .refreshed_at
        .max(connection.health.received_at)
        .unwrap_or(connection.created_at);
    Some(last_used.saturating_add(idle_seconds).saturating_sub(lead))
}

/// Between two looks the wall clock moved `wall_elapsed_seconds` and the monotonic clock
/// (which stands still while the machine sleeps) `monotonic_elapsed`: a wall clock ahead by
/// more than `WAKE_JUMP_SECONDS` means the machine slept (or the clock was set forward).
pub fn woke_from_sleep(wall_elapsed_seconds: i64, monotonic_elapsed: Duration) -> bool {
    let monotonic_seconds = i64::try_from(monotonic_elapsed.as_secs()).unwrap_or(i64::MAX);
    wall_elapsed_seconds.saturating_sub(monotonic_seconds) > WAKE_JUMP_SECONDS
}

/// How the loop paces itself; `standard()` in the app, shorter in tests.
#[derive(Clone)]
pub struct SchedulerTiming {
    /// Before the first look, so start-up is never held up.
    pub first_pass_delay: Duration,
    /// After a wake, before looking (the network usually needs a moment).
    pub wake_settle: Duration,
    /// The loop looks at least this often, so a wake is noticed within it.
    pub max_pause: Duration,
    /// And at most this often (no busy loop on a connection that stays due).
    pub min_pause: Duration,
}

impl SchedulerTiming {
    pub fn standard() -> Self {
        Self {
            first_pass_delay: Duration::from_secs(5),
            wake_settle: Duration::from_secs(5),
            max_pause: Duration::from_secs(60),
            min_pause: Duration::from_secs(5),
        }
    }
}

/// The background upkeep of connections, over the services that do the work.
pub struct Scheduler {
    pub context: CoreContext,
    pub keys: Arc<KeyHolder>,
    pub store: Arc<ConnectionStore>,
    pub renewal: Arc<TokenRenewal>,
    pub revocations: Arc<Revocations>,
}

impl Scheduler {
    /// The loop, for a shell that spawns it on its own runtime: look, retry the revocations and
    /// renew the connections that are due (spread out), pause until the next due time or
    /// `max_pause`; after a wake, settle briefly and look again at once. Never returns.
    pub async fn run(&self, timing: SchedulerTiming) {
        tokio::time::sleep(timing.first_pass_delay).await;
        let mut previous = (self.context.now(), Instant::now());
        loop {
            let (wall, monotonic) = (self.context.now(), Instant::now());
            let wall_elapsed = wall.saturating_sub(previous.0);
            if woke_from_sleep(wall_elapsed, monotonic.saturating_duration_since(previous.1)) {
                tracing::info!(
                    wall_elapsed,
                    "the machine woke from sleep; re-evaluating every connection"
                );
                tokio::time::sleep(timing.wake_settle).await;
            }
            previous = (wall, monotonic);
            let pause = run_pass(self).await;
            tokio::time::sleep(pause.max(timing.min_pause).min(timing.max_pause)).await;
        }
    }
}

/// One look: retries due revocations (C10) and saves of renewals the database refused (E18),
/// renews what is due and says how long until the next. Waits for the key to be loaded (by the start-up check or a person's action): the
/// scheduler never asks the keyring itself, which could block or prompt.
async fn run_pass(scheduler: &Scheduler) -> Duration {
    if scheduler.keys.loaded().is_none() {
        tracing::debug!("no key loaded yet; background renewals wait");
        return MAX_LOOK_AHEAD;
    }
    match scheduler.revocations.retry_due(scheduler.context.now()).await {
        Ok(retries) if retries != RevocationRetries::default() => tracing::info!(
            revoked = retries.revoked,
            given_up = retries.given_up,
            still_pending = retries.still_pending,
            "retried pending revocations"
        ),
        Ok(_) => {}
        Err(error) => tracing::info!(code = ?error.code(), message = %error, "could not retry revocations"),
    }
    // Renewed tokens the database refused are saved first: until then they are only here.
    let unsaved_retry = scheduler.renewal.save_unsaved().await;
    let connections = match scheduler.store.list() {
        Ok(connections) => connections,
        Err(error) => {
            tracing::warn!(code = ?error.code(), message = %error, "could not list connections to renew");
            return MAX_LOOK_AHEAD;
        }
    };
    let plan = plan_renewals(&connections, scheduler.context.catalog(), scheduler.context.now());
    let mut renewals = JoinSet::new();
    for planned in plan.renewals {
        let renewal = scheduler.renewal.clone();
        renewals.spawn(async move {
            tokio::time::sleep(planned.delay).await;
            renew(&renewal, &planned).await;
        });
    }
    while renewals.join_next().await.is_some() {}
    let until_retry = unsaved_retry
        .map(|at| Duration::from_secs(u64::try_from(at.saturating_sub(scheduler.context.now())).unwrap_or(0)));
    until_retry.map_or(plan.next_look_in, |wait| wait.min(plan.next_look_in))
}

/// Renews one connection; the engine records failures (status, backoff, audit), so they are
/// only logged here, without secrets.
async fn renew(renewal_service: &TokenRenewal, renewal: &PlannedRenewal) {
    let id = renewal.connection_id;
    let outcome = match renewal.reason {
        // Only if still due (a caller may have renewed it meanwhile); not a use of the account.
        RenewalReason::Expiring => renewal_service.renew_if_due(id).await,
        RenewalReason::RetryDue | RenewalReason::IdleRefreshToken => renewal_service.refresh_now(id).await.map(drop),
    };
    match outcome {
        Ok(()) => tracing::debug!(connection = %id, reason = ?renewal.reason, "renewed in the background"),
        Err(error) => tracing::info!(
            connection = %id,
            reason = ?renewal.reason,
            code = ?error.code(),
            message = %error,
            "background renewal did not succeed"
        ),
    }
}

#[cfg(test)]
#[path = "scheduler_tests.rs"]
mod tests;
