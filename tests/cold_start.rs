//! Starting the app cold: with a deep link (SECURITY.md A21), with arguments that are not
//! UTF-8, and with no D-Bus session at all (A23). One at a time: instances in one D-Bus
//! session would hand over to each other.

mod support;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::sync::Mutex;
use std::time::Duration;

use support::{require_display, RunningApp};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

#[test]
fn a_cold_start_by_deep_link_receives_the_link_and_ignores_it_without_a_pending_flow() {
    require_display();
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let data = tempfile::tempdir().expect("a private data dir");
    let link = "switchboard://oauth/callback/google?code=cold-start-secret&state=nobody-asked";
    let mut app = RunningApp::launch(data.path(), &[OsStr::new(link)], &[]);
    let logs = app.wait_for_log("the launch link", |logs| logs.contains("deep link received"));
    assert!(
        logs.contains("NoPendingFlow"),
        "no sign-in was pending, so the link is ignored: {logs}"
    );
    assert!(
        !logs.contains("cold-start-secret"),
        "the link's query must never be logged"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        app.is_running(),
        "the app keeps running after an unexpected launch link"
    );
}

#[test]
fn arguments_that_are_not_utf8_do_not_stop_the_app() {
    require_display();
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let data = tempfile::tempdir().expect("a private data dir");
    let garbage = OsStr::from_bytes(b"switchboard://oauth/callback/github?state=\xff\xfe");
    let mut app = RunningApp::launch(data.path(), &[garbage], &[]);
    app.wait_for_log("start-up", |logs| logs.contains("Switchboard starting"));
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        app.is_running(),
        "a non-UTF-8 launch argument must be dropped, not crash the app"
    );
    assert!(
        !support::read_logs(data.path()).contains("deep link received"),
        "the garbage never counts as a link"
    );
}

#[test]
fn without_a_session_bus_the_app_still_starts() {
    require_display();
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let data = tempfile::tempdir().expect("a private data dir");
    let no_bus = [("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")];
    let mut app = RunningApp::launch(data.path(), &[], &no_bus);
    app.wait_for_log("start-up", |logs| logs.contains("Switchboard starting"));
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        app.is_running(),
        "with no D-Bus (no single-instance, no keyring) the window must still open"
    );
    assert!(
        data.path().join("switchboard.db").exists(),
        "the database is still created"
    );
    app.wait_for_log("the missing bus to be reported", |logs| {
        logs.contains("deep links unavailable")
    });
}
