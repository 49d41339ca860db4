//! Settings › Chat model against the scripted model server: a key is sealed in the vault, never
//! shown, never in the database file in the clear, and never sent to a server it was not saved
//! for; a server's models are listed over each protocol and Ollama's; Test reports the latency
//! or names the exact problem (a wrong key, an unknown model, a server down, one that does not
//! stream); `switchboard-cli model` does the same headless.

use serde_json::json;
use switchboard_core::assistant::ModelLimits;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::llm::model::{KeyChange, ModelKind, ModelListRequest, ModelSettings, ModelSettingsInput};

use crate::support::cli_run::{cli, text};
use crate::support::connector::Harness;
use crate::support::doubles::ApiDoubles;
use crate::support::model::{harness_with, use_model, ScriptedModel};

const KEY: &str = "sk-settings-key-0123456789abcdef";

fn input(kind: ModelKind, base_url: &str, key: KeyChange) -> ModelSettingsInput {
    ModelSettingsInput {
        settings: ModelSettings {
            kind,
            base_url: base_url.into(),
            model: "scripted-1".into(),
            token_budget: 16_000,
        },
        key,
    }
}

fn refused(error: impl Into<UserError>) -> UserError {
    error.into()
}

#[tokio::test]
async fn a_key_is_sealed_never_shown_and_dropped_when_the_server_changes() {
    let doubles = ApiDoubles::start();
    let model = ScriptedModel::start();
    let harness = harness_with(&doubles, "github", "model-settings-key", &model, ModelLimits::default());
    let models = &harness.services.models;
    let base = model.base_url(ModelKind::OpenAiCompatible);

    let view = models
        .save(input(
            ModelKind::OpenAiCompatible,
            &base,
            KeyChange::Set { value: KEY.into() },
        ))
        .expect("saved");
    assert!(view.has_key, "the key is saved");
    assert!(view.in_use.starts_with("scripted-1 at 127.0.0.1:"), "{}", view.in_use);
    assert!(
        !serde_json::to_string(&view).expect("json").contains(KEY),
        "the key is never shown again"
    );
    let stored = harness.database_bytes();
    assert!(
        !stored.windows(KEY.len()).any(|window| window == KEY.as_bytes()),
        "the database file holds the key sealed, not in the clear"
    );

    let view = models
        .save(input(ModelKind::OpenAiCompatible, &base, KeyChange::Keep))
        .expect("saved again");
    assert!(view.has_key, "saving the same server keeps the key");
    model.configure(Some(KEY), &["scripted-1"]).await;
    let other_name = base.replace("127.0.0.1", "localhost");
    let listed = models
        .list(ModelListRequest {
            kind: ModelKind::OpenAiCompatible,
            base_url: other_name,
            key: None,
        })
        .await;
    assert!(
        listed.is_err(),
        "another address gets no saved key, so this server refuses: {listed:?}"
    );
    assert!(
        !model.log_text().await.contains(KEY),
        "the saved key never went to another address"
    );
    let elsewhere = format!("{}/other/v1", model.url());
    let view = models
        .save(input(ModelKind::OpenAiCompatible, &elsewhere, KeyChange::Keep))
        .expect("saved");
    assert!(!view.has_key, "a key is never sent to a server it was not saved for");

    let remote = models.save(input(
        ModelKind::OpenAiCompatible,
        "http://models.example.com/v1",
        KeyChange::Set { value: KEY.into() },
    ));
    let remote = refused(remote.expect_err("a key over plain http to another machine is refused"));
    assert_eq!(remote.code, ErrorCode::InvalidInput);
    assert!(remote.message.contains("https"), "{}", remote.message);
    let mut tiny = input(ModelKind::OpenAiCompatible, &base, KeyChange::Keep);
    tiny.settings.token_budget = 10;
    assert_eq!(
        refused(models.save(tiny).expect_err("a budget too small")).code,
        ErrorCode::InvalidInput
    );
    let view = models
        .save(input(ModelKind::Builtin, "", KeyChange::Keep))
        .expect("back to built in");
    assert_eq!(view.in_use, "Built in (works offline)");
    assert!(models.client().expect("read").is_none(), "the offline planner again");
}

