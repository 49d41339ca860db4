//! When a failed renewal or revocation is tried again: Retry-After when the server gave one,
//! else a capped, jittered doubling.

use std::time::Duration;

use crate::backoff::{random_fraction, Backoff, Jitter};

/// Retries of a failed renewal (or revocation) start at 30 s and double, up to 30 minutes,
/// plus up to a fifth of jitter.
const RETRY_BACKOFF: Backoff = Backoff {
    base: Duration::from_secs(30),
    cap: Duration::from_secs(30 * 60),
};
const RETRY_CAP_SECONDS: i64 = 30 * 60;

/// When to try a failed renewal again, after `failures` earlier failures: Retry-After if the
/// server said (capped at 30 minutes), else 30 s doubling per failure up to 30 minutes, plus up
/// to a fifth of jitter (`random` in 0..=1).
pub fn next_retry_at(now: i64, failures: i64, retry_after: Option<u64>, random: f64) -> i64 {
    let wait = match retry_after {
        Some(seconds) => i64::try_from(seconds)
            .unwrap_or(RETRY_CAP_SECONDS)
            .min(RETRY_CAP_SECONDS),
        None => {
            let failed = u32::try_from(failures.clamp(0, 16)).unwrap_or(16) + 1;
            let wait = RETRY_BACKOFF.jittered(failed, Jitter::Added(0.2), random);
            i64::try_from(wait.as_secs()).unwrap_or(RETRY_CAP_SECONDS)
        }
    };
    now.saturating_add(wait.max(1))
}

/// `next_retry_at` with fresh jitter: what renewals and revocations that failed use.
pub fn retry_time(now: i64, failures: i64, retry_after: Option<u64>) -> i64 {
    next_retry_at(now, failures, retry_after, random_fraction())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_honor_retry_after_and_back_off_with_a_cap() {
        assert_eq!(next_retry_at(100, 0, Some(120), 0.0), 220, "Retry-After is honored");
        assert_eq!(
            next_retry_at(100, 0, Some(u64::MAX), 0.0),
            100 + RETRY_CAP_SECONDS,
            "but capped"
        );
        assert_eq!(next_retry_at(100, 0, None, 0.0), 130, "30 s after the first failure");
        assert_eq!(next_retry_at(100, 2, None, 0.0), 220, "doubling per failure");
        assert_eq!(
            next_retry_at(100, 40, None, 0.0),
            100 + RETRY_CAP_SECONDS,
            "capped at 30 minutes"
        );
        let jittered = next_retry_at(100, 0, None, 1.0);
        assert!(
            (130..=136).contains(&jittered),
            "jitter adds at most a fifth: {jittered}"
        );
    }
}
