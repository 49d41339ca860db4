//! Failpoints: named places where a test stops the process, to kill it there (SECURITY.md C4).
//! They exist only in builds with the `failpoints` feature, which the tests turn on (the
//! package's dev-dependency on itself) and the app and release builds never have; elsewhere
//! `reached` compiles to nothing.

/// Names the failpoint to stop at, in the environment of a process built with the feature.
pub const FAILPOINT_ENV: &str = "SWITCHBOARD_FAILPOINT";
/// Between a refresh's token response and its commit.
pub const REFRESH_AFTER_TOKEN_RESPONSE: &str = "refresh-after-token-response";
/// Between a change to a connection and its audit row, inside their one transaction.
pub const BETWEEN_CHANGE_AND_AUDIT: &str = "between-change-and-audit";

/// With the feature, and `SWITCHBOARD_FAILPOINT` naming this point: says so on stderr and
/// sleeps for two minutes, for the test to SIGKILL the process.
#[cfg(feature = "failpoints")]
pub fn reached(name: &str) {
    if std::env::var(FAILPOINT_ENV).is_ok_and(|wanted| wanted == name) {
        eprintln!("failpoint {name} reached");
        std::thread::sleep(std::time::Duration::from_secs(120));
    }
}

#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub fn reached(_name: &str) {}
