//! `switchboard-cli plan` and `chat`: the planner's reading of a request printed without running
//! anything (dates against a given clock), and a conversation in the terminal over the same runs
//! as the window — a clarification answered at its prompt, an approval showing the exact
//! request and sent once on "y", a denial sending nothing.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::AsyncWriteExt;

use crate::support::actions::received;
use crate::support::cli_run::text;
use crate::support::connector::Harness;
use crate::support::doubles::ApiDoubles;
use crate::support::keyring;
use crate::support::pasted;

const TOKEN: &str = "ghp_cliChatToken000001";

#[tokio::test]
async fn plan_prints_the_action_and_parameters_without_running_anything() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-cli"))
        .args([
            "plan",
            "schedule lunch with Bob tomorrow at noon",
            "--now",
            "2026-03-11T10:00-04:00[America/New_York]",
            "--json",
        ])
        .output()
        .await
        .expect("run switchboard-cli");
    assert!(output.status.success(), "plan exits 0: {}", text(&output.stderr));
    let plan: Value = serde_json::from_slice(&output.stdout).expect("plan --json prints JSON");
    let step = &plan["steps"][0];
    assert_eq!(step["action"], "calendar.create_event");
    assert_eq!(
        step["arguments"]["start"], "2026-03-12T12:00:00-04:00",
        "tomorrow at noon, in the given zone"
    );
    assert_eq!(step["arguments"]["title"], "Lunch with Bob");

    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-cli"))
        .args(["plan", "send an email"])
        .output()
        .await
        .expect("run switchboard-cli");
    let said = text(&output.stdout);
    assert!(
        said.contains("still missing: to, subject, body"),
        "what is missing is listed: {said}"
    );
}

/// Runs `chat` with `input` on its stdin; returns what it printed.
async fn chat(data: &std::path::Path, overrides: &std::path::Path, input: &str) -> String {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-cli"))
        .args(["chat", "--overrides", overrides.to_str().expect("a UTF-8 path")])
        .env("SWITCHBOARD_DATA_DIR", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start switchboard-cli chat");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).await.expect("write the conversation");
    drop(stdin);
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("chat ends when its input does")
        .expect("chat output");
    let printed = text(&output.stdout);
    assert!(
        output.status.success(),
        "chat exits 0: {printed}{}",
        text(&output.stderr)
    );
    printed
}

#[tokio::test]
async fn chat_in_the_terminal_asks_shows_the_exact_request_and_sends_once() {
    keyring::require_session_bus();
    let doubles = ApiDoubles::start();
    let harness = Harness::shared_with_cli(&format!("[providers.github]\n{}", doubles.overrides_lines("github")));
    pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    doubles.reset().await;
    let overrides = harness.overrides_file();
    let (dir, file) = (harness.data.path(), overrides.as_path());

    let printed = chat(
        dir,
        file,
        "create an issue in octocat/hello-world\nCrash on start\ny\n\n",
    )
    .await;
    assert!(
        printed.contains("I need a little more"),
        "the missing title is asked for: {printed}"
    );
    assert!(
        printed.contains("POST ") && printed.contains("/repos/octocat/hello-world/issues"),
        "the exact request is shown before it is sent: {printed}"
    );
    assert!(
        printed.contains("\"title\": \"Crash on start\""),
        "with the answer in it: {printed}"
    );
    assert!(
        printed.contains("Opened issue #1"),
        "and the result in plain words: {printed}"
    );
    let issues = received(&doubles, "POST", "/github/repos/octocat/hello-world/issues").await;
    assert_eq!(issues.len(), 1, "approved with y: one issue");

    doubles.reset().await;
    let printed = chat(dir, file, "star octocat/hello-world\nnot today\n\n").await;
    assert!(printed.contains("didn't do it"), "a reason denies: {printed}");
    assert!(doubles.requests().await.is_empty(), "a denial sends nothing");
}
