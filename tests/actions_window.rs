//! End to end, in the real window: GitHub is connected with a personal access token (checked by
//! the loopback doubles' `GET /user`), and on the card's Actions tab "Star a repository" is run
//! through the approval card: the repository is chosen in the picker, the card shows the exact
//! request, the repository is changed on the card (the request shown follows), and Approve sends
//! it. The doubles must have received exactly the edited request, once (SECURITY.md F4).

mod support;

#[path = "../src-tauri/core/tests/integration/support/node.rs"]
mod node;

#[path = "support/api_doubles.rs"]
mod api_doubles;

use std::ffi::OsStr;
use std::time::Duration;

use api_doubles::ApiDoubles;
use serde_json::{json, Value};
use support::webdriver::{element_id, Session};
use support::{require_display, shot, wait_until, TauriDriver, APP};

const WAIT: Duration = Duration::from_secs(30);
const TOKEN: &str = "ghp_actionsWindowToken0001";
const CARD: &str = "[data-provider=github]";
const RUNNER: &str = "[data-action-runner=\"github.star_repository\"]";

fn ok<T>(outcome: Result<T, String>) -> T {
    outcome.unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn starring_a_repository_through_the_approval_card_sends_exactly_the_edited_request() {
    require_display();
    let doubles = ApiDoubles::start();
    let data = tempfile::tempdir().expect("a private data dir");
    let overrides_file = data.path().join("overrides.toml");
    let overrides = format!("[providers.github]\napi_base_url = \"{}/github\"\n", doubles.url);
    std::fs::write(&overrides_file, overrides).expect("write the overrides file");
    let envs: [(&str, &OsStr); 2] = [
        ("SWITCHBOARD_APP", OsStr::new(APP)),
        ("SWITCHBOARD_OVERRIDES", overrides_file.as_os_str()),
    ];
    let driver = TauriDriver::start_with_env(&data.path().join("app"), &envs);
    let window = ok(Session::start(driver.port, APP));
    support::open_page(&window, "integrations");

    paste_a_github_token(&window);
    ok(window.click(&ok(window.wait_for("[data-testid=actions-tab-github]", WAIT))[0]));
    ok(window.click(&ok(window.wait_for("[data-action-id=\"github.star_repository\"]", WAIT))[0]));
    shot(&window, "actions-tab.png");

    choose_repository(&window, "hello-world", "octocat/hello-world");
    ok(window.click(&ok(window.wait_for(&format!("{RUNNER} [data-run-action]"), WAIT))[0]));
    let url = ok(
        window.wait_for_text("[data-approval-card] [data-request-url]", WAIT, |text| {
            text.ends_with("/user/starred/octocat/hello-world")
        }),
    );
    assert!(
        url.starts_with(&doubles.url),
        "the request goes to GitHub's API (the doubles): {url}"
    );
    let before: Vec<Value> = doubles
        .requests()
        .into_iter()
        .filter(|request| request["method"] != "GET")
        .collect();
    assert!(
        before.is_empty(),
        "F4: nothing is sent before approval (the picker only reads): {before:?}"
    );
    open_request_preview(&window);
    shot(&window, "actions-approval-card.png");

    // The person changes the repository on the card; the exact request shown follows.
    choose_repository(&window, "spoon-knife", "octocat/spoon-knife");
    ok(
        window.wait_for_text("[data-approval-card] [data-request-url]", WAIT, |text| {
            text.ends_with("/user/starred/octocat/spoon-knife")
        }),
    );
    let preview = ok(window.text(&ok(window.wait_for("[data-approval-card] [data-request-preview]", WAIT))[0]));
    assert!(!preview.contains(TOKEN), "the card never shows the token: {preview}");
    shot(&window, "actions-approval-edited.png");
    ok(window.click(&ok(window.wait_for("[data-approval-card] [data-approve]:not([disabled])", WAIT))[0]));

    let summary = ok(window.wait_for_text("[data-result-summary]", WAIT, |text| !text.is_empty()));
    assert_eq!(summary, "Starred octocat/spoon-knife.", "the result says what was done");
    shot(&window, "actions-result.png");
    let sent = doubles.requests();
    let stars: Vec<&Value> = sent.iter().filter(|request| request["method"] == "PUT").collect();
    assert_eq!(stars.len(), 1, "F4: one request was sent, after approval: {sent:?}");
    assert_eq!(
        stars[0]["path"], "/github/user/starred/octocat/spoon-knife",
        "F4: the edited request is exactly the one sent"
    );
    assert_eq!(stars[0]["bearer"], TOKEN, "with the connection's token");
    ok(window.end());
}

/// GitHub's card › Connect with a token (no OAuth app is set up) › the token › Verify and connect.
fn paste_a_github_token(window: &Session) {
    ok(window.click(&ok(window.wait_for(&format!("{CARD} [data-action=connect]"), WAIT))[0]));
    let field = ok(window.wait_for("[data-credentials-form=github] input[data-field=token]", WAIT));
    ok(window.type_into(&field[0], TOKEN));
    ok(window.click(&ok(window.wait_for("[data-credentials-form=github] [data-action=verify]", WAIT))[0]));
    ok(
        window.wait_for_text(&format!("{CARD} [data-connection]"), WAIT, |text| {
            text.contains("octocat")
        }),
    );
}

/// The picker of the visible repository field: search `search`, choose the row `name`.
fn choose_repository(window: &Session, search: &str, name: &str) {
    ok(window.click(&ok(window.wait_for("[data-testid=\"pick-github.repo\"]:not([disabled])", WAIT))[0]));
    let field = ok(window.wait_for("[data-testid=picker-search]", WAIT));
    ok(window.type_into(&field[0], search));
    let row = wait_until(
        window,
        &format!("the row {name}"),
        "return [...document.querySelectorAll('[data-testid=picker-row]')]
          .find((row) => row.querySelector('.name')?.textContent === arguments[0]) ?? null;",
        json!([name]),
        WAIT,
    );
    ok(window.click(&element_id(&row).expect("an element")));
    ok(window.click(&ok(window.wait_for("[data-testid=picker-choose]:not([disabled])", WAIT))[0]));
    ok(window.wait_for_text("[data-testid=\"picked-github.repo\"]", WAIT, |text| text == name));
}

fn open_request_preview(window: &Session) {
    ok(window.execute(
        "document.querySelector('[data-approval-card] [data-request-preview]').open = true; return null;",
        json!([]),
    ));
}
