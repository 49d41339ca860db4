//! What a model is sent and what it answers, the same for every protocol: the system prompt, the
//! turns of the conversation (the person's words, the model's words and tool calls, and the
//! results of those calls), the tools it may call; and back its text and the calls it made.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One turn of what the model sees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "camelCase")]
pub enum Turn {
    User {
        text: String,
    },
    Assistant {
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        calls: Vec<ToolCall>,
    },
    /// What came of a call: the action's bounded summary (untrusted data), or why it did not run.
    ToolResult {
        call_id: String,
        content: String,
        #[serde(default)]
        is_error: bool,
    },
}

/// A tool call as the model made it: `arguments` is its raw text (it may not even be JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: String,
}

/// A tool the model may call: an API-safe name, what it does, its parameters' JSON Schema.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub parameters: Value,
}

/// One request to a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRequest {
    pub system: String,
    pub turns: Vec<Turn>,
    pub tools: Vec<ToolSpec>,
    /// Most tokens the answer may take.
    pub max_tokens: u32,
}

/// A model's whole answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelReply {
    pub text: String,
    pub calls: Vec<ToolCall>,
    /// The server answered in one piece although asked to stream.
    pub not_streamed: bool,
}

/// Builds a reply from streamed pieces: text in order, tool calls by their index, their
/// argument text concatenated as it arrives.
#[derive(Debug, Default)]
pub struct ReplyBuilder {
    text: String,
    calls: Vec<(usize, ToolCall)>,
}

impl ReplyBuilder {
    pub fn text(&mut self, piece: &str) {
        self.text.push_str(piece);
    }

    /// The call at `index`: started when new, with its id and name when given.
    pub fn call(&mut self, index: usize, id: Option<&str>, name: Option<&str>, arguments: &str) {
        let position = match self.calls.iter().position(|(at, _)| *at == index) {
            Some(position) => position,
            None => {
                self.calls.push((
                    index,
                    ToolCall {
                        id: String::new(),
                        name: String::new(),
                        arguments: String::new(),
                    },
                ));
                self.calls.len() - 1
            }
        };
        let call = &mut self.calls[position].1;
        if let Some(id) = id.filter(|id| !id.is_empty()) {
            call.id = id.to_owned();
        }
        if let Some(name) = name.filter(|name| !name.is_empty()) {
            call.name.push_str(name);
        }
        call.arguments.push_str(arguments);
    }

    pub fn has_text(&self) -> bool {
        !self.text.is_empty()
    }

    pub fn text_so_far(&self) -> &str {
        &self.text
    }

    pub fn finish(self) -> ModelReply {
        let mut calls: Vec<(usize, ToolCall)> = self.calls;
        calls.sort_by_key(|(index, _)| *index);
        ModelReply {
            text: self.text,
            calls: unique_ids(calls.into_iter().map(|(_, call)| call).collect()),
            not_streamed: false,
        }
    }
}

/// Calls whose ids are unique in the conversation: a server that sends none, or the same one
/// twice, gets fresh ones (results are paired with their call by id).
fn unique_ids(mut calls: Vec<ToolCall>) -> Vec<ToolCall> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_micros());
    let mut seen = HashSet::new();
    for call in &mut calls {
        if call.id.is_empty() || !seen.insert(call.id.clone()) {
            call.id = format!("call_{stamp}_{}", NEXT.fetch_add(1, Ordering::Relaxed));
            seen.insert(call.id.clone());
        }
    }
    calls
}
