//! When to try an auth request again and how long to wait (SECURITY.md B1, F7): pure schedule
//! arithmetic, so no test here waits.

use super::*;

const MS: Duration = Duration::from_millis(1);

fn policy() -> RetryPolicy {
    RetryPolicy {
        attempts: 4,
        base: Duration::from_millis(100),
        cap: Duration::from_millis(300),
        retry_after_cap: 30,
    }
}

#[test]
fn only_not_now_statuses_are_retried() {
    for status in [429, 500, 502, 503, 504] {
        assert!(is_retryable(status), "{status} says the server cannot answer now");
    }
    for status in [200, 302, 400, 401, 403, 404, 501] {
        assert!(
            !is_retryable(status),
            "{status} is about the request itself; asking again changes nothing"
        );
    }
}

#[test]
fn backoff_doubles_up_to_the_cap_and_jitter_stays_within_half() {
    let policy = policy();
    let lowest = |failures| wait_before_retry(&policy, failures, None, MS, 0.0);
    let highest = |failures| wait_before_retry(&policy, failures, None, MS, 1.0);
    assert_eq!(lowest(1), Some(Duration::from_millis(50)), "no jitter: half the base");
    assert_eq!(
        lowest(2),
        Some(Duration::from_millis(100)),
        "doubled after the second failure"
    );
    assert_eq!(
        lowest(3),
        Some(Duration::from_millis(150)),
        "capped at 300 ms, then halved"
    );
    for failures in 1..=3 {
        let (low, high) = (lowest(failures).expect("a wait"), highest(failures).expect("a wait"));
        assert!(
            high >= low && high <= low * 2,
            "jitter adds at most the other half: {low:?}..{high:?}"
        );
    }
}

#[test]
fn tries_are_bounded() {
    let policy = policy();
    assert_eq!(
        wait_before_retry(&policy, 4, None, MS, 0.0),
        None,
        "four tries in all: the fourth failure is final"
    );
    let once = RetryPolicy { attempts: 1, ..policy };
    assert_eq!(
        wait_before_retry(&once, 1, None, MS, 0.0),
        None,
        "one try means no retry"
    );
}

#[test]
fn retry_after_is_honored_in_the_injected_second() {
    let wait = wait_before_retry(&policy(), 1, Some(3), Duration::from_millis(20), 0.0);
    assert_eq!(
        wait,
        Some(Duration::from_millis(60)),
        "3 seconds of 20 ms each, longer than the 50 ms backoff"
    );
    let wait = wait_before_retry(&policy(), 1, Some(0), Duration::from_millis(20), 0.0);
    assert_eq!(
        wait,
        Some(Duration::from_millis(50)),
        "Retry-After: 0 does not cancel the backoff"
    );
}

#[test]
fn a_retry_after_past_the_cap_is_not_waited_for() {
    assert_eq!(
        wait_before_retry(&policy(), 1, Some(31), MS, 0.0),
        None,
        "the server asked for longer than we wait; report it instead of retrying early"
    );
    assert!(
        wait_before_retry(&policy(), 1, Some(30), MS, 0.0).is_some(),
        "the cap itself is honored"
    );
}

#[test]
fn retry_after_reads_seconds_and_http_dates() {
    let now = 784_111_777; // Sun, 06 Nov 1994 08:49:37 GMT
    assert_eq!(retry_after_seconds("120", None, now), Some(120), "delay-seconds");
    assert_eq!(
        retry_after_seconds(" 7 ", None, now),
        Some(7),
        "surrounding spaces are fine"
    );
    assert_eq!(
        retry_after_seconds("Sun, 06 Nov 1994 08:50:07 GMT", None, now),
        Some(30),
        "an HTTP-date is measured from now when the answer has no Date"
    );
    assert_eq!(
        retry_after_seconds(
            "Sun, 06 Nov 1994 08:50:07 GMT",
            Some("Sun, 06 Nov 1994 08:50:00 GMT"),
            now - 600
        ),
        Some(7),
        "measured from the server's Date, a local clock 10 minutes slow does not matter"
    );
    assert_eq!(
        retry_after_seconds("Sun, 06 Nov 1994 08:49:00 GMT", None, now),
        Some(0),
        "a date in the past means now"
    );
}

#[test]
fn odd_retry_after_values_are_ignored_without_panicking() {
    for value in [
        "",
        "-5",
        "1.5",
        "soon",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT",
        "Sun, 06 Nov 1994 08:49 GMT",
        "Sun, 06 Nov 1994 08:49:37 CET",
    ] {
        assert_eq!(
            retry_after_seconds(value, None, 0),
            None,
            "{value:?} is not a Retry-After we read"
        );
    }
    assert_eq!(
        retry_after_seconds("99999999999999999999999", None, 0),
        Some(u64::MAX),
        "an absurd number is past any cap, not an overflow"
    );
}
