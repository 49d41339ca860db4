//! A language model that misbehaves, and a server that fails, against the scripted model
//! server: invalid tool-call JSON, an unknown tool and arguments failing the schema go back to
//! the model with what was wrong, at most twice, and nothing runs (F1–F3); a turn's calls are
//! capped (F6); a 429 is retried after its Retry-After before the first token; a 500 mid-stream,
//! a stream cut short, a server that never answers and one that stalls each end with a plain
//! message, keeping what had arrived; Stop ends a stream at once.

use std::time::Duration;

use serde_json::{json, Value};
use switchboard_core::assistant::{Card, ChatMessage, ModelLimits};
use switchboard_core::llm::model::ModelKind;

use crate::support::actions::received;
use crate::support::chat::send;
use crate::support::doubles::ApiDoubles;
use crate::support::model::{call, harness_with, streamed, use_model, ScriptedModel};
use crate::support::pasted;

const TOKEN: &str = "ghp_switchboardModelFaults001";

struct Setup {
    doubles: ApiDoubles,
    model: ScriptedModel,
    harness: crate::support::connector::Harness,
    chat: i64,
}

async fn setup(test: &str, kind: ModelKind, limits: ModelLimits) -> Setup {
    let doubles = ApiDoubles::start();
    let model = ScriptedModel::start();
    let harness = harness_with(&doubles, "github", test, &model, limits);
    pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    use_model(&harness.services, &model, kind, None);
    let chat = harness
        .services
        .assistant
        .create_conversation()
        .expect("a conversation")
        .id;
    Setup {
        doubles,
        model,
        harness,
        chat,
    }
}

fn error_card(messages: &[ChatMessage]) -> String {
    match messages.last().and_then(|message| message.card.clone()) {
        Some(Card::Error { message, .. }) => message,
        other => panic!("an error card last, not {other:?} in {messages:?}"),
    }
}

fn last_tool_result(request: &Value) -> String {
    request["body"]["messages"]
        .as_array()
        .and_then(|messages| messages.iter().rev().find(|message| message["role"] == "tool"))
        .map(|message| message["content"].as_str().unwrap_or("").to_owned())
        .unwrap_or_else(|| panic!("a tool result in {request}"))
}

#[tokio::test]
async fn bad_tool_calls_go_back_to_the_model_twice_then_the_person_is_told_and_nothing_ran() {
    let setup = setup("model-bad-calls", ModelKind::OpenAiCompatible, ModelLimits::default()).await;
    setup
        .model
        .script(json!([
            {"toolCalls": [call("c1", "github__star_repository", json!("{\"repository\": \"tauri-apps/"))]},
            {"toolCalls": [call("c2", "github__delete_everything", json!({}))]},
            {"toolCalls": [call("c3", "github__star_repository", json!({"repository": "no slash", "extra": 1}))]}
        ]))
        .await;
    let said = send(&setup.harness.services, setup.chat, "star tauri").await;
    let requests = setup.model.requests().await;
    assert_eq!(requests.len(), 3, "one answer and two retries, no more");
    assert!(
        last_tool_result(&requests[1]).contains("not valid JSON"),
        "{}",
        last_tool_result(&requests[1])
    );
    assert!(
        last_tool_result(&requests[2]).contains("no tool named"),
        "{}",
        last_tool_result(&requests[2])
    );
    let last = said.last().expect("a message");
    assert!(
        last.text.contains("kept asking") && last.text.contains("schema"),
        "the person is told plainly: {}",
        last.text
    );
    let writes: Vec<Value> = setup
        .doubles
        .requests()
        .await
        .into_iter()
        .filter(|request| request["method"] != "GET")
        .collect();
    assert!(writes.is_empty(), "nothing was sent to GitHub: {writes:?}");
}

#[tokio::test]
async fn one_bad_call_then_a_good_one_goes_on() {
    let setup = setup("model-bad-then-good", ModelKind::Anthropic, ModelLimits::default()).await;
    setup
        .model
        .script(json!([
            {"toolCalls": [call("t1", "github__list_my_repositories", json!("not json at all"))]},
            {"toolCalls": [call("t2", "github__list_my_repositories", json!({}))]},
            {"text": "You have some repositories."}
        ]))
        .await;
    let said = send(&setup.harness.services, setup.chat, "list my repositories").await;
    assert_eq!(
        said.last().map(|message| message.text.as_str()),
        Some("You have some repositories.")
    );
    assert_eq!(
        received(&setup.doubles, "GET", "/github/user/repos").await.len(),
        1,
        "the good call ran once"
    );
}

