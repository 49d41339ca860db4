//! `switchboard-cli connection <id> <op>`, `connections --provider` and `audit --jsonl` on a data
//! directory and keyring slot shared with a core that connected a Telegram bot (verified by
//! a loopback double of `getMe`): what each prints, and its exit code.

use crate::support::cli_run;
use crate::support::connector;
use crate::support::fake_provider;
use crate::support::keyring;

use std::collections::BTreeMap;

use cli_run::{cli, text};
use connector::Harness;
use fake_provider::{FakeProvider, Reply};
use switchboard_core::connections::CredentialsRequest;

#[tokio::test]
async fn a_connection_is_tested_renamed_disabled_audited_and_deleted_from_the_command_line() {
    keyring::require_session_bus();
    let fake = FakeProvider::start().await;
    fake.script(
        "/bot123:tok/getMe",
        [Reply::json(
            200,
            r#"{"ok":true,"result":{"id":42,"username":"ana_bot"}}"#,
        )],
    );
    let harness = Harness::shared_with_cli(&format!("[providers.telegram]\napi_base_url = \"{}\"\n", fake.url("")));
    let request = CredentialsRequest {
        provider: "telegram".into(),
        products: vec![],
        values: BTreeMap::from([("token".to_owned(), "123:tok".to_owned())]),
    };
    let bot = harness
        .services
        .sign_ins
        .connect_with_credentials(&request)
        .await
        .expect("a bot is connected");
    let overrides = harness.overrides_file();
    let (dir, file, id) = (harness.data.path(), overrides.as_path(), bot.id.to_string());

    let tested = cli(dir, file, &["connection", &id, "test", "--json"]).await;
    assert!(
        tested.status.success(),
        "a passing test exits 0: {}",
        text(&tested.stderr)
    );
    let test: serde_json::Value = serde_json::from_slice(&tested.stdout).expect("the test as JSON");
    assert_eq!(test["ok"], true, "{test}");
    assert!(
        test["message"].as_str().is_some_and(|m| m.contains("ana_bot")),
        "{test}"
    );
    assert!(!text(&tested.stdout).contains("123:tok"), "no token is printed");

    let reauthorized = cli(dir, file, &["connection", &id, "reauthorize", "--no-browser"]).await;
    assert_eq!(
        reauthorized.status.code(),
        Some(1),
        "a pasted token is replaced by pasting one, not by signing in"
    );
    assert!(
        text(&reauthorized.stderr).contains("paste a new one"),
        "and the CLI says so: {}",
        text(&reauthorized.stderr)
    );

    let renamed = cli(dir, file, &["connection", &id, "rename", "alerts bot"]).await;
    assert!(
        text(&renamed.stdout).contains("alerts bot (ana_bot)"),
        "the label is shown: {}",
        text(&renamed.stdout)
    );
    let disabled = cli(dir, file, &["connection", &id, "disable"]).await;
    assert!(
        text(&disabled.stdout).contains("disabled"),
        "{}",
        text(&disabled.stdout)
    );
    let refused = cli(dir, file, &["connection", &id, "test"]).await;
    assert_eq!(refused.status.code(), Some(1), "a disabled connection cannot be tested");
    assert!(
        text(&refused.stderr).contains("turned off"),
        "{}",
        text(&refused.stderr)
    );

    let telegram = cli(dir, file, &["connections", "--provider", "telegram", "--json"]).await;
    let listed: serde_json::Value = serde_json::from_slice(&telegram.stdout).expect("JSON");
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "the bot is listed under telegram"
    );
    let github = cli(dir, file, &["connections", "--provider", "github", "--json"]).await;
    assert_eq!(text(&github.stdout).trim(), "[]", "and not under another provider");

    let audit = cli(dir, file, &["audit", "--connection", &id, "--jsonl"]).await;
    assert!(audit.status.success(), "{}", text(&audit.stderr));
    let operations: Vec<String> = text(&audit.stdout)
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("one JSON object per line"))
        .map(|entry| entry["operation"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        operations,
        ["connect", "test", "rename", "disable"],
        "each operation, oldest first"
    );

    let deleted = cli(dir, file, &["connection", &id, "delete", "--json"]).await;
    let outcome: serde_json::Value = serde_json::from_slice(&deleted.stdout).expect("the outcome as JSON");
    assert_eq!(
        outcome["revocation"]["kind"], "notSupported",
        "a pasted token is not revoked: {outcome}"
    );
    let gone = cli(dir, file, &["connection", &id, "get"]).await;
    assert_eq!(gone.status.code(), Some(1), "a deleted connection is not found");

    for usage in [
        &["connection", id.as_str()][..],
        &["connection", id.as_str(), "rename"][..],
        &["connection", id.as_str(), "frobnicate"][..],
        &["audit", "--connection", "x"][..],
        &["audit", "--json"][..],
    ] {
        let output = cli(dir, file, usage).await;
        assert_eq!(output.status.code(), Some(2), "`{}` is a usage error", usage.join(" "));
    }
}
