//! Gmail's actions (Gmail API v1, `users/me`). A message is built here as RFC 2822 (RFC 5322)
//! text and sent as `{"raw": base64url}`: UTF-8 headers RFC 2047-encoded, the body base64 with
//! its charset, `In-Reply-To`/`References` for a reply. Addresses and subjects refuse line
//! breaks and control characters by schema, so no argument can add a header of its own. A
//! message read gives its plain-text part, else its HTML part as text (`html_text`, F12).
//!
//! Drive files "attached" from the picker are added to the body as links, not as MIME parts: an
//! action plans one request from its arguments, and fetching a file's bytes would be a second
//! one (and could make a message far larger than a link that the file's own sharing governs).

use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{action, html_text, items, string_param, text, ActionCode, Answer, Target};
use crate::tools::call::{Call, Method};
use crate::tools::error::ToolError;
use crate::tools::output::{bounded, list_summary, ActionOutput, MAX_SUMMARY_BYTES};

/// How much of a message's text a run keeps.
const MAX_BODY_TEXT: usize = 64 * 1024;

pub fn actions() -> Vec<ActionCode> {
    vec![
        action!("gmail.send_email", Compose, send, read_sent),
        action!("gmail.search_messages", Search, search, read_found),
        action!("gmail.get_message", GetMessage, get_message, read_message),
        action!("gmail.list_labels", ListLabels, list_labels, read_labels),
        action!("gmail.create_draft", Compose, draft, read_draft),
        action!("gmail.reply_to_message", Reply, reply, read_sent_reply),
    ]
}

string_param!(
    /// An email address, without a display name or anything a header could be split by.
    Address,
    pattern = r#"^[^\s@<>,;"()\\]+@[^\s@<>,;"()\\]+$"#,
    max_length = 254
);

string_param!(
    /// One line of text: a subject, an id (no line breaks or control characters).
    Line,
    pattern = r"^[^\x00-\x1f\x7f]*$",
    max_length = 998
);

