//! Slack's actions (Web API): posting (JSON to `chat.postMessage`, as Slack recommends, with its
//! charset), replying in a thread, listing channels, reading a channel's history and setting the
//! user's status. Slack answers failures with HTTP 200 and `"ok": false`; the sender reads those
//! as the refusals they are.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{action, items, string_param, text, ActionCode, Answer, Target};
use crate::tools::call::{Call, Method};
use crate::tools::error::ToolError;
use crate::tools::output::{bounded, list_summary, ActionOutput, MAX_SUMMARY_BYTES};

pub fn actions() -> Vec<ActionCode> {
    vec![
        action!("slack.post_message", PostMessage, post, read_posted),
        action!("slack.reply_in_thread", Reply, reply, read_reply),
        action!("slack.list_channels", ListChannels, list_channels, read_channels),
        action!("slack.read_channel_history", History, history, read_history),
        action!("slack.set_my_status", Status, set_status, read_status),
    ]
}

string_param!(
    /// A channel's id, chosen with the channel picker.
    Channel,
    pattern = "^[CGD][A-Z0-9]{2,20}$",
    picker = ("slack", "slack.channel")
);

string_param!(
    /// A message's timestamp, Slack's id for it (`1733400000.000100`).
    Timestamp,
    pattern = r"^\d{9,11}\.\d{6}$"
);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostMessage {
    /// The channel to post in.
    channel: Channel,
    /// The message (Slack's formatting works).
    #[schemars(length(min = 1, max = 40000))]
    text: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// The channel of the message.
    channel: Channel,
    /// The timestamp of the message to reply to.
    thread_ts: Timestamp,
    /// The reply.
    #[schemars(length(min = 1, max = 40000))]
    text: String,
    /// Also show the reply in the channel.
    #[serde(default)]
    also_in_channel: bool,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChannelTypes {
    Public,
    Private,
    Both,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListChannels {
    /// Public channels (the default), private ones the app is in, or both.
    #[serde(default)]
    types: Option<ChannelTypes>,
    /// Include archived channels.
    #[serde(default)]
    archived: bool,
    /// At most this many (1–1000, 200 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 1000))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct History {
    /// The channel to read.
    channel: Channel,
    /// How many messages, newest first (1–200, 20 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 200))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Status {
    /// The status text (empty clears it).
    #[schemars(length(max = 100))]
    text: String,
    /// An emoji code such as :palm_tree: (empty clears it).
    #[serde(default)]
    #[schemars(regex(pattern = r"^(:[a-z0-9_+-]+:)?$"))]
    emoji: String,
    /// When it clears itself, as Unix seconds (never if not given).
    #[serde(default)]
    #[schemars(range(min = 0))]
    until: Option<i64>,
}

fn method_url(target: &Target<'_>, method: &str) -> Result<url::Url, ToolError> {
    target.url(&[method])
}

fn post(params: &PostMessage, target: &Target<'_>) -> Result<Call, ToolError> {
    let body = json!({ "channel": params.channel.0, "text": params.text });
    Ok(json_call(method_url(target, "chat.postMessage")?, body))
}

fn reply(params: &Reply, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut body = json!({ "channel": params.channel.0, "thread_ts": params.thread_ts.0, "text": params.text });
    if params.also_in_channel {
        body["reply_broadcast"] = json!(true);
    }
    Ok(json_call(method_url(target, "chat.postMessage")?, body))
}

/// A JSON POST with the charset Slack asks for.
fn json_call(url: url::Url, body: Value) -> Call {
    Call::new(Method::Post, url)
        .header("Content-Type", "application/json; charset=utf-8")
        .json(body)
}

fn read_posted(params: &PostMessage, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let ts = text(&answer.json, "ts").map(str::to_owned);
    let summary = format!(
        "Posted in channel {} (message {}).",
        params.channel.0,
        ts.as_deref().unwrap_or("?")
    );
    Ok(ActionOutput::new(
        summary,
        json!({ "channel": text(&answer.json, "channel"), "ts": ts }),
    ))
}

fn read_reply(params: &Reply, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let ts = text(&answer.json, "ts").map(str::to_owned);
    let summary = format!(
        "Replied in the thread {} of channel {}.",
        params.thread_ts.0, params.channel.0
    );
    Ok(ActionOutput::new(
        summary,
        json!({ "channel": text(&answer.json, "channel"), "ts": ts }),
    ))
}

fn list_channels(params: &ListChannels, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = method_url(target, "conversations.list")?;
    let types = match params.types.unwrap_or(ChannelTypes::Public) {
        ChannelTypes::Public => "public_channel",
        ChannelTypes::Private => "private_channel",
        ChannelTypes::Both => "public_channel,private_channel",
    };
    url.query_pairs_mut()
        .append_pair("types", types)
        .append_pair("exclude_archived", if params.archived { "false" } else { "true" })
        .append_pair("limit", &params.limit.unwrap_or(200).to_string());
    Ok(Call::new(Method::Get, url))
}

fn read_channels(_: &ListChannels, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let channels: Vec<Value> = items(answer.json.get("channels").unwrap_or(&Value::Null))
        .iter()
        .map(|channel| {
            json!({
                "id": text(channel, "id"),
                "name": text(channel, "name"),
                "private": channel.get("is_private").and_then(Value::as_bool).unwrap_or(false),
                "member": channel.get("is_member").and_then(Value::as_bool).unwrap_or(false),
                "topic": channel.get("topic").and_then(|topic| text(topic, "value")),
            })
        })
        .collect();
    let names = channels.iter().map(|channel| {
        format!(
            "#{} ({})",
            text(channel, "name").unwrap_or("?"),
            text(channel, "id").unwrap_or("?")
        )
    });
    let summary = list_summary(channels.len(), "channels", names.collect::<Vec<_>>());
    Ok(ActionOutput::new(summary, Value::Array(channels)))
}

fn history(params: &History, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = method_url(target, "conversations.history")?;
    url.query_pairs_mut()
        .append_pair("channel", &params.channel.0)
        .append_pair("limit", &params.limit.unwrap_or(20).to_string());
    Ok(Call::new(Method::Get, url))
}

fn read_history(params: &History, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let messages: Vec<Value> = items(answer.json.get("messages").unwrap_or(&Value::Null))
        .iter()
        .map(|message| json!({ "ts": text(message, "ts"), "user": text(message, "user"), "text": text(message, "text") }))
        .collect();
    let lines = messages.iter().map(|message| {
        let said = bounded(text(message, "text").unwrap_or(""), 300);
        format!(
            "{} {}: {said}",
            text(message, "ts").unwrap_or("?"),
            text(message, "user").unwrap_or("?")
        )
    });
    let noun = format!("messages in {}", params.channel.0);
    let summary = list_summary(messages.len(), &noun, lines.collect::<Vec<_>>());
    Ok(ActionOutput::new(
        bounded(&summary, MAX_SUMMARY_BYTES),
        Value::Array(messages),
    ))
}

fn set_status(params: &Status, target: &Target<'_>) -> Result<Call, ToolError> {
    let profile = json!({
        "status_text": params.text,
        "status_emoji": params.emoji,
        "status_expiration": params.until.unwrap_or(0),
    });
    Ok(json_call(
        method_url(target, "users.profile.set")?,
        json!({ "profile": profile }),
    ))
}

fn read_status(params: &Status, _: &Answer) -> Result<ActionOutput, ToolError> {
    let summary = if params.text.is_empty() && params.emoji.is_empty() {
        "Cleared your Slack status.".to_owned()
    } else {
        format!("Your Slack status is now {} {}.", params.emoji, params.text).replace("  ", " ")
    };
    Ok(ActionOutput::new(
        summary,
        json!({ "text": params.text, "emoji": params.emoji }),
    ))
}
