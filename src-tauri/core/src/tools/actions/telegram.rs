//! Telegram's actions, on the Bot API as the connected bot: send a message (`sendMessage`) and
//! read recent updates to find chat ids (`getUpdates`: Telegram answers the earliest pending
//! first, so it asks for as many as it gives and keeps the newest; never with an `offset`, which
//! would confirm or forget updates, when a read should leave the queue as it was). The bot
//! token belongs in the URL path (`/bot<token>/<method>`): plans put the `{token}` slot there
//! and the sender fills it in only for the request it sends, so the token is never in a
//! preview, an error or the audit log.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{action, items, text, ActionCode, Answer, Target};
use crate::tools::call::{Call, Method};
use crate::tools::error::ToolError;
use crate::tools::output::{bounded, list_summary, ActionOutput};

/// The path segment the sender puts the bot token into.
const BOT: &str = "bot{token}";
/// How much of one update's text a result keeps.
const MAX_UPDATE_TEXT: usize = 200;
/// The most updates getUpdates gives at once.
const MAX_UPDATES: u32 = 100;

pub fn actions() -> Vec<ActionCode> {
    vec![
        action!("telegram.send_message", SendMessage, send_message, read_sent),
        action!("telegram.get_updates", GetUpdates, get_updates, read_updates),
    ]
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
pub enum ParseMode {
    #[serde(rename = "HTML")]
    Html,
    MarkdownV2,
    Markdown,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// The chat: its numeric id (telegram.get_updates shows the ids of chats that wrote to the
    /// bot; groups' are negative) or a public channel's @username.
    #[schemars(regex(pattern = r"^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$"))]
    chat_id: String,
    /// The message (1–4096 characters).
    #[schemars(length(min = 1, max = 4096))]
    text: String,
    /// How the text is formatted: HTML, MarkdownV2 or Markdown (plain text if not given).
    #[serde(default)]
    parse_mode: Option<ParseMode>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetUpdates {
    /// How many of the newest updates (1–100, 20 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    limit: Option<u32>,
}

fn send_message(params: &SendMessage, target: &Target<'_>) -> Result<Call, ToolError> {
    // A numeric id goes as a number, a @username as text, as the Bot API documents them.
    let chat = params
        .chat_id
        .parse::<i64>()
        .map_or_else(|_| json!(params.chat_id), |id| json!(id));
    let mut body = json!({ "chat_id": chat, "text": params.text });
    if let Some(mode) = params.parse_mode {
        let mode = match mode {
            ParseMode::Html => "HTML",
            ParseMode::MarkdownV2 => "MarkdownV2",
            ParseMode::Markdown => "Markdown",
        };
        body["parse_mode"] = json!(mode);
    }
    Ok(Call::new(Method::Post, target.url(&[BOT, "sendMessage"])?).json(body))
}

/// A chat's name: its title, a person's name, or its @username.
fn chat_name(chat: &Value) -> String {
    text(chat, "title")
        .map(str::to_owned)
        .or_else(|| {
            let first = text(chat, "first_name")?;
            Some(match text(chat, "last_name") {
                Some(last) => format!("{first} {last}"),
                None => first.to_owned(),
            })
        })
        .or_else(|| text(chat, "username").map(|name| format!("@{name}")))
        .unwrap_or_default()
}

fn read_sent(params: &SendMessage, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let message = answer.json.get("result");
    let chat = message.and_then(|message| message.get("chat"));
    let id = message
        .and_then(|message| message.get("message_id"))
        .and_then(Value::as_i64);
    let name = chat.map(chat_name).unwrap_or_default();
    let shown = if name.is_empty() { params.chat_id.clone() } else { name };
    let summary = format!("Sent the message to {shown} (message {}).", id.unwrap_or(0));
    let data = json!({
        "chatId": chat.and_then(|chat| chat.get("id")).and_then(Value::as_i64),
        "messageId": id,
    });
    // A public chat's message has a t.me address.
    let link = chat
        .and_then(|chat| text(chat, "username"))
        .zip(id)
        .map(|(username, id)| format!("https://t.me/{username}/{id}"));
    Ok(ActionOutput::new(summary, data).link(link))
}

fn get_updates(_: &GetUpdates, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = target.url(&[BOT, "getUpdates"])?;
    // The earliest pending come first: ask for all it gives, and keep the newest (`read_updates`).
    url.query_pairs_mut()
        .append_pair("limit", &MAX_UPDATES.to_string())
        .append_pair("timeout", "0");
    Ok(Call::new(Method::Get, url))
}

/// The message an update carries, whichever kind it is.
fn message_of(update: &Value) -> Option<&Value> {
    [
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "my_chat_member",
    ]
    .iter()
    .find_map(|kind| update.get(*kind))
}

fn read_updates(params: &GetUpdates, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let given = items(answer.json.get("result").unwrap_or(&Value::Null));
    let wanted = usize::try_from(params.limit.unwrap_or(20)).unwrap_or(usize::MAX);
    let updates: Vec<Value> = given[given.len().saturating_sub(wanted)..]
        .iter()
        .map(|update| {
            let message = message_of(update);
            let chat = message.and_then(|message| message.get("chat"));
            let from = message.and_then(|message| message.get("from"));
            json!({
                "updateId": update.get("update_id").and_then(Value::as_i64),
                "chatId": chat.and_then(|chat| chat.get("id")).and_then(Value::as_i64),
                "chatType": chat.and_then(|chat| text(chat, "type")),
                "chat": chat.map(chat_name),
                "from": from.map(chat_name),
                "text": message.and_then(|message| text(message, "text")).map(|text| bounded(text, MAX_UPDATE_TEXT)),
            })
        })
        .collect();
    let mut chats: Vec<String> = Vec::new();
    for update in &updates {
        if let Some(id) = update["chatId"].as_i64() {
            let line = format!(
                "{} (chat id {id}, {})",
                text(update, "chat").unwrap_or("?"),
                text(update, "chatType").unwrap_or("?")
            );
            if !chats.contains(&line) {
                chats.push(line);
            }
        }
    }
    let summary = format!(
        "{} updates; {}",
        updates.len(),
        list_summary(chats.len(), "chats", chats.clone())
    );
    Ok(ActionOutput::new(
        bounded(&summary, crate::tools::output::MAX_SUMMARY_BYTES),
        Value::Array(updates),
    ))
}
