//! End to end, in the real window: GitHub is connected with a personal access token (checked by
//! the loopback doubles' `GET /user`), and on the card's Actions tab "Star a repository" is run
//! through the approval card: the repository is chosen in the picker, the card shows the exact
//! request, the repository is changed on the card (the request shown follows), and Approve sends
//! it. The doubles must have received exactly the edited request, once (SECURITY.md F4). Then a
//! file is read: its picker opens inside the repository the form already names, not at the top.

mod support;

#[path = "../src-tauri/core/tests/integration/support/node.rs"]
mod node;

#[path = "support/api_doubles.rs"]
mod api_doubles;

use std::ffi::OsStr;
use std::sync::{Mutex, MutexGuard, PoisonError};
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

/// The two tests take turns: one app runs per desktop session (a second instance hands its
/// arguments to the first and quits).
static ONE_APP_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The app, its data folder and the doubles it talks to, kept alive together.
struct Running {
    doubles: ApiDoubles,
    window: Session,
    /// The driver, the data folder and this test's turn, released when the test ends.
    kept: (TauriDriver, tempfile::TempDir, MutexGuard<'static, ()>),
}

/// The app with GitHub connected by a token and its Actions tab open on `action`.
fn actions_of_github_open_on(action: &str) -> Running {
    let turn = ONE_APP_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
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
    ok(window.click(&ok(window.wait_for(&format!("[data-action-id=\"{action}\"]"), WAIT))[0]));
    Running {
        doubles,
        window,
        kept: (driver, data, turn),
    }
}

#[test]
fn starring_a_repository_through_the_approval_card_sends_exactly_the_edited_request() {
    let Running {
        doubles,
        window,
        kept: _kept,
    } = actions_of_github_open_on("github.star_repository");
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

#[test]
fn a_file_is_picked_inside_the_repository_the_form_already_names_and_read() {
    let Running {
        doubles,
        window,
        kept: _kept,
    } = actions_of_github_open_on("github.get_file_content");
    choose_repository(&window, "hello-world", "octocat/hello-world");
    ok(window.click(&ok(window.wait_for("[data-testid=\"pick-github.file\"]:not([disabled])", WAIT))[0]));
    let branches = picker_at(&window, "octocat/hello-world");
    let crumbs = branches["crumbs"].as_array().cloned().unwrap_or_default();
    assert!(
        crumbs.len() == 2,
        "the file picker opens in the repository chosen above, with the way back up to all of them: {branches}"
    );
    shot(&window, "actions-picker-within.png");
    let branch = branches["names"][0]
        .as_str()
        .expect("the repository's branches are listed")
        .to_owned();
    ok(window.double_click(&row_named(&window, &branch)));
    picker_at(&window, &branch);
    ok(window.double_click(&row_named(&window, "src")));
    picker_at(&window, "src");
    ok(window.click(&row_named(&window, "main.rs")));
    ok(window.click(&ok(window.wait_for("[data-testid=picker-choose]:not([disabled])", WAIT))[0]));
    ok(window.wait_for_text("[data-testid=\"picked-github.file\"]", WAIT, |text| text == "main.rs"));

    let runner = "[data-action-runner=\"github.get_file_content\"]";
    ok(window.click(&ok(window.wait_for(&format!("{runner} [data-run-action]"), WAIT))[0]));
    let summary = ok(window.wait_for_text("[data-result-summary]", WAIT, |text| !text.is_empty()));
    assert!(
        summary.starts_with("src/main.rs in octocat/hello-world"),
        "a read runs without approval and says what it read: {summary}"
    );
    ok(window.execute(
        "document.querySelector('[data-result-summary]').scrollIntoView({ block: 'center' }); return null;",
        json!([]),
    ));
    shot(&window, "actions-file-read.png");
    let reads: Vec<Value> = doubles
        .requests()
        .into_iter()
        .filter(|request| request["path"] == "/github/repos/octocat/hello-world/contents/src/main.rs")
        .collect();
    assert_eq!(reads.len(), 1, "the file was read once, where it was picked: {reads:?}");
    assert_eq!(
        reads[0]["query"]["ref"], branch,
        "on the branch it was picked on: {reads:?}"
    );
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
    ok(window.click(&row_named(window, name)));
    ok(window.click(&ok(window.wait_for("[data-testid=picker-choose]:not([disabled])", WAIT))[0]));
    ok(window.wait_for_text("[data-testid=\"picked-github.repo\"]", WAIT, |text| text == name));
}

fn open_request_preview(window: &Session) {
    ok(window.execute(
        "document.querySelector('[data-approval-card] [data-request-preview]').open = true; return null;",
        json!([]),
    ));
}

/// The picker's row named exactly `name`, once it is shown.
fn row_named(window: &Session, name: &str) -> String {
    let row = wait_until(
        window,
        &format!("the row {name}"),
        "return [...document.querySelectorAll('[data-testid=picker-row]')]
          .find((row) => row.querySelector('.name')?.textContent === arguments[0]) ?? null;",
        json!([name]),
        WAIT,
    );
    element_id(&row).expect("an element")
}

/// The picker once it has listed the place whose crumb is `crumb`: its crumbs and rows' names.
fn picker_at(window: &Session, crumb: &str) -> Value {
    wait_until(
        window,
        &format!("the picker listing {crumb}"),
        "const list = document.querySelector('[data-testid=picker-list]');
        const crumbs = [...document.querySelectorAll('[data-testid=picker-crumb]')].map((c) => c.textContent.trim());
        const names = [...document.querySelectorAll('[data-testid=picker-row] .name')].map((n) => n.textContent);
        return list && list.getAttribute('aria-busy') !== 'true' && crumbs.at(-1) === arguments[0] && names.length
          ? { crumbs, names } : null;",
        json!([crumb]),
        WAIT,
    )
}
