//! End to end, in the real window, with a language model: the scripted model server
//! (tests/model/) chosen in Settings › Chat model as an OpenAI-compatible server, saved and
//! tested there; then, with GitHub connected (its sign-in at oidc-provider, its API at the
//! loopback doubles), "star tauri-apps/tauri" is answered in words that arrive piece by piece,
//! the model's tool call waits at the approval card and Approve stars exactly once; and Stop in
//! the middle of a long answer ends it at once, the words so far kept and "Stopped." said.
//! What the model is sent, and how the core streams, the core's tests check
//! (src-tauri/core/tests/integration/assistant_model*.rs); this file checks what the window shows.

mod support;

#[path = "support/api_doubles.rs"]
mod api_doubles;
#[path = "../src-tauri/core/tests/integration/support/node.rs"]
mod node;
#[path = "../src-tauri/core/tests/integration/support/oidc.rs"]
mod oidc;
#[path = "support/scripted_model.rs"]
mod scripted_model;

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::time::{Duration, Instant};

use api_doubles::ApiDoubles;
use oidc::OidcServer;
use scripted_model::ScriptedModel;
use serde_json::{json, Value};
use support::webdriver::{element_id, Session};
use support::{assert_accessible, open_page, require_display, shot, wait_until, TauriDriver, APP};

const WAIT: Duration = Duration::from_secs(30);
const MODEL: &str = "[data-section=model]";
/// The approval card that waits for the person (earlier ones stay in the log, closed).
const OPEN_APPROVAL: &str = "[data-card-open=true] [data-chat-card=approve]";
const STAR: &str = "/github/user/starred/tauri-apps/tauri";
const PLANNED: &str = "I'll star tauri-apps/tauri for you.";
const STARRED: &str = "Starred tauri-apps/tauri.";

/// Samples, every 5 ms until an approval card opens (`arguments[0]` finds it), the text of the
/// assistant's messages whose words are arriving (`data-streaming`), into `window.__streamed` as
/// `{id, text}` each time it changes: in the page, so the samples do not wait on WebDriver.
const SAMPLE_STREAMING: &str = "const card = arguments[0];
const seen = (window.__streamed = []);
const timer = setInterval(() => {
  for (const message of document.querySelectorAll('article[data-role=assistant][data-streaming]')) {
    const text = (message.querySelector('[data-markdown]')?.textContent ?? '').trim();
    if (text !== '' && seen.at(-1)?.text !== text) seen.push({ id: message.dataset.messageId, text });
  }
  if (document.querySelector(card)) clearInterval(timer);
}, 5);
return true;";

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

/// The control of the label in `scope` whose text starts with `label` (a text field, a radio
/// button), found as a person finds it: by what the label says.
fn labelled(window: &Session, scope: &str, label: &str) -> String {
    let found = wait_until(
        window,
        &format!("the control labelled {label:?}"),
        "return [...document.querySelectorAll(arguments[0] + ' label')]
          .find((label) => label.textContent.trim().startsWith(arguments[1]))?.control ?? null;",
        json!([scope, label]),
        WAIT,
    );
    element_id(&found).expect("an element")
}

/// The enabled button in `scope` that says `text`.
fn button(window: &Session, scope: &str, text: &str) -> String {
    let found = wait_until(
        window,
        &format!("the button {text:?}"),
        "return [...document.querySelectorAll(arguments[0] + ' button')]
          .find((button) => button.textContent.trim() === arguments[1] && !button.disabled) ?? null;",
        json!([scope, text]),
        WAIT,
    );
    element_id(&found).expect("an element")
}

fn scroll_into_view(window: &Session, css: &str) {
    ok(window.execute(
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' }); return true;",
        json!([css]),
    ));
}

/// Writes `text` in the composer and sends it with Enter.
fn say(window: &Session, text: &str) {
    let composer = ok(window.wait_for("[data-composer]", WAIT));
    ok(window.type_into(&composer[0], &format!("{text}\u{E007}")));
}

/// The text of message `id` as shown (its markdown), or None while it is not in the page.
fn message_text(window: &Session, id: &str) -> Option<String> {
    let text = ok(window.execute(
        "return document.querySelector(`article[data-message-id=\"${arguments[0]}\"] [data-markdown]`)?.textContent.trim() ?? null;",
        json!([id]),
    ));
    text.as_str().map(str::to_owned)
}

/// The requests the doubles received with `method` on `path`.
fn received(doubles: &ApiDoubles, method: &str, path: &str) -> Vec<Value> {
    doubles
        .requests()
        .into_iter()
        .filter(|request| request["method"] == method && request["path"] == path)
        .collect()
}

