//! Shared by the assistant's tests: sending a message, answering a card, reading the last card
//! and an approval's arguments, and waiting for a run that moves on by itself.

#![allow(dead_code)] // each test file uses its part

use std::time::Duration;

use serde_json::{Map, Value};
use switchboard_core::assistant::{Card, CardAnswer, ChatMessage};
use switchboard_core::error::UserError;
use switchboard_core::Services;

/// The last message's card, and the run it belongs to.
pub fn last_card(messages: &[ChatMessage]) -> (Card, i64) {
    let last = messages.last().expect("the run said something");
    let card = last
        .card
        .clone()
        .unwrap_or_else(|| panic!("the last message has a card: {}", last.text));
    (card, last.run_id.expect("a card belongs to a run"))
}

pub async fn send(services: &Services, conversation: i64, text: &str) -> Vec<ChatMessage> {
    services
        .assistant
        .send(conversation, text)
        .await
        .unwrap_or_else(|error| panic!("“{text}” is taken: {:?}", UserError::from(error)))
}

pub async fn answer(services: &Services, run: i64, answer: CardAnswer) -> Vec<ChatMessage> {
    services
        .assistant
        .answer(run, answer)
        .await
        .unwrap_or_else(|error| panic!("the answer is taken: {:?}", UserError::from(error)))
}

pub fn approval_arguments(card: &Card) -> Map<String, Value> {
    match card {
        Card::Approve { pending, .. } => pending.arguments.as_object().cloned().expect("arguments are an object"),
        other => panic!("an approval card, not {other:?}"),
    }
}

/// Waits until the conversation's last message satisfies `done` (a run moving on by itself).
pub async fn wait_for(
    services: &Services,
    conversation: i64,
    what: &str,
    done: impl Fn(&ChatMessage) -> bool,
) -> ChatMessage {
    for _ in 0..200 {
        let page = services.assistant.messages(conversation, None, 50).expect("messages");
        if let Some(last) = page.messages.last().filter(|last| done(last)) {
            return last.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}
