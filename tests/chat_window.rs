//! End to end, in the real window, with the built-in planner: "star tauri-apps/tauri" with no
//! GitHub account shows a Connect card; its button signs in (GitHub's endpoints pointed at
//! oidc-provider, its API at the loopback doubles), the run goes on by itself to the approval
//! card, and Approve stars the repository exactly once and says so with a link. Then a request
//! missing a field gets a form for just that field; and the app SIGKILLed at an approval card
//! reopens with the card still there, and approving it then sends exactly once.

mod support;

#[path = "support/api_doubles.rs"]
mod api_doubles;
#[path = "../src-tauri/core/tests/integration/support/node.rs"]
mod node;
#[path = "../src-tauri/core/tests/integration/support/oidc.rs"]
mod oidc;

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::time::Duration;

use api_doubles::ApiDoubles;
use oidc::OidcServer;
use serde_json::Value;
use support::webdriver::Session;
use support::{assert_accessible, kill_app, open_page, require_display, shot, TauriDriver, APP};

const WAIT: Duration = Duration::from_secs(30);
/// The approval card that waits for the person (earlier ones stay in the log, closed).
const OPEN_APPROVAL: &str = "[data-card-open=true] [data-chat-card=approve]";

fn ok<T>(outcome: Result<T, String>) -> T {
    outcome.unwrap_or_else(|error| panic!("{error}"))
}

fn overrides(server: &OidcServer, doubles: &ApiDoubles) -> String {
    let issuer = &server.issuer;
    format!(
        "[providers.github]\nclient_id = \"switchboard-github\"\nclient_secret = \"github-test-secret\"\n\
         api_base_url = \"{}/github\"\n[providers.github.oauth]\nauthorize_url = \"{issuer}/auth\"\n\
         token_url = \"{issuer}/token\"\n",
        doubles.url
    )
}

/// Clicks Approve on the open approval card.
fn approve(window: &Session) {
    let button = ok(window.wait_for(&format!("{OPEN_APPROVAL} [data-chat-approve]"), WAIT));
    // The log may still be scrolling to its new last message.
    ok(window.execute(
        "arguments[0].scrollIntoView({ block: 'center' }); return true;",
        serde_json::json!([{ "element-6066-11e4-a52e-4f735466cecf": button[0] }]),
    ));
    ok(window.click(&button[0]));
}

/// Writes `text` in the composer and sends it with Enter.
fn say(window: &Session, text: &str) {
    let composer = ok(window.wait_for("[data-composer]", WAIT));
    ok(window.type_into(&composer[0], &format!("{text}\u{E007}")));
}

/// The requests the doubles received with `method` on `path`.
fn received(doubles: &ApiDoubles, method: &str, path: &str) -> Vec<Value> {
    doubles
        .requests()
        .into_iter()
        .filter(|request| request["method"] == method && request["path"] == path)
        .collect()
}