/// The last message the person wrote in a model request (OpenAI's `messages`).
fn last_user_text(request: &Value) -> String {
    let messages = request["body"]["messages"].as_array().cloned().unwrap_or_default();
    let last = messages.iter().rev().find(|message| message["role"] == "user");
    last.map(|message| message["content"].to_string()).unwrap_or_default()
}

#[test]
fn a_model_chosen_in_settings_streams_its_words_asks_before_starring_and_stops_at_once() {
    require_display();
    let model = ScriptedModel::start();
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
    let driver = TauriDriver::start_with_env(&data.path().join("app"), &envs);
    let window = ok(Session::start(driver.port, APP));

    choose_the_model_in_settings(&window, &model);
    connect_github(&window);
    streamed_words_then_approval_then_one_star(&window, &model, &doubles);
    stop_ends_a_long_answer_at_once(&window, &model);
    ok(window.end());
}

/// Settings › Chat model › OpenAI-compatible server, its base URL and model, Save model; the
/// section names what is in use, and Test asks it once and says how long the answer took.
fn choose_the_model_in_settings(window: &Session, model: &ScriptedModel) {
    open_page(window, "settings");
    ok(
        window.wait_for_text(&format!("{MODEL} [data-assistant-model]"), WAIT, |text| {
            text.starts_with("Built in")
        }),
    );
    ok(window.click(&labelled(window, MODEL, "OpenAI-compatible server")));
    ok(window.type_into(&labelled(window, MODEL, "Base URL"), &model.base_url()));
    ok(window.type_into(&labelled(window, MODEL, "Model"), "scripted-1"));
    ok(window.click(&button(window, MODEL, "Save model")));
    let in_use = format!("In use: scripted-1 at {}", model.address());
    let section = ok(window.wait_for_text(MODEL, WAIT, |text| text.contains(&in_use)));
    assert!(section.contains("Saved"), "the section says it saved: {section}");

    model.script(json!([{ "text": "Hello from scripted-1." }]));
    ok(window.click(&button(window, MODEL, "Test")));
    let report = ok(
        window.wait_for_text(&format!("{MODEL} [data-model-test]"), WAIT, |text| {
            text.contains("Answered in")
        }),
    );
    assert!(
        report.contains("Hello from scripted-1."),
        "the test shows what the model answered: {report}"
    );
    let asked = model.requests();
    assert_eq!(asked.len(), 1, "Test asks the model once: {asked:#?}");
    assert_eq!(asked[0]["path"], "/v1/chat/completions", "at the base URL saved");
    assert_eq!(asked[0]["body"]["model"], "scripted-1", "for the model saved");
    scroll_into_view(window, MODEL);
    shot(window, "model-settings.png");
    assert_accessible(window, "Settings › Chat model with a server saved and tested");
}

/// Integrations › GitHub › Connect: the browser stand-in signs in at oidc-provider.
fn connect_github(window: &Session) {
    open_page(window, "integrations");
    ok(window.click(&ok(window.wait_for("[data-provider=github] [data-action=connect]", WAIT))[0]));
    ok(window.wait_for("[data-provider=github] [data-connection]", WAIT));
}

/// "star tauri-apps/tauri": the model's words grow on screen, then its tool call waits at the
/// approval card; Approve stars once, and the model's last words say so.
fn streamed_words_then_approval_then_one_star(window: &Session, model: &ScriptedModel, doubles: &ApiDoubles) {
    model.script(json!([
        { "text": PLANNED, "textChunk": 3, "eventDelayMs": 30,
          "toolCalls": [{ "id": "call_1", "name": "github__star_repository",
                          "arguments": { "repository": "tauri-apps/tauri" } }] },
        { "text": STARRED }
    ]));
    open_page(window, "chat");
    ok(window.wait_for("[data-composer]", WAIT));
    ok(window.execute(SAMPLE_STREAMING, json!([OPEN_APPROVAL])));
    say(window, "star tauri-apps/tauri");

    ok(window.wait_for(OPEN_APPROVAL, WAIT));
    let samples = ok(window.execute("return window.__streamed;", json!([])));
    let seen: Vec<&str> = samples
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|sample| sample["text"].as_str())
        .collect();
    let lengths: Vec<usize> = seen.iter().map(|text| text.chars().count()).collect();
    println!(
        "streamed message lengths seen: {lengths:?} (whole: {})",
        PLANNED.chars().count()
    );
    assert!(
        seen.iter().filter(|text| text.len() < PLANNED.len()).count() >= 2,
        "the words arrive piece by piece: at least two lengths before the whole, seen {seen:?}"
    );
    assert!(
        seen.windows(2)
            .all(|pair| pair[1].len() > pair[0].len() && pair[1].starts_with(pair[0]))
            && seen.iter().all(|text| PLANNED.starts_with(text)),
        "each piece extends the words before it: {seen:?}"
    );
    let id = samples[0]["id"].as_str().expect("the streamed message's id");
    assert_eq!(
        message_text(window, id).as_deref(),
        Some(PLANNED),
        "the streamed message ends whole"
    );

    let card = ok(window.wait_for_text(OPEN_APPROVAL, WAIT, |text| text.contains("tauri-apps/tauri")));
    assert!(
        received(doubles, "PUT", STAR).is_empty(),
        "nothing is sent before approval: {card}"
    );
    shot(window, "model-approval-card.png");
    assert_accessible(window, "Chat with a model's words and its approval card");
    let approve = ok(window.wait_for(&format!("{OPEN_APPROVAL} [data-chat-approve]"), WAIT));
    ok(window.execute(
        "arguments[0].scrollIntoView({ block: 'center' }); return true;",
        json!([{ "element-6066-11e4-a52e-4f735466cecf": approve[0] }]),
    ));
    ok(window.click(&approve[0]));
    // The action's own summary says the same words: wait for the model's, after the result card.
    wait_until(
        window,
        "the model's last words after the result card",
        "const answers = [...document.querySelectorAll('[data-message-log] article[data-role=assistant]')];
         const result = answers.findIndex((answer) => answer.querySelector('[data-chat-card=result]'));
         return result >= 0 && answers.slice(result + 1)
           .some((answer) => answer.querySelector('[data-markdown]')?.textContent.trim() === arguments[0]);",
        json!([STARRED]),
        WAIT,
    );
    ok(window.wait_for("[data-send]", WAIT));
    let stars = received(doubles, "PUT", STAR);
    assert_eq!(stars.len(), 1, "approved once, starred once: {stars:?}");
    assert_eq!(
        model.pending(),
        0,
        "the model was asked again after the star, for its last words"
    );
    shot(window, "model-starred.png");
}

