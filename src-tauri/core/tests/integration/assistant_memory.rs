//! What the chat keeps: cards that survive a restart and go on from there, a form that asks for
//! exactly what an email needs, and "it" pointing at what the person named earlier.

use serde_json::{json, Map};
use switchboard_core::assistant::{Card, CardAnswer};

use crate::support::actions::received;
use crate::support::chat::{answer, approval_arguments, last_card, send, wait_for};
use crate::support::doubles::ApiDoubles;
use crate::support::pasted;

const TOKEN: &str = "ghp_switchboardMemoryToken01";

#[tokio::test]
async fn a_connect_card_and_a_clarification_survive_a_restart_and_go_on_from_there() {
    let doubles = ApiDoubles::start();
    let slot = crate::support::keyring::private_slot("assistant-restart-cards");
    let harness = pasted::harness_in(&doubles, "github", slot.clone());
    let chat = harness
        .services
        .assistant
        .create_conversation()
        .expect("a conversation");
    let (_, waiting) = last_card(&send(&harness.services, chat.id, "star octocat/spoon-knife").await);

    let harness = pasted::reopen(harness, &doubles, "github", slot.clone());
    let services = harness.services.clone();
    let moving = services.clone();
    tokio::spawn(async move { moving.keep_runs_moving().await });
    let page = services.assistant.messages(chat.id, None, 50).expect("messages");
    let last = page.messages.last().expect("kept");
    assert!(
        matches!(last.card, Some(Card::Connect { .. })) && last.card_open,
        "after a restart the Connect card still waits: {last:?}"
    );
    pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    let approval = wait_for(
        &services,
        chat.id,
        "the run waiting before the restart to go on",
        |message| message.run_id == Some(waiting) && matches!(message.card, Some(Card::Approve { .. })),
    )
    .await;
    assert!(approval.card_open, "it went on to its approval card");

    let (_, asking) = last_card(&send(&services, chat.id, "create an issue in octocat/hello-world").await);
    drop(services);
    let harness = pasted::reopen(harness, &doubles, "github", slot);
    let services = &harness.services;
    let mut title = Map::new();
    title.insert("title".into(), json!("After a restart"));
    let answered = answer(services, asking, CardAnswer::Fill { arguments: title }).await;
    let (card, _) = last_card(&answered);
    assert_eq!(
        approval_arguments(&card).get("title"),
        Some(&json!("After a restart")),
        "a clarification answered after a restart goes on to its approval"
    );
}

#[tokio::test]
async fn send_an_email_asks_for_recipient_subject_and_body_then_sends_it_once_as_shown() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "google", "assistant-send-email");
    let scopes = ["openid", "email", "https://www.googleapis.com/auth/gmail.send"];
    crate::support::saved::save_signed_in(
        &harness,
        "google",
        "me@example.com",
        &["gmail"],
        &scopes,
        "ya29.assistant",
    );
    let services = &harness.services;
    let chat = services.assistant.create_conversation().expect("a conversation");

    let said = send(services, chat.id, "send an email").await;
    let (card, run) = last_card(&said);
    let Card::Clarify { schema, .. } = &card else {
        panic!("a clarification card, not {card:?}")
    };
    let mut asked: Vec<&String> = schema["properties"].as_object().expect("fields").keys().collect();
    asked.sort();
    assert_eq!(
        asked,
        vec!["body", "subject", "to"],
        "exactly the recipient, subject and body are asked for"
    );

    let mut fields = Map::new();
    fields.insert("to".into(), json!(["ana@example.com"]));
    fields.insert("subject".into(), json!("Q3 numbers"));
    fields.insert("body".into(), json!("Here they are."));
    let answered = answer(services, run, CardAnswer::Fill { arguments: fields }).await;
    let (card, run) = last_card(&answered);
    let Card::Approve { presentation, .. } = &card else {
        panic!("an approval card, not {card:?}")
    };
    assert_eq!(
        serde_json::to_value(presentation).expect("json"),
        json!({"kind": "email", "to": ["ana@example.com"], "cc": [], "subject": "Q3 numbers", "body": "Here they are.", "attachments": []}),
        "the email is shown as an email before it is sent"
    );
    doubles.reset().await;
    let arguments = approval_arguments(&card);
    answer(services, run, CardAnswer::Approve { arguments }).await;
    let sent = received(&doubles, "POST", "/google/gmail/v1/users/me/messages/send").await;
    assert_eq!(sent.len(), 1, "one email sent");
}

#[tokio::test]
async fn it_points_at_what_the_person_named_earlier_in_the_conversation() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "github", "assistant-it");
    pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    let services = &harness.services;
    let chat = services.assistant.create_conversation().expect("a conversation");
    send(services, chat.id, "list open issues in octocat/hello-world").await;
    let said = send(services, chat.id, "star it").await;
    let (card, _) = last_card(&said);
    assert_eq!(
        approval_arguments(&card).get("repository"),
        Some(&json!("octocat/hello-world")),
        "“it” is the repository of the earlier request"
    );
    let other = services.assistant.create_conversation().expect("another conversation");
    let said = send(services, other.id, "star it").await;
    let (card, _) = last_card(&said);
    assert!(
        matches!(card, Card::Clarify { .. }),
        "another conversation's earlier messages are not this one's: {card:?}"
    );
}
