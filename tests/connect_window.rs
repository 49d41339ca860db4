//! End to end, in the real window: Google (pointed at oidc-provider by an overrides file) is
//! connected by clicking Connect; the app opens "the browser" (a stand-in that signs in and
//! approves), the loopback callback comes back, and the card shows "Connected as" the account's
//! email. Measures the time from the browser's redirect to "Connected" on screen.

mod support;

#[path = "../src-tauri/core/tests/integration/support/node.rs"]
mod node;
#[path = "../src-tauri/core/tests/integration/support/oidc.rs"]
mod oidc;

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use oidc::OidcServer;
use support::webdriver::Session;
use support::{read_logs, require_display, save_artifact, TauriDriver, APP};

const WAIT: Duration = Duration::from_secs(30);

/// Resolves with Date.now() once the Google card shows a connected account.
const WAIT_FOR_CONNECTED: &str = "const done = arguments[arguments.length - 1];
const connected = () => {
  const row = document.querySelector('[data-provider=google] [data-connection]');
  return row && row.textContent.includes('Connected as');
};
if (connected()) { done(Date.now()); } else {
  const observer = new MutationObserver(() => {
    if (connected()) { observer.disconnect(); done(Date.now()); }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
}";

fn ok<T>(outcome: Result<T, String>) -> T {
    outcome.unwrap_or_else(|error| panic!("{error}"))
}

fn overrides(server: &OidcServer) -> String {
    let issuer = &server.issuer;
    format!(
        "[providers.google]\nclient_id = \"{}\"\nclient_secret = \"{}\"\n[providers.google.oauth]\n\
         authorize_url = \"{issuer}/auth\"\ntoken_url = \"{issuer}/token\"\nissuer = \"{issuer}\"\n\
         scopes = [\"openid\", \"email\", \"offline_access\"]\nredirect = [\"loopback\", \"deep_link\"]\n",
        server.google_client_id, server.google_client_secret
    )
}

#[test]
fn connecting_google_in_the_window_shows_connected_as_the_email() {
    require_display();
    let server = OidcServer::start();
    let data = tempfile::tempdir().expect("a private data dir");
    let overrides_file = data.path().join("overrides.toml");
    std::fs::write(&overrides_file, overrides(&server)).expect("write the overrides file");
    let stamp = data.path().join("redirected-at");
    let stand_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc/browser-stand-in.sh");
    let stand_in_log = data.path().join("browser.log");
    let envs: [(&str, &OsStr); 6] = [
        ("SWITCHBOARD_APP", OsStr::new(APP)),
        // Spans with fields (the token request's client_id) reach the log file at this level.
        ("SWITCHBOARD_LOG", OsStr::new("debug")),
        ("SWITCHBOARD_OVERRIDES", overrides_file.as_os_str()),
        ("SWITCHBOARD_BROWSER", stand_in.as_os_str()),
        ("APPROVE_REDIRECT_STAMP", stamp.as_os_str()),
        ("APPROVE_LOG", stand_in_log.as_os_str()),
    ];
    let driver = TauriDriver::start_with_env(&data.path().join("app"), &envs);
    let window = ok(Session::start(driver.port, APP));
    support::open_page(&window, "integrations");

    let connect = ok(window.wait_for("[data-provider=google] [data-action=connect]", WAIT));
    save_artifact("connect-before.png", &ok(window.screenshot()));
    ok(window.click(&connect[0]));
    let connected_at = ok(window.execute_async(WAIT_FOR_CONNECTED, serde_json::json!([])));
    let browser_log = std::fs::read_to_string(&stand_in_log).unwrap_or_default();
    let redirected_at: i64 = std::fs::read_to_string(&stamp)
        .unwrap_or_else(|error| panic!("the browser stand-in never reached the redirect ({error}):\n{browser_log}"))
        .trim()
        .parse()
        .expect("a time in ms");
    let latency = connected_at.as_i64().expect("Date.now()") - redirected_at;
    save_artifact(
        "connect-timing.txt",
        format!("browser redirect -> Connected on screen: {latency} ms\n").as_bytes(),
    );
    println!("browser redirect -> Connected on screen: {latency} ms");

    let row = ok(
        window.wait_for_text("[data-provider=google] [data-connection]", WAIT, |text| {
            text.contains("Connected as")
        }),
    );
    assert!(
        row.contains("Connected as ana@example.com"),
        "the card names the account by the id_token's email: {row}"
    );
    save_artifact("connect-connected.png", &ok(window.screenshot()));
    let page = ok(window.page_source());
    assert!(
        !page.contains("code_verifier") && !page.contains("refresh_token"),
        "no secret reaches the webview"
    );

    test_and_inspect_the_connection(&window);
    switch_google_to_deep_links(&window);
    hostile_error_is_shown_as_short_text(&window);
    ok(window.end());
    log_files_are_plain_text(&data.path().join("app"));
}

/// After a sign-in the app's log files hold the token request's span, as plain text: no ESC
/// (0x1B) colour codes borrowed from the stderr layer.
fn log_files_are_plain_text(data_dir: &Path) {
    let logs = read_logs(data_dir);
    assert!(
        logs.contains("client_id="),
        "the log file records the sign-in's token request with its fields: {logs}"
    );
    assert!(
        !logs.contains('\u{1b}'),
        "a log file must be plain text, without terminal colour codes"
    );
}

/// The row's Test asks Google (oidc-provider's userinfo) who the token belongs to; Details
/// shows the audit log with the connect and the test.
fn test_and_inspect_the_connection(window: &Session) {
    let row = "[data-provider=google] [data-connection]";
    ok(window.click(&ok(window.wait_for(&format!("{row} [data-action=test-connection]"), WAIT))[0]));
    let result = ok(window.wait_for_text(&format!("{row} [data-result]"), WAIT, |text| !text.is_empty()));
    assert!(
        result.starts_with("Works"),
        "Test reaches the provider with the stored token: {result}"
    );
    ok(window.click(&ok(window.wait_for(&format!("{row} [data-action=connection-details]"), WAIT))[0]));
    let audit = ok(
        window.wait_for_text(&format!("{row} [data-audit-table]"), WAIT, |text| {
            text.contains("Tested")
        }),
    );
    assert!(
        audit.contains("Connected"),
        "the audit log lists the connect and the test: {audit}"
    );
    save_artifact("connection-details.png", &ok(window.screenshot()));
}

/// Settings › Provider apps: Google's sign-ins come back by deep link from now on.
fn switch_google_to_deep_links(window: &Session) {
    ok(window.click(&ok(window.wait_for("[data-nav=settings]", WAIT))[0]));
    let entry = "[data-provider-setup=google]";
    ok(window.click(&ok(window.wait_for(&format!("{entry} summary"), WAIT))[0]));
    let deep_link = ok(window.wait_for(&format!("{entry} input[data-field=redirect][value=deep_link]"), WAIT));
    ok(window.click(&deep_link[0]));
    save_artifact("settings-provider-apps.png", &ok(window.screenshot()));
    ok(window.click(&ok(window.wait_for(&format!("{entry} [data-action=save-provider-setup]"), WAIT))[0]));
    ok(window.wait_for_text(&format!("{entry} .saved"), WAIT, |text| text.contains("Saved")));
    ok(window.click(&ok(window.wait_for("[data-nav=integrations]", WAIT))[0]));
}

/// SECURITY.md A8 in the window: a provider error with markup, a link and 2,000 characters,
/// delivered by deep link with the flow's own state, is shown as short plain text.
fn hostile_error_is_shown_as_short_text(window: &Session) {
    ok(window.click(&ok(window.wait_for("[data-provider=google] [data-action=connect]", WAIT))[0]));
    let failed = ok(
        window.wait_for_text("[data-provider=google] [data-flow-state=failed]", WAIT, |text| {
            !text.is_empty()
        }),
    );
    save_artifact("connect-hostile-error.png", &ok(window.screenshot()));
    assert!(
        failed.contains("<img src=x onerror=alert(1)>"),
        "A8: the markup is shown as text: {failed}"
    );
    assert!(
        ok(window.find_all("[data-provider=google] img, [data-provider=google] a[href]")).is_empty(),
        "A8: no element is made from the provider's text"
    );
    assert!(
        !failed.contains(&"x".repeat(400)) && failed.contains('…'),
        "A8: the description is cut short: {} characters shown",
        failed.chars().count()
    );
}