/// A long answer stopped halfway: it stops growing at once, keeps the words so far, and the
/// chat says "Stopped."; the rest of it never reaches the window.
fn stop_ends_a_long_answer_at_once(window: &Session, model: &ScriptedModel) {
    let long: Vec<String> = (1..=400).map(|n| format!("word{n}")).collect();
    let long = long.join(" ");
    model.script(json!([{ "text": long, "textChunk": 4, "eventDelayMs": 50 }]));
    let asked_before = model.requests().len();
    say(window, "write me something long");

    let found = wait_until(
        window,
        "some of the long answer on screen",
        "const found = [...document.querySelectorAll('article[data-role=assistant][data-streaming]')]
           .find((message) => (message.querySelector('[data-markdown]')?.textContent ?? '').trim().length > 40);
         return found ? found.dataset.messageId : null;",
        json!([]),
        WAIT,
    );
    let id = found.as_str().expect("a message id").to_owned();
    shot(window, "model-streaming.png");
    assert_accessible(window, "Chat with a model's answer arriving");

    let stop = ok(window.wait_for("[data-stop]", WAIT));
    let clicked = Instant::now();
    ok(window.click(&stop[0]));
    let told = ok(
        window.wait_for_text("[data-message-log]", Duration::from_secs(2), |text| {
            text.contains("Stopped.")
        }),
    );
    let stopped_after = clicked.elapsed();
    let first = message_text(window, &id).unwrap_or_default();
    std::thread::sleep(Duration::from_millis(500));
    let second = message_text(window, &id).unwrap_or_default();
    println!(
        "Stop: \"Stopped.\" on screen {} ms after the click; the answer kept {} of {} characters",
        stopped_after.as_millis(),
        second.len(),
        long.len()
    );
    assert_eq!(
        first.len(),
        second.len(),
        "once stopped, the answer stops growing: {} then, 500 ms later, {} characters",
        first.len(),
        second.len()
    );
    assert!(
        !second.is_empty() && long.starts_with(&second) && second.len() < long.len() && !second.contains("word400"),
        "the words so far are kept and the rest never arrives: {second:?}"
    );
    assert!(
        told.find(second.as_str())
            .is_some_and(|at| Some(at) < told.rfind("Stopped.")),
        "\"Stopped.\" follows the words kept: {told}"
    );
    ok(window.wait_for("[data-send]", WAIT));
    shot(window, "model-stopped.png");

    let asked = model.requests();
    assert_eq!(
        asked.len(),
        asked_before + 1,
        "one model request for the long answer: {asked:#?}"
    );
    let request = &asked[asked_before];
    assert_eq!(request["body"]["stream"], true, "the long answer was asked as a stream");
    assert!(
        last_user_text(request).contains("write me something long"),
        "the request carries the message: {request}"
    );
    assert_eq!(model.pending(), 0, "the long answer's turn was taken");
    assert_eq!(
        message_text(window, &id).map(|text| text.len()),
        Some(second.len()),
        "a while later, still nothing more has arrived"
    );
}
