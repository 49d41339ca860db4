//! End to end, in the real window: the providers shown come from the backend, Settings shows
//! where data lives, and deep links given to a second instance reach the running app (garbage
//! ones are dropped without harm). Screenshots land in target/e2e-artifacts/.

mod support;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

use support::webdriver::Session;
use support::{launch_second_instance, open_page, read_logs, require_display, save_artifact, TauriDriver, APP};
use switchboard_core::catalog::Catalog;

const WAIT: Duration = Duration::from_secs(20);
const SECRET_CODE: &str = "e2e-secret-authorization-code";

const LISTEN_TO_PLUGIN_BROADCAST: &str = "const done = arguments[arguments.length - 1];
const tauri = window.__TAURI_INTERNALS__;
tauri.invoke('plugin:event|listen', {
  event: 'deep-link://new-url', target: { kind: 'Any' }, handler: tauri.transformCallback(() => {}),
}).then(() => done('allowed'), (error) => done('refused: ' + String(error)));";

fn ok<T>(outcome: Result<T, String>) -> T {
    outcome.unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn the_window_shows_the_catalogue_and_settings_and_receives_deep_links() {
    require_display();
    let data = tempfile::tempdir().expect("a private data dir");
    let driver = TauriDriver::start(data.path());
    let window = ok(Session::start(driver.port, APP));
    open_page(&window, "integrations");

    // Integrations: exactly the backend's catalogue, in its order.
    let cards = ok(window.wait_for("[data-provider]", WAIT));
    let shown: Vec<String> = cards
        .iter()
        .map(|card| ok(window.attribute(card, "data-provider")).unwrap_or_default())
        .collect();
    let catalog = Catalog::builtin().expect("the built-in catalogue");
    let expected: Vec<String> = catalog
        .providers()
        .iter()
        .map(|provider| provider.id.to_string())
        .collect();
    assert_eq!(
        shown, expected,
        "the Integrations page must list the providers the backend's catalogue has"
    );
    let first_card = ok(window.text(&cards[0]));
    assert!(
        first_card.contains("Google") && first_card.contains("Gmail"),
        "cards show names and products: {first_card}"
    );
    save_artifact("integrations.png", &ok(window.screenshot()));

    // Settings: the data directory this app instance really uses.
    let settings = ok(window.wait_for("[data-nav=settings]", WAIT));
    ok(window.click(&settings[0]));
    let data_dir = data.path().display().to_string();
    ok(window.wait_for_text("main", WAIT, |text| {
        text.contains("Your data") && text.contains(&data_dir)
    }));
    let keys = ok(window.wait_for_text("[data-section=key-storage]", WAIT, |text| !text.is_empty()));
    assert!(
        keys.contains("Available"),
        "gnome-keyring is unlocked in the test session, so key storage is available: {keys}"
    );
    save_artifact("settings.png", &ok(window.screenshot()));

    // A well-formed callback with no sign-in waiting: received, ignored, query never shown.
    let link = format!("switchboard://oauth/callback/github?code={SECRET_CODE}&state=e2e-state");
    let status = launch_second_instance(data.path(), &[OsStr::new(&link)]);
    assert!(
        status.success(),
        "the second instance must forward the link and exit cleanly, got {status}"
    );
    let receipt = ok(window.wait_for_text("[data-testid=last-deep-link]", WAIT, |text| {
        text.contains("oauth/callback/github")
    }));
    assert!(
        receipt.contains("No sign-in was waiting"),
        "a link with no pending flow is ignored: {receipt}"
    );
    save_artifact("settings-deep-link.png", &ok(window.screenshot()));
    let page = ok(window.page_source());
    assert!(
        !page.contains(SECRET_CODE) && !page.contains("e2e-state"),
        "the callback's query must never reach the webview"
    );

    // The deep-link plugin broadcasts every URL, query included, on the global event bus; the
    // window has no permission to listen there and hears links only over its own channel.
    let outcome = ok(window.execute_async(LISTEN_TO_PLUGIN_BROADCAST, serde_json::json!([])));
    let outcome = outcome.as_str().unwrap_or_default();
    assert!(
        outcome.starts_with("refused") && outcome.contains("not allowed"),
        "the webview must be refused the plugin's deep-link broadcast, got: {outcome}"
    );

    // Garbage: wrong scheme, empty, non-UTF-8 and 100 KB links are dropped; the app lives on.
    // (Linux caps one argument at 128 KiB, so a 1 MB link cannot even be launched; core's
    // callback tests feed 1 MB to the parser directly.)
    let long_link = format!("switchboard://oauth/callback/github?state={}", "a".repeat(100 * 1024));
    let garbage: [&OsStr; 4] = [
        OsStr::new("https://evil.example/oauth/callback/github?code=x"),
        OsStr::new(""),
        OsStr::from_bytes(b"switchboard://oauth/callback/github?state=\xff\xfe"),
        OsStr::new(&long_link),
    ];
    for argument in garbage {
        let status = launch_second_instance(data.path(), &[argument]);
        assert!(
            status.success(),
            "a second instance with a garbage link must still hand over and exit, got {status}"
        );
    }
    let dropped = ok(window.wait_for_text("[data-testid=last-deep-link]", WAIT, |text| text.contains("Dropped")));
    assert!(
        dropped.contains("longer than"),
        "the oversized link is dropped with its reason: {dropped}"
    );
    let title = ok(window.call("GET", "/title", None));
    assert_eq!(
        title, "Switchboard",
        "the window must still answer after garbage deep links"
    );

    let logs = read_logs(data.path());
    assert!(logs.contains("deep link received"), "deep links are logged: {logs}");
    assert!(
        !logs.contains(SECRET_CODE),
        "the log must never carry a callback's query"
    );
    ok(window.end());
}
