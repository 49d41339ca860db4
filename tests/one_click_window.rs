//! One-click connect, in the real window of two builds. The build made with a built-in clients
//! file (`make one-click-app`: oidc-provider's stand-in for Google's desktop client, its endpoints
//! from an overrides file that names no client) opens on the first-run welcome offering Google,
//! connects Google from the Integrations page with one click, says "built in" in Settings and
//! in `switchboard-cli providers --json`, and opens on the chat once something is connected. A
//! build without the file welcomes with nothing to connect in one click, keeps the set-up path,
//! and connects Atlassian with an API token (the loopback doubles standing in for the site).

mod support;

#[path = "support/api_doubles.rs"]
mod api_doubles;
#[path = "../src-tauri/core/tests/integration/support/node.rs"]
mod node;
#[path = "../src-tauri/core/tests/integration/support/oidc.rs"]
mod oidc;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use api_doubles::ApiDoubles;
use oidc::OidcServer;
use support::webdriver::Session;
use support::{assert_accessible, open_page, require_display, shot, TauriDriver, APP};

const WAIT: Duration = Duration::from_secs(30);

/// The two tests take turns: one app runs per desktop session (a second instance hands its
/// arguments to the first and quits).
static ONE_APP_AT_A_TIME: Mutex<()> = Mutex::new(());

fn my_turn() -> MutexGuard<'static, ()> {
    ONE_APP_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner)
}

fn ok<T>(outcome: Result<T, String>) -> T {
    outcome.unwrap_or_else(|error| panic!("{error}"))
}

/// A binary `make one-click-app` leaves beside the app's.
fn one_click_build(name: &str) -> PathBuf {
    let path = Path::new(APP).with_file_name(name);
    assert!(
        path.exists(),
        "{} is missing: `make one-click-app` (part of `make test`) builds it",
        path.display()
    );
    path
}

/// Google's endpoints at the server and no client: the client is the build's own.
fn endpoints_only(server: &OidcServer) -> String {
    let issuer = &server.issuer;
    format!(
        "[providers.google.oauth]\nauthorize_url = \"{issuer}/auth\"\ntoken_url = \"{issuer}/token\"\n\
         issuer = \"{issuer}\"\nscopes = [\"openid\", \"email\", \"offline_access\"]\n"
    )
}

fn click(window: &Session, css: &str) {
    ok(window.click(&ok(window.wait_for(css, WAIT))[0]));
}

#[test]
fn a_build_with_its_own_clients_connects_google_in_one_click() {
    require_display();
    let _turn = my_turn();
    let app = one_click_build("switchboard-one-click");
    let app = app.to_str().expect("a UTF-8 path");
    let server = OidcServer::start();
    let data = tempfile::tempdir().expect("a private data dir");
    let overrides = data.path().join("overrides.toml");
    std::fs::write(&overrides, endpoints_only(&server)).expect("write the overrides file");
    let stand_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc/browser-stand-in.sh");
    let envs: [(&str, &OsStr); 4] = [
        ("SWITCHBOARD_APP", OsStr::new(app)),
        ("SWITCHBOARD_OVERRIDES", overrides.as_os_str()),
        ("SWITCHBOARD_BROWSER", stand_in.as_os_str()),
        ("APPROVE_LOG", OsStr::new("/dev/null")),
    ];
    let app_dir = data.path().join("app");
    let driver = TauriDriver::start_with_env(&app_dir, &envs);
    let window = ok(Session::start(driver.port, app));

    ok(window.wait_for(
        "[data-welcome=one-click] [data-provider=google] [data-action=connect]",
        WAIT,
    ));
    shot(&window, "welcome-one-click.png");
    assert_accessible(&window, "the first-run welcome");
    click(&window, "[data-action=skip-welcome]");
    ok(window.wait_for("[data-suggestion]", WAIT));

    open_page(&window, "integrations");
    ok(window.wait_for("[data-provider=google] [data-action=connect]", WAIT));
    assert!(
        ok(window.find_all("[data-provider=google] [data-action=set-up]")).is_empty(),
        "a built-in client leaves nothing to set up"
    );
    shot(&window, "one-click-integrations.png");
    click(&window, "[data-provider=google] [data-action=connect]");
    let row = ok(
        window.wait_for_text("[data-provider=google] [data-connection]", WAIT, |text| {
            text.contains("Connected as")
        }),
    );
    assert!(
        row.contains("Connected as ana@example.com"),
        "one click, connected: {row}"
    );

    open_page(&window, "settings");
    ok(window.wait_for("[data-provider-setup=google] [data-client-source=builtIn]", WAIT));
    let show = "const entry = document.querySelector('[data-provider-setup=google]'); entry.open = true; \
                entry.scrollIntoView({ block: 'start' }); return true;";
    ok(window.execute(show, serde_json::json!([])));
    shot(&window, "one-click-settings.png");
    let listed = std::process::Command::new(one_click_build("switchboard-cli-one-click"))
        .args(["providers", "--json"])
        .env("SWITCHBOARD_DATA_DIR", &app_dir)
        .output()
        .expect("run switchboard-cli");
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON on stdout");
    let google = listed
        .as_array()
        .into_iter()
        .flatten()
        .find(|provider| provider["id"] == "google")
        .expect("Google is listed");
    assert_eq!(google["client"], "built_in", "the CLI says the same as Settings");
    ok(window.end());
    drop(driver);

    let driver = TauriDriver::start_with_env(&app_dir, &envs);
    let window = ok(Session::start(driver.port, app));
    ok(window.wait_for("[data-suggestion]", WAIT));
    assert!(
        ok(window.find_all("[data-welcome=page]")).is_empty(),
        "once something is connected the app opens on the chat, not the welcome"
    );
    ok(window.end());
}

#[test]
fn a_build_without_clients_welcomes_and_keeps_the_set_up_path() {
    require_display();
    let _turn = my_turn();
    let data = tempfile::tempdir().expect("a private data dir");
    let driver = TauriDriver::start(&data.path().join("app"));
    let window = ok(Session::start(driver.port, APP));
    ok(window.wait_for("[data-welcome=none]", WAIT));
    shot(&window, "welcome-no-built-in-clients.png");
    click(&window, "[data-action=open-integrations]");
    ok(window.wait_for("[data-provider=google] [data-action=set-up]", WAIT));
    shot(&window, "integrations-without-built-in-clients.png");

    let doubles = ApiDoubles::start();
    click(&window, "[data-provider=atlassian] [data-action=connect]");
    let site = format!("{}/atlassian/site/acme", doubles.url);
    for (field, value) in [
        ("site_url", site.as_str()),
        ("email", "ana@example.com"),
        ("api_token", "ATATT3x-window"),
    ] {
        let input = ok(window.wait_for(&format!("[data-credentials-form=atlassian] [data-field={field}]"), WAIT));
        ok(window.type_into(&input[0], value));
    }
    shot(&window, "atlassian-api-token-form.png");
    click(&window, "[data-credentials-form=atlassian] [data-action=verify]");
    let row = ok(
        window.wait_for_text("[data-provider=atlassian] [data-connection]", WAIT, |text| {
            text.contains("Connected as")
        }),
    );
    assert!(
        row.contains("ana@example.com"),
        "connected with the API token, no app: {row}"
    );
    let page = ok(window.page_source());
    assert!(
        !page.contains("ATATT3x-window"),
        "the token never comes back to the webview"
    );
    shot(&window, "atlassian-connected-with-a-token.png");
    open_page(&window, "chat");
    ok(window.wait_for("[data-suggestion]", WAIT));
    ok(window.end());
}
