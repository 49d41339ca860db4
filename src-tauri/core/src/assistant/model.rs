//! What the chat shows, as the window and the CLI receive it: conversations, messages and the
//! cards a run puts in them (connect, clarify, approve, result, error), and the person's answer
//! to a card. Stored as JSON in the message rows, so a card reopens exactly as it was.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ErrorCode;
use crate::ids::ConnectionId;
use crate::tools::{ActionResult, PendingApproval};

/// A conversation in the list (newest activity first).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    pub id: i64,
    pub title: String,
    pub preview: String,
    pub updated_at: i64,
}

/// One page of a conversation's messages, oldest first; `has_more` when older ones exist.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    pub messages: Vec<ChatMessage>,
    pub has_more: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Assistant => "assistant",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    pub id: i64,
    pub conversation_id: i64,
    pub role: Role,
    /// Markdown from the assistant (the window renders it sanitized); plain text from the person.
    pub text: String,
    pub created_at: i64,
    pub run_id: Option<i64>,
    pub card: Option<Card>,
    /// Whether the card still waits for the person (only the run's latest open card does).
    pub card_open: bool,
}

/// What a card shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Card {
    /// No account for the product yet: connect it, and the run goes on by itself.
    #[serde(rename_all = "camelCase")]
    Connect {
        provider: String,
        provider_name: String,
        product: String,
        product_name: String,
        /// No OAuth client is set up for this provider yet: the button leads to its setup.
        needs_setup: bool,
        /// The last sign-in failed or was cancelled.
        problem: Option<String>,
        /// An account the run has, to sign in again on for more access (`scopes`).
        connection_id: Option<ConnectionId>,
        /// The scopes to ask for on `connection_id`.
        scopes: Vec<String>,
        /// What they allow, in words ("read and write your repositories").
        missing_access: Vec<String>,
    },
    /// Fields only the person can give: a form for just those.
    #[serde(rename_all = "camelCase")]
    Clarify {
        action_id: String,
        action_title: String,
        /// A JSON Schema (object) with only the fields asked for.
        #[ts(type = "unknown")]
        schema: serde_json::Value,
        /// What is already known, shown and never asked again.
        #[ts(type = "Record<string, unknown>")]
        known: serde_json::Map<String, serde_json::Value>,
        /// For picker fields: the words to search the picker with.
        searches: BTreeMap<String, String>,
        /// The connection the pickers browse.
        connection_id: Option<ConnectionId>,
    },
    /// A write waiting for approval of its exact parameters.
    #[serde(rename_all = "camelCase")]
    Approve {
        pending: Box<PendingApproval>,
        /// The action's whole parameters schema (for editing).
        #[ts(type = "unknown")]
        schema: serde_json::Value,
        presentation: Presentation,
    },
    #[serde(rename_all = "camelCase")]
    Result {
        result: Box<ActionResult>,
        action_title: String,
    },
    #[serde(rename_all = "camelCase")]
    Error {
        code: ErrorCode,
        message: String,
        next: Option<NextStep>,
    },
}

/// How an approval card shows what will happen, as what it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Presentation {
    #[serde(rename_all = "camelCase")]
    Email {
        to: Vec<String>,
        cc: Vec<String>,
        subject: String,
        body: String,
        attachments: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    Event {
        title: String,
        start: String,
        end: String,
        time_zone: Option<String>,
        attendees: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    Message { channel: String, text: String },
    #[serde(rename_all = "camelCase")]
    Fields { rows: Vec<(String, String)> },
}

/// What a failure's card offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum NextStep {
    Connect,
    AllowMore,
    FixField,
    Retry,
}

/// The person's answer to a run's open card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum CardAnswer {
    Fill {
        #[ts(type = "Record<string, unknown>")]
        arguments: serde_json::Map<String, serde_json::Value>,
    },
    Approve {
        #[ts(type = "Record<string, unknown>")]
        arguments: serde_json::Map<String, serde_json::Value>,
    },
    Deny {
        reason: Option<String>,
    },
    Retry,
    Cancel,
}