string_param!(
    /// A Drive file chosen with the picker.
    DriveFile,
    pattern = r"^[A-Za-z0-9_-]{1,200}$",
    picker = ("google", "drive.file")
);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compose {
    /// Who it goes to.
    #[schemars(length(min = 1))]
    to: Vec<Address>,
    /// Copied to.
    #[serde(default)]
    cc: Vec<Address>,
    /// Copied to without the others seeing.
    #[serde(default)]
    bcc: Vec<Address>,
    /// The subject line.
    subject: Line,
    /// The message.
    body: String,
    /// The body is HTML (plain text if not).
    #[serde(default)]
    html: bool,
    /// Drive files to link in the message.
    #[serde(default)]
    drive_files: Vec<DriveFile>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Search {
    /// A Gmail search, such as `from:ana@example.com subject:Q3 newer_than:7d`.
    #[schemars(length(min = 1))]
    query: String,
    /// At most this many (1–100, 20 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetMessage {
    /// The message's id (from Search messages).
    #[schemars(regex(pattern = r"^[A-Za-z0-9]{1,64}$"))]
    id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListLabels {}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// The thread to reply in (from Get a message).
    #[schemars(regex(pattern = r"^[A-Za-z0-9]{1,64}$"))]
    thread_id: String,
    /// The original's Message-ID header, such as `<CAF…@mail.gmail.com>` (from Get a message).
    #[schemars(regex(pattern = r"^<[^\s<>]{1,900}>$"))]
    in_reply_to: String,
    /// Who it goes to (usually the original's sender).
    #[schemars(length(min = 1))]
    to: Vec<Address>,
    /// The original's subject ("Re: " is added if missing).
    subject: Line,
    /// The reply.
    body: String,
}

fn messages_url(target: &Target<'_>, rest: &[&str]) -> Result<url::Url, ToolError> {
    let mut segments = vec!["gmail", "v1", "users", "me"];
    segments.extend_from_slice(rest);
    target.url(&segments)
}

/// The message as RFC 5322 text: headers (UTF-8 ones as RFC 2047 encoded words) and a base64 body.
fn message(
    to: &[Address],
    cc: &[Address],
    bcc: &[Address],
    subject: &str,
    body: &str,
    html: bool,
    extra: &[(&str, &str)],
) -> String {
    let list = |addresses: &[Address]| {
        addresses
            .iter()
            .map(|address| address.0.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut headers = vec![("To", list(to))];
    if !cc.is_empty() {
        headers.push(("Cc", list(cc)));
    }
    if !bcc.is_empty() {
        headers.push(("Bcc", list(bcc)));
    }
    headers.push(("Subject", encoded_word(subject)));
    for (name, value) in extra {
        headers.push((name, (*value).to_owned()));
    }
    headers.push(("MIME-Version", "1.0".into()));
    let kind = if html { "text/html" } else { "text/plain" };
    headers.push(("Content-Type", format!("{kind}; charset=\"UTF-8\"")));
    headers.push(("Content-Transfer-Encoding", "base64".into()));
    let mut text: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    text.push_str("\r\n");
    let encoded = STANDARD.encode(body.as_bytes());
    for line in encoded.as_bytes().chunks(76) {
        text.push_str(&String::from_utf8_lossy(line));
        text.push_str("\r\n");
    }
    text
}

/// ASCII as it is; anything else as one RFC 2047 `=?UTF-8?B?…?=` word per up to 45 bytes.
fn encoded_word(value: &str) -> String {
    if value.is_ascii() {
        return value.to_owned();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for character in value.chars() {
        if chunk.len() + character.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(character);
    }
    words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(chunk.as_bytes())));
    words.join("\r\n ")
}

/// The body with the chosen Drive files as links under it.
fn with_links(compose: &Compose) -> String {
    if compose.drive_files.is_empty() {
        return compose.body.clone();
    }
    let links: Vec<String> = compose
        .drive_files
        .iter()
        .map(|file| format!("https://drive.google.com/file/d/{}/view", file.0))
        .collect();
    match compose.html {
        true => {
            let items: String = links
                .iter()
                .map(|link| format!("<li><a href=\"{link}\">{link}</a></li>"))
                .collect();
            format!("{}\n<ul>{items}</ul>", compose.body)
        }
        false => format!("{}\n\n{}", compose.body, links.join("\n")),
    }
}

fn raw(compose: &Compose) -> String {
    let text = message(
        &compose.to,
        &compose.cc,
        &compose.bcc,
        &compose.subject.0,
        &with_links(compose),
        compose.html,
        &[],
    );
    URL_SAFE_NO_PAD.encode(text.as_bytes())
}

fn send(params: &Compose, target: &Target<'_>) -> Result<Call, ToolError> {
    Ok(Call::new(Method::Post, messages_url(target, &["messages", "send"])?).json(json!({ "raw": raw(params) })))
}

fn draft(params: &Compose, target: &Target<'_>) -> Result<Call, ToolError> {
    let body = json!({ "message": { "raw": raw(params) } });
    Ok(Call::new(Method::Post, messages_url(target, &["drafts"])?).json(body))
}

fn reply(params: &Reply, target: &Target<'_>) -> Result<Call, ToolError> {
    let subject = match params.subject.0.get(..3) {
        Some(start) if start.eq_ignore_ascii_case("re:") => params.subject.0.clone(),
        _ => format!("Re: {}", params.subject.0),
    };
    let threading = [
        ("In-Reply-To", params.in_reply_to.as_str()),
        ("References", params.in_reply_to.as_str()),
    ];
    let text = message(&params.to, &[], &[], &subject, &params.body, false, &threading);
    let body = json!({ "raw": URL_SAFE_NO_PAD.encode(text.as_bytes()), "threadId": params.thread_id });
    Ok(Call::new(Method::Post, messages_url(target, &["messages", "send"])?).json(body))
}

fn read_sent(params: &Compose, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let recipients = params.to.len() + params.cc.len() + params.bcc.len();
    let summary = format!("Sent “{}” to {recipients} recipient(s).", params.subject.0);
    let data = json!({ "id": text(&answer.json, "id"), "threadId": text(&answer.json, "threadId") });
    Ok(ActionOutput::new(bounded(&summary, MAX_SUMMARY_BYTES), data))
}

fn read_sent_reply(params: &Reply, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let summary = format!(
        "Replied in the thread to {}.",
        params.to.iter().map(|a| a.0.as_str()).collect::<Vec<_>>().join(", ")
    );
    let data = json!({ "id": text(&answer.json, "id"), "threadId": text(&answer.json, "threadId") });
    Ok(ActionOutput::new(bounded(&summary, MAX_SUMMARY_BYTES), data))
}

fn read_draft(params: &Compose, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let summary = format!(
        "Saved the draft “{}”; it is in Gmail's Drafts to review and send.",
        params.subject.0
    );
    let link = Some("https://mail.google.com/mail/#drafts".to_owned());
    Ok(ActionOutput::new(
        bounded(&summary, MAX_SUMMARY_BYTES),
        json!({ "id": text(&answer.json, "id") }),
    )
    .link(link))
}

fn search(params: &Search, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = messages_url(target, &["messages"])?;
    url.query_pairs_mut()
        .append_pair("q", &params.query)
        .append_pair("maxResults", &params.limit.unwrap_or(20).to_string());
    Ok(Call::new(Method::Get, url))
}

fn read_found(params: &Search, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let messages = answer.json.get("messages").map(items).unwrap_or_default();
    let found: Vec<Value> = messages
        .iter()
        .map(|message| json!({ "id": text(message, "id"), "threadId": text(message, "threadId") }))
        .collect();
    let ids = found
        .iter()
        .map(|message| text(message, "id").unwrap_or("?").to_owned());
    let noun = format!("messages match “{}” (ids)", params.query);
    Ok(ActionOutput::new(
        list_summary(found.len(), &noun, ids.collect::<Vec<_>>()),
        Value::Array(found),
    ))
}

fn get_message(params: &GetMessage, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = messages_url(target, &["messages", &params.id])?;
    url.query_pairs_mut().append_pair("format", "full");
    Ok(Call::new(Method::Get, url))
}

fn read_message(_: &GetMessage, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let payload = answer.json.get("payload").cloned().unwrap_or(Value::Null);
    let header = |name: &str| {
        items(payload.get("headers").unwrap_or(&Value::Null))
            .iter()
            .find(|header| text(header, "name").is_some_and(|found| found.eq_ignore_ascii_case(name)))
            .and_then(|header| text(header, "value"))
            .map(str::to_owned)
    };
    let body = bounded(&body_text(&payload).unwrap_or_default(), MAX_BODY_TEXT);
    let data = json!({
        "id": text(&answer.json, "id"),
        "threadId": text(&answer.json, "threadId"),
        "from": header("From"),
        "to": header("To"),
        "subject": header("Subject"),
        "date": header("Date"),
        "messageId": header("Message-ID"),
        "text": body,
    });
    let summary = format!(
        "From {}, “{}” ({}):\n{body}",
        header("From").unwrap_or_default(),
        header("Subject").unwrap_or_default(),
        header("Date").unwrap_or_default()
    );
    Ok(ActionOutput::new(bounded(&summary, MAX_SUMMARY_BYTES), data))
}

/// The first text/plain part's text, else the first text/html part's as a person would read it.
fn body_text(payload: &Value) -> Option<String> {
    part_of(payload, "text/plain").or_else(|| part_of(payload, "text/html").map(|html| html_text::readable(&html)))
}

fn part_of(part: &Value, mime: &str) -> Option<String> {
    if text(part, "mimeType") == Some(mime) {
        let data = part.get("body").and_then(|body| text(body, "data"))?;
        let bytes = URL_SAFE.decode(data).or_else(|_| URL_SAFE_NO_PAD.decode(data)).ok()?;
        return Some(String::from_utf8_lossy(&bytes).into_owned());
    }
    items(part.get("parts").unwrap_or(&Value::Null))
        .iter()
        .find_map(|child| part_of(child, mime))
}

fn list_labels(_: &ListLabels, target: &Target<'_>) -> Result<Call, ToolError> {
    Ok(Call::new(Method::Get, messages_url(target, &["labels"])?))
}

fn read_labels(_: &ListLabels, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let labels: Vec<Value> = items(answer.json.get("labels").unwrap_or(&Value::Null))
        .iter()
        .map(|label| json!({ "id": text(label, "id"), "name": text(label, "name"), "type": text(label, "type") }))
        .collect();
    let names = labels.iter().map(|label| text(label, "name").unwrap_or("?").to_owned());
    Ok(ActionOutput::new(
        list_summary(labels.len(), "labels", names.collect::<Vec<_>>()),
        Value::Array(labels),
    ))
}
