//! Waiting before trying again, for every retry in the core (auth requests, renewals and
//! revocations that failed, provider API calls): capped exponential backoff and jitter drawn
//! from `rand`, so clients that failed together spread out. How a caller combines it with a
//! server's Retry-After is the caller's; this module does no I/O and reads no clock.

use std::time::Duration;

/// Capped exponential backoff: `base` after the first failure, doubled after each further
/// one, never past `cap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

/// How a random fraction spreads a backoff.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Jitter {
    /// Half the backoff plus a random part of the other half ("equal jitter").
    Equal,
    /// The backoff plus up to this fraction of it.
    Added(f64),
}

impl Backoff {
    /// The wait after `failures` failures (1 = the first; 0 waits like 1).
    pub fn after(&self, failures: u32) -> Duration {
        let doubling = 2u32.saturating_pow(failures.saturating_sub(1).min(31));
        self.base.saturating_mul(doubling).min(self.cap)
    }

    /// `after(failures)` spread by `jitter`, with `random` in 0..=1 (see `random_fraction`).
    pub fn jittered(&self, failures: u32, jitter: Jitter, random: f64) -> Duration {
        let backoff = self.after(failures);
        let random = random.clamp(0.0, 1.0);
        match jitter {
            Jitter::Equal => {
                let half = backoff / 2;
                half + half.mul_f64(random)
            }
            Jitter::Added(fraction) => backoff + backoff.mul_f64(fraction.clamp(0.0, 1.0) * random),
        }
    }
}

/// A random fraction in 0..1 from the thread's generator (not a secret: only spreads waits).
pub fn random_fraction() -> f64 {
    rand::random::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn the_backoff_doubles_per_failure_up_to_its_cap() {
        let backoff = Backoff {
            base: SECOND,
            cap: 8 * SECOND,
        };
        let waits: Vec<u64> = (0..=6).map(|failures| backoff.after(failures).as_secs()).collect();
        assert_eq!(waits, [1, 1, 2, 4, 8, 8, 8], "base, doubling, then the cap");
        assert_eq!(backoff.after(u32::MAX), 8 * SECOND, "no overflow however many failures");
    }

    #[test]
    fn jitter_stays_within_its_share_of_the_backoff() {
        let backoff = Backoff {
            base: 10 * SECOND,
            cap: 60 * SECOND,
        };
        assert_eq!(
            backoff.jittered(1, Jitter::Equal, 0.0),
            5 * SECOND,
            "equal jitter: at least half"
        );
        assert_eq!(
            backoff.jittered(1, Jitter::Equal, 1.0),
            10 * SECOND,
            "and at most all of it"
        );
        assert_eq!(
            backoff.jittered(1, Jitter::Added(0.2), 0.0),
            10 * SECOND,
            "added jitter: at least all"
        );
        assert_eq!(
            backoff.jittered(1, Jitter::Added(0.2), 1.0),
            12 * SECOND,
            "and at most a fifth more"
        );
        assert_eq!(
            backoff.jittered(1, Jitter::Equal, 7.0),
            10 * SECOND,
            "a fraction out of range is clamped, never a longer wait"
        );
        for _ in 0..100 {
            let random = random_fraction();
            assert!((0.0..1.0).contains(&random), "a fraction: {random}");
        }
    }
}
