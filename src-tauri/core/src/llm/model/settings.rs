//! The model the chat uses, as Settings shows and saves it: built in (offline, the default), an
//! OpenAI-compatible server or Anthropic, with its address, model name and token budget. The key
//! is never part of these: it goes to the vault and only "a key is saved" comes back.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which kind of planner answers in the chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ModelKind {
    /// The offline planner: no server, no key.
    Builtin,
    /// Chat Completions (OpenAI, Ollama, LM Studio, OpenRouter, vLLM…).
    OpenAiCompatible,
    /// Anthropic's Messages API.
    Anthropic,
}

pub const DEFAULT_TOKEN_BUDGET: u32 = 16_000;
pub const MIN_TOKEN_BUDGET: u32 = 2_000;
pub const MAX_TOKEN_BUDGET: u32 = 1_000_000;

/// The saved choice (the key lives in the vault).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelSettings {
    pub kind: ModelKind,
    /// OpenAI-compatible: up to and including `/v1` (`http://127.0.0.1:11434/v1`);
    /// Anthropic: the origin (`https://api.anthropic.com`). Empty for the built-in planner.
    pub base_url: String,
    pub model: String,
    /// How much of the conversation the model is sent, in tokens (oldest turns go first).
    pub token_budget: u32,
}

impl Default for ModelSettings {
    fn default() -> Self {
        Self {
            kind: ModelKind::Builtin,
            base_url: String::new(),
            model: String::new(),
            token_budget: DEFAULT_TOKEN_BUDGET,
        }
    }
}

/// What Settings shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelSettingsView {
    pub settings: ModelSettings,
    /// A key is saved for this server (it is never shown again).
    pub has_key: bool,
    /// How the chat's planner is named now ("Built in (works offline)", "llama3.2 at 127.0.0.1:11434").
    pub in_use: String,
}

/// What to do with the saved key when settings are saved.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum KeyChange {
    Keep,
    Set { value: String },
    Remove,
}

/// Settings as the person saves them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelSettingsInput {
    pub settings: ModelSettings,
    pub key: KeyChange,
}

/// Where to ask for a list of models (before the settings are saved): the key given, or the
/// saved one when `None`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelListRequest {
    pub kind: ModelKind,
    pub base_url: String,
    pub key: Option<String>,
}

/// What the Test button reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelTestReport {
    pub model: String,
    /// From sending to the whole answer.
    #[ts(type = "number")]
    pub latency_ms: u64,
    /// The first words of the answer.
    pub reply: String,
    /// Something worth knowing that is not a failure ("this server does not stream…").
    pub note: Option<String>,
}

/// A model server found on this computer (Ollama on its default port).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LocalModelServer {
    pub name: String,
    pub base_url: String,
    pub models: Vec<String>,
}

/// How a model is named in Settings: "llama3.2 at 127.0.0.1:11434".
pub fn model_label(model: &str, base_url: &str) -> String {
    let host = url::Url::parse(base_url)
        .ok()
        .and_then(|url| {
            let port = url.port().map(|port| format!(":{port}")).unwrap_or_default();
            url.host_str().map(|host| format!("{host}{port}"))
        })
        .unwrap_or_else(|| base_url.to_owned());
    format!("{model} at {host}")
}
