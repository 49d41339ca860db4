//! The assistant's runs end to end against the loopback doubles, with the offline planner: a
//! request for a product not connected stops at a Connect card and goes on by itself when the
//! connection lands; a write stops at an approval card showing the exact request, and approving
//! it (twice, or after a restart) sends it exactly once; a missing field is asked for, and only
//! it; a named resource is found; a denial sends nothing; a failure says what to do; a chain
//! builds its second step from the first one's result.

use serde_json::{json, Map, Value};
use switchboard_core::assistant::{Card, CardAnswer};
use switchboard_core::error::{ErrorCode, UserError};

use crate::support::actions::received;
use crate::support::chat::{answer, approval_arguments, last_card, send, wait_for};
use crate::support::doubles::ApiDoubles;
use crate::support::pasted;

const TOKEN: &str = "ghp_switchboardAssistantToken1";

#[tokio::test]
async fn a_request_waits_for_its_connection_then_stars_exactly_once_when_approved() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "github", "assistant-connect-then-star");
    let services = harness.services.clone();
    let moving = services.clone();
    tokio::spawn(async move { moving.keep_runs_moving().await });
    let chat = services.assistant.create_conversation().expect("a conversation");

    let said = send(&services, chat.id, "star tauri-apps/tauri").await;
    let (card, run) = last_card(&said);
    assert!(
        matches!(&card, Card::Connect { provider, product, .. } if provider == "github" && product == "github"),
        "no GitHub account yet: a Connect card, not {card:?}"
    );
    assert!(
        said.last().is_some_and(|message| message.card_open),
        "the card waits for the person"
    );

    pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    let approval = wait_for(&services, chat.id, "the approval card after connecting", |message| {
        matches!(message.card, Some(Card::Approve { .. }))
    })
    .await;
    let Some(Card::Approve {
        pending, presentation, ..
    }) = approval.card.clone()
    else {
        unreachable!()
    };
    assert_eq!(
        pending.arguments,
        json!({"repository": "tauri-apps/tauri"}),
        "the exact parameters"
    );
    assert_eq!(
        serde_json::to_value(pending.request.method).expect("json"),
        json!("PUT"),
        "the exact request: {:?}",
        pending.request
    );
    assert!(
        pending.request.url.ends_with("/user/starred/tauri-apps/tauri"),
        "{}",
        pending.request.url
    );
    assert!(
        serde_json::to_string(&presentation)
            .expect("json")
            .contains("tauri-apps/tauri"),
        "shown as what it is: {presentation:?}"
    );
    doubles.reset().await;

    let arguments = approval_arguments(approval.card.as_ref().expect("card"));
    let done = answer(
        &services,
        run,
        CardAnswer::Approve {
            arguments: arguments.clone(),
        },
    )
    .await;
    let (card, _) = last_card(&done);
    assert!(
        matches!(card, Card::Result { .. }),
        "the chat says it is done: {card:?}"
    );
    assert!(
        done.last()
            .is_some_and(|message| message.text.contains("tauri-apps/tauri")),
        "{done:?}"
    );

    let again = services.assistant.answer(run, CardAnswer::Approve { arguments }).await;
    assert_eq!(
        again.map_err(|error| UserError::from(error).code).err(),
        Some(ErrorCode::InvalidInput),
        "a second approval is refused, not sent"
    );
    let stars = received(&doubles, "PUT", "/github/user/starred/tauri-apps/tauri").await;
    assert_eq!(stars.len(), 1, "exactly one star request, however often it is approved");
}

#[tokio::test]
async fn an_approval_card_survives_a_restart_and_approving_it_then_sends_once() {
    let doubles = ApiDoubles::start();
    let slot = crate::support::keyring::private_slot("assistant-restart-approve");
    let harness = pasted::harness_in(&doubles, "github", slot.clone());
    pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    let chat = harness
        .services
        .assistant
        .create_conversation()
        .expect("a conversation");
    let said = send(&harness.services, chat.id, "please star octocat/hello-world").await;
    let (card, run) = last_card(&said);
    let arguments = approval_arguments(&card);
    doubles.reset().await;

    let data = pasted::reopen(harness, &doubles, "github", slot);
    data.services.assistant.recover_at_start().expect("start-up check");
    let page = data
        .services
        .assistant
        .messages(chat.id, None, 50)
        .expect("messages after restart");
    let last = page.messages.last().expect("the conversation is kept");
    assert!(
        matches!(last.card, Some(Card::Approve { .. })) && last.card_open,
        "after a restart the approval card is still there and open: {last:?}"
    );
    let done = answer(&data.services, run, CardAnswer::Approve { arguments }).await;
    assert!(
        matches!(last_card(&done).0, Card::Result { .. }),
        "approved after a restart, it is done: {done:?}"
    );
    let stars = received(&doubles, "PUT", "/github/user/starred/octocat/hello-world").await;
    assert_eq!(stars.len(), 1, "approved after a restart: sent exactly once");
}