#[tokio::test]
async fn a_turn_stops_at_its_cap_on_tool_calls() {
    let limits = ModelLimits {
        calls_per_turn: 2,
        ..ModelLimits::default()
    };
    let setup = setup("model-call-cap", ModelKind::OpenAiCompatible, limits).await;
    let again = json!({"toolCalls": [call("c", "github__list_my_repositories", json!({}))]});
    setup.model.script(json!([again.clone(), again.clone(), again])).await;
    let said = send(&setup.harness.services, setup.chat, "list my repositories forever").await;
    assert_eq!(
        received(&setup.doubles, "GET", "/github/user/repos").await.len(),
        2,
        "two calls, then the cap"
    );
    assert!(
        said.last()
            .is_some_and(|message| message.text.contains("at most 2 actions")),
        "{said:?}"
    );
    assert_eq!(setup.model.pending().await, 1, "the model was not asked a third time");
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after_and_the_answer_arrives() {
    let setup = setup("model-429", ModelKind::OpenAiCompatible, ModelLimits::default()).await;
    setup
        .model
        .script(json!([{"status": 429, "headers": {"retry-after": "1"}}, {"text": "Hello again."}]))
        .await;
    let said = send(&setup.harness.services, setup.chat, "hello").await;
    assert_eq!(said.last().map(|message| message.text.as_str()), Some("Hello again."));
    let requests = setup.model.requests().await;
    let waited = requests[1]["at"].as_f64().unwrap_or(0.0) - requests[0]["at"].as_f64().unwrap_or(0.0);
    assert!(waited >= 950.0, "Retry-After: 1 is honored ({waited} ms between tries)");
}

#[tokio::test]
async fn a_500_mid_stream_is_not_retried_and_keeps_the_words_that_came() {
    let setup = setup("model-500-mid", ModelKind::OpenAiCompatible, ModelLimits::default()).await;
    setup
        .model
        .script(json!([{"text": "Here is the first part of a long answer", "textChunk": 5, "errorAfter": 4}]))
        .await;
    let said = send(&setup.harness.services, setup.chat, "tell me").await;
    assert!(error_card(&said).contains("answered with an error"), "{said:?}");
    assert!(
        said.iter().any(|message| message.text.starts_with("Here ")),
        "the words that came stay: {said:?}"
    );
    assert_eq!(
        setup.model.requests().await.len(),
        1,
        "not retried once the answer had begun"
    );
}

#[tokio::test]
async fn a_stream_cut_without_its_end_says_so() {
    let setup = setup("model-cut", ModelKind::Anthropic, ModelLimits::default()).await;
    setup
        .model
        .script(json!([{"text": "Partial answer here", "cutAfter": 4}]))
        .await;
    let said = send(&setup.harness.services, setup.chat, "tell me").await;
    assert!(error_card(&said).contains("ended its answer half-way"), "{said:?}");
}

#[tokio::test]
async fn a_server_that_never_answers_and_one_that_stalls_time_out_with_a_plain_message() {
    let setup = setup("model-hang", ModelKind::OpenAiCompatible, ModelLimits::default()).await;
    setup
        .model
        .script(json!([{"hang": true}, {"text": "Some words then silence", "stallAfter": 3}]))
        .await;
    let said = send(&setup.harness.services, setup.chat, "hello?").await;
    assert!(error_card(&said).contains("didn't answer within"), "{said:?}");
    let said = send(&setup.harness.services, setup.chat, "hello again?").await;
    assert!(error_card(&said).contains("stopped sending"), "{said:?}");
}

#[tokio::test]
async fn stop_ends_a_streaming_answer_at_once_and_keeps_what_came() {
    let setup = setup("model-stop", ModelKind::OpenAiCompatible, ModelLimits::default()).await;
    let long = "word ".repeat(200);
    setup
        .model
        .script(json!([{"text": long, "textChunk": 5, "eventDelayMs": 50}]))
        .await;
    let services = setup.harness.services.clone();
    let chat = setup.chat;
    let sending = tokio::spawn(async move { services.assistant.send(chat, "talk a lot").await });
    for _ in 0..100 {
        if !streamed(&setup.harness).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!streamed(&setup.harness).is_empty(), "the answer began streaming");
    setup
        .harness
        .services
        .assistant
        .stop_conversation(chat)
        .expect("stopped");
    let said = tokio::time::timeout(Duration::from_secs(2), sending)
        .await
        .expect("the send ends right after Stop, not after the 10 s stream")
        .expect("joined")
        .expect("the send");
    let kept = said
        .iter()
        .find(|message| message.text.starts_with("word"))
        .expect("the words so far");
    assert!(kept.text.len() < long.len(), "the stream ended early");
    assert_eq!(said.last().map(|message| message.text.as_str()), Some("Stopped."));
}

#[tokio::test]
async fn a_model_without_tool_calling_is_named_plainly() {
    let setup = setup("model-no-tools", ModelKind::OpenAiCompatible, ModelLimits::default()).await;
    let refusal = json!({"error": {"message": "registry.ollama.ai/library/gemma:2b does not support tools", "type": "api_error"}});
    setup.model.script(json!([{"status": 400, "body": refusal}])).await;
    let said = send(&setup.harness.services, setup.chat, "star tauri-apps/tauri").await;
    assert!(error_card(&said).contains("can't call tools"), "{said:?}");
}

#[tokio::test]
async fn a_long_conversation_is_trimmed_to_the_token_budget_oldest_exchange_first() {
    let setup = setup("model-trim", ModelKind::OpenAiCompatible, ModelLimits::default()).await;
    setup
        .model
        .script(json!([{"text": "Noted."}, {"text": "Hi."}, {"text": "Hello."}]))
        .await;
    let services = &setup.harness.services;
    let filler = "lorem ipsum dolor ".repeat(200);
    send(services, setup.chat, &format!("remember PELICAN. {filler}")).await;
    send(services, setup.chat, "hi").await;
    let mut small = services.models.settings().expect("settings");
    small.token_budget = 2_000;
    services
        .models
        .save(switchboard_core::llm::model::ModelSettingsInput {
            settings: small,
            key: switchboard_core::llm::model::KeyChange::Keep,
        })
        .expect("a smaller budget");
    send(services, setup.chat, "hello").await;
    let requests = setup.model.requests().await;
    assert!(
        requests[1]["body"].to_string().contains("PELICAN"),
        "within 16,000 tokens, the first exchange is kept"
    );
    let trimmed = requests[2]["body"]["messages"].to_string();
    assert!(
        !trimmed.contains("PELICAN"),
        "past the budget, the oldest exchange goes first: {trimmed}"
    );
    assert!(trimmed.contains("hello"), "the newest message always stays");
}