#[tokio::test]
async fn models_are_listed_over_each_protocol_and_a_local_ollama_is_found() {
    let doubles = ApiDoubles::start();
    let model = ScriptedModel::start();
    model.configure(None, &["scripted-1", "scripted-2"]).await;
    let harness = harness_with(
        &doubles,
        "github",
        "model-settings-list",
        &model,
        ModelLimits::default(),
    );
    let models = &harness.services.models;
    for kind in [ModelKind::OpenAiCompatible, ModelKind::Anthropic] {
        let listed = models
            .list(ModelListRequest {
                kind,
                base_url: model.base_url(kind),
                key: None,
            })
            .await
            .unwrap_or_else(|error| panic!("{kind:?} lists: {:?}", refused(error)));
        assert_eq!(listed, ["scripted-1", "scripted-2"], "{kind:?}");
    }
    let found = models
        .find_local()
        .await
        .expect("the server on the local port is offered");
    assert_eq!(found.base_url, model.base_url(ModelKind::OpenAiCompatible));
    assert_eq!(found.models, ["scripted-1", "scripted-2"]);
}

#[tokio::test]
async fn test_reports_the_latency_or_the_exact_problem() {
    let doubles = ApiDoubles::start();
    let model = ScriptedModel::start();
    let harness = harness_with(
        &doubles,
        "github",
        "model-settings-test",
        &model,
        ModelLimits::default(),
    );
    let services = &harness.services;
    model.configure(Some(KEY), &["scripted-1"]).await;
    use_model(services, &model, ModelKind::Anthropic, Some(KEY));
    model
        .script(json!([{"text": "Hello there."}, {"text": "Hi.", "ignoreStream": true}]))
        .await;

    let report = services.models.test().await.expect("the test answers");
    assert_eq!(report.reply, "Hello there.");
    assert!(report.note.is_none(), "it streams");
    let report = services
        .models
        .test()
        .await
        .expect("a server that ignores stream still answers");
    assert!(
        report
            .note
            .as_deref()
            .is_some_and(|note| note.contains("doesn't stream")),
        "said plainly: {report:?}"
    );

    use_model(services, &model, ModelKind::Anthropic, Some("sk-wrong"));
    let wrong = refused(services.models.test().await.expect_err("a wrong key"));
    assert!(
        wrong.message.contains("refused the API key") && !wrong.message.contains("sk-wrong"),
        "{}",
        wrong.message
    );
    use_model(services, &model, ModelKind::Anthropic, Some(KEY));
    let mut unknown = input(ModelKind::Anthropic, model.url(), KeyChange::Keep);
    unknown.settings.model = "no-such-model".into();
    services.models.save(unknown).expect("saved");
    let unknown = refused(services.models.test().await.expect_err("an unknown model"));
    assert!(
        unknown.message.contains("doesn't know the model \"no-such-model\""),
        "{}",
        unknown.message
    );

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a port")
        .local_addr()
        .expect("addr")
        .port();
    services
        .models
        .save(input(
            ModelKind::OpenAiCompatible,
            &format!("http://127.0.0.1:{closed}/v1"),
            KeyChange::Keep,
        ))
        .expect("saved");
    let down = refused(services.models.test().await.expect_err("nothing listens"));
    assert_eq!(down.code, ErrorCode::Network);
    assert!(down.message.contains("can't be reached"), "{}", down.message);
}

#[tokio::test]
async fn the_cli_sets_shows_and_tests_the_model_with_the_key_from_stdin() {
    let doubles = ApiDoubles::start();
    let model = ScriptedModel::start();
    model.configure(Some(KEY), &["scripted-1"]).await;
    model.script(json!([{"text": "Hello from the CLI test."}])).await;
    let harness = Harness::shared_with_cli(&format!("[providers.github]\n{}", doubles.overrides_lines("github")));
    let overrides = harness.overrides_file();
    let base = model.base_url(ModelKind::OpenAiCompatible);

    let mut set = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-cli"))
        .args([
            "model",
            "set",
            "openai",
            "--base-url",
            &base,
            "--model",
            "scripted-1",
            "--key-stdin",
        ])
        .args(["--overrides", overrides.to_str().expect("utf-8")])
        .env("SWITCHBOARD_DATA_DIR", harness.data.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run switchboard-cli");
    use tokio::io::AsyncWriteExt;
    let mut stdin = set.stdin.take().expect("stdin");
    stdin.write_all(format!("{KEY}\n").as_bytes()).await.expect("the key");
    drop(stdin);
    let set = set.wait_with_output().await.expect("set ends");
    assert!(set.status.success(), "model set: {}", text(&set.stderr));

    let shown = cli(harness.data.path(), &overrides, &["model", "show", "--json"]).await;
    assert!(shown.status.success(), "{}", text(&shown.stderr));
    let shown = text(&shown.stdout);
    assert!(
        shown.contains("\"hasKey\": true") && !shown.contains(KEY),
        "the key is saved, never printed: {shown}"
    );
    let tested = cli(harness.data.path(), &overrides, &["model", "test"]).await;
    assert!(tested.status.success(), "{}", text(&tested.stderr));
    assert!(
        text(&tested.stdout).contains("Hello from the CLI test."),
        "{}",
        text(&tested.stdout)
    );
}