#[tokio::test]
async fn only_the_missing_field_is_asked_for_and_a_named_repository_is_found() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "github", "assistant-clarify");
    pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    let services = &harness.services;
    let chat = services.assistant.create_conversation().expect("a conversation");

    let said = send(services, chat.id, "create an issue in the hello-world repo").await;
    let (card, run) = last_card(&said);
    let Card::Clarify {
        schema,
        known,
        searches,
        ..
    } = &card
    else {
        panic!("a clarification card, not {card:?}")
    };
    assert!(searches.is_empty(), "nothing left to search for: {searches:?}");
    let asked: Vec<&String> = schema["properties"].as_object().expect("fields").keys().collect();
    assert_eq!(asked, vec!["title"], "only the missing field is asked for: {schema}");
    assert_eq!(
        known.get("repository"),
        Some(&json!("octocat/hello-world")),
        "the repository named in words was found"
    );

    let mut title = Map::new();
    title.insert("title".into(), json!("Crash on start"));
    title.insert("not_a_parameter".into(), json!("ignored"));
    let answered = answer(services, run, CardAnswer::Fill { arguments: title }).await;
    let (card, run) = last_card(&answered);
    let arguments = approval_arguments(&card);
    assert_eq!(
        arguments.get("title"),
        Some(&json!("Crash on start")),
        "the answer is used"
    );
    assert!(
        !arguments.contains_key("not_a_parameter"),
        "a field the action does not have is left out"
    );
    doubles.reset().await;
    answer(services, run, CardAnswer::Approve { arguments }).await;
    let issues = received(&doubles, "POST", "/github/repos/octocat/hello-world/issues").await;
    assert_eq!(issues.len(), 1, "one issue created");
}

#[tokio::test]
async fn a_denial_sends_nothing_and_a_failure_says_what_to_do() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "github", "assistant-deny-fail");
    pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    let services = &harness.services;
    let chat = services.assistant.create_conversation().expect("a conversation");

    let said = send(services, chat.id, "unstar octocat/hello-world").await;
    let (_, run) = last_card(&said);
    doubles.reset().await;
    let denied = answer(
        services,
        run,
        CardAnswer::Deny {
            reason: Some("not now".into()),
        },
    )
    .await;
    assert!(
        denied.last().is_some_and(|message| message.text.contains("didn't")),
        "{denied:?}"
    );
    assert!(doubles.requests().await.is_empty(), "a denial sends nothing");

    let said = send(services, chat.id, "star nobody-here/no-such-repo").await;
    let (card, run) = last_card(&said);
    let arguments = approval_arguments(&card);
    let failed = answer(services, run, CardAnswer::Approve { arguments }).await;
    let (card, _) = last_card(&failed);
    let Card::Error { next, message, .. } = card else {
        panic!("an error card, not {card:?}")
    };
    assert!(next.is_some(), "a failure offers what to do next: {message}");
    assert!(
        failed.last().is_some_and(|message| message.card_open),
        "the error card waits (Retry)"
    );
}

#[tokio::test]
async fn a_chain_builds_its_second_step_from_the_first_ones_result() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "github", "assistant-chain");
    pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    let services = &harness.services;
    let chat = services.assistant.create_conversation().expect("a conversation");

    let said = send(
        services,
        chat.id,
        "list open issues in octocat/hello-world and then comment on issue 1 in octocat/hello-world",
    )
    .await;
    assert!(
        said.iter()
            .any(|message| matches!(message.card, Some(Card::Result { .. }))),
        "the first step (a read) ran without asking: {said:?}"
    );
    let (card, _) = last_card(&said);
    let arguments = approval_arguments(&card);
    let body = arguments.get("body").and_then(Value::as_str).unwrap_or("");
    let listed = said
        .iter()
        .find_map(|message| match &message.card {
            Some(Card::Result { result, .. }) => Some(result.summary.clone()),
            _ => None,
        })
        .expect("the first result");
    assert_eq!(
        body, listed,
        "the comment is the first step's result, shown before it is approved"
    );
}

#[tokio::test]
async fn a_request_it_does_not_understand_gets_a_plain_reply_and_no_run() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "github", "assistant-not-understood");
    let services = &harness.services;
    let chat = services.assistant.create_conversation().expect("a conversation");
    let said = send(services, chat.id, "what's the weather in Paris").await;
    let last = said.last().expect("a reply");
    assert!(last.card.is_none() && last.run_id.is_none(), "no run: {last:?}");
    assert!(last.text.contains("didn't understand"), "it says so: {}", last.text);
    assert!(last.text.contains("github"), "and lists what it can do: {}", last.text);
    let empty = services.assistant.send(chat.id, "   ").await;
    assert!(empty.is_err(), "an empty message is refused");
}