#[test]
fn a_request_connects_resumes_asks_and_acts_once_even_across_a_kill() {
    require_display();
    let server = OidcServer::start();
    let doubles = ApiDoubles::start();
    let data = tempfile::tempdir().expect("a private data dir");
    let overrides_file = data.path().join("overrides.toml");
    std::fs::write(&overrides_file, overrides(&server, &doubles)).expect("write the overrides file");
    let stand_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc/browser-stand-in.sh");
    let envs: Vec<(&str, OsString)> = vec![
        ("SWITCHBOARD_APP", OsString::from(APP)),
        ("SWITCHBOARD_OVERRIDES", overrides_file.clone().into_os_string()),
        ("SWITCHBOARD_BROWSER", stand_in.into_os_string()),
        ("APPROVE_LOG", data.path().join("browser.log").into_os_string()),
    ];
    let envs: Vec<(&str, &OsStr)> = envs.iter().map(|(name, value)| (*name, value.as_os_str())).collect();
    let app_dir = data.path().join("app");
    let driver = TauriDriver::start_with_env(&app_dir, &envs);
    let window = ok(Session::start(driver.port, APP));

    // A fresh data folder opens on the welcome (tests/one_click_window.rs); go on to the chat.
    ok(window.click(&ok(window.wait_for("[data-action=skip-welcome]", WAIT))[0]));
    ok(window.wait_for("[data-suggestion]", WAIT));
    shot(&window, "chat-empty.png");
    assert_accessible(&window, "the Chat page, empty, with suggestions");
    say(&window, "star tauri-apps/tauri");
    let connect = "[data-card-open=true] [data-chat-card=connect] [data-action=connect]";
    ok(window.wait_for(connect, WAIT));
    shot(&window, "chat-connect-card.png");
    assert_accessible(&window, "Chat with a Connect card");
    ok(window.click(&ok(window.wait_for(connect, WAIT))[0]));

    // The sign-in lands; the run goes on by itself to the approval card.
    let approval = ok(window.wait_for_text(OPEN_APPROVAL, WAIT, |text| text.contains("tauri-apps/tauri")));
    assert!(
        received(&doubles, "PUT", "/github/user/starred/tauri-apps/tauri").is_empty(),
        "nothing is sent before approval: {approval}"
    );
    shot(&window, "chat-approval-card.png");
    assert_accessible(&window, "Chat with an approval card");
    approve(&window);
    ok(window.wait_for("[data-chat-card=result]", WAIT));
    let done = ok(window.wait_for_text("[data-message-log]", WAIT, |text| {
        text.contains("Starred tauri-apps/tauri")
    }));
    assert!(
        done.contains("Star a repository: done"),
        "the chat says what was done: {done}"
    );
    ok(window.wait_for("[data-chat-card=result] [data-result-open]", WAIT));
    shot(&window, "chat-done.png");
    assert_accessible(&window, "Chat with a result");
    let stars = received(&doubles, "PUT", "/github/user/starred/tauri-apps/tauri");
    assert_eq!(stars.len(), 1, "exactly one star: {stars:?}");

    // A missing field: a form for just that field, the whole way with the keyboard alone: Enter
    // sends, the form's field takes the focus, Enter submits it, the approval card takes the
    // focus and Ctrl+Enter approves.
    say(&window, "create an issue in octocat/hello-world");
    let clarify = "[data-card-open=true] [data-chat-card=clarify]";
    let form = ok(window.wait_for_text(clarify, WAIT, |text| !text.is_empty()));
    assert!(
        form.to_lowercase().contains("title"),
        "the form asks for the title: {form}"
    );
    let fields = format!("{clarify} input:not([type=hidden]), {clarify} textarea");
    let inputs = ok(window.find_all(&fields));
    assert_eq!(inputs.len(), 1, "only the missing field is asked for: {form}");
    assert_accessible(&window, "Chat with a clarification card");
    let focused = ok(window.execute(
        "return document.activeElement === arguments[0];",
        serde_json::json!([{ "element-6066-11e4-a52e-4f735466cecf": inputs[0] }]),
    ));
    assert_eq!(focused, serde_json::json!(true), "the form's field takes the focus");
    ok(window.press_text("Crash on start"));
    shot(&window, "chat-clarify-card.png");
    ok(window.press("\u{E007}"));
    ok(window.wait_for_text(OPEN_APPROVAL, WAIT, |text| text.contains("Crash on start")));
    ok(window.press_with_control("\u{E007}"));
    ok(window.wait_for_text("[data-message-log]", WAIT, |text| text.contains("Opened issue")));
    let issues = received(&doubles, "POST", "/github/repos/octocat/hello-world/issues");
    assert_eq!(issues.len(), 1, "one issue, with the title given: {issues:?}");

    // A failure says what to do next; the other pages pass the same audit.
    say(&window, "star nobody-here/no-such-repo");
    ok(window.wait_for_text(OPEN_APPROVAL, WAIT, |text| text.contains("no-such-repo")));
    approve(&window);
    ok(window.wait_for("[data-card-open=true] [data-chat-card=error] [data-error-next]", WAIT));
    shot(&window, "chat-error-card.png");
    assert_accessible(&window, "Chat with an error card");
    open_page(&window, "integrations");
    ok(window.wait_for("[data-provider=github] [data-connection]", WAIT));
    assert_accessible(&window, "the Integrations page");
    open_page(&window, "settings");
    ok(window.wait_for("[data-assistant-model]", WAIT));
    assert_accessible(&window, "the Settings page");
    open_page(&window, "chat");

    // Killed at an approval card: after a restart the card is there, and approving sends once.
    say(&window, "star octocat/hello-world");
    ok(window.wait_for_text(OPEN_APPROVAL, WAIT, |text| text.contains("octocat/hello-world")));
    assert_eq!(kill_app(&app_dir), 1, "the one app instance on this data dir is killed");
    drop(window);
    drop(driver);
    let driver = TauriDriver::start_with_env(&app_dir, &envs);
    let window = ok(Session::start(driver.port, APP));
    ok(window.wait_for_text(OPEN_APPROVAL, WAIT, |text| text.contains("octocat/hello-world")));
    shot(&window, "chat-after-restart.png");
    approve(&window);
    ok(window.wait_for_text("[data-message-log]", WAIT, |text| {
        text.contains("Starred octocat/hello-world")
    }));
    let stars = received(&doubles, "PUT", "/github/user/starred/octocat/hello-world");
    assert_eq!(
        stars.len(),
        1,
        "approved after a SIGKILL and a restart: sent exactly once"
    );
    ok(window.end());
}
