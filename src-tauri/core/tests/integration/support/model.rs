//! The scripted model server of `tests/model/` (OpenAI-compatible and Anthropic on loopback,
//! replaying queued turns), and a core that uses it as its chat model with short time limits.

#![allow(dead_code)] // each test file uses its part

use std::process::Child;
use std::time::Duration;

use serde_json::{json, Value};
use switchboard_core::app_events::AppEvent;
use switchboard_core::assistant::ModelLimits;
use switchboard_core::llm::model::{KeyChange, ModelKind, ModelSettings, ModelSettingsInput, ModelTiming};
use switchboard_core::Services;

use super::connector::Harness;
use super::doubles::ApiDoubles;
use super::{keyring, node};

pub struct ScriptedModel {
    _child: Child,
    url: String,
    http: reqwest::Client,
}

impl ScriptedModel {
    pub fn start() -> Self {
        let (child, ready) = node::start_node("model", "server.mjs");
        Self {
            _child: child,
            url: ready["url"].as_str().expect("url").to_owned(),
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The base URL Settings takes for `kind` (OpenAI-compatible ones end in `/v1`).
    pub fn base_url(&self, kind: ModelKind) -> String {
        match kind {
            ModelKind::OpenAiCompatible => format!("{}/v1", self.url),
            _ => self.url.clone(),
        }
    }

    /// Queues turns, answered one per model request.
    pub async fn script(&self, turns: Value) {
        self.post("/_control/script", json!({ "turns": turns })).await;
    }

    /// Requires `key` and offers `models`.
    pub async fn configure(&self, key: Option<&str>, models: &[&str]) {
        self.post("/_control/config", json!({ "key": key, "models": models }))
            .await;
    }

    /// The model requests received so far (`/v1/chat/completions`, `/v1/messages`).
    pub async fn requests(&self) -> Vec<Value> {
        let all: Vec<Value> = self
            .http
            .get(format!("{}/_control/requests", self.url))
            .send()
            .await
            .expect("the request log")
            .json()
            .await
            .expect("JSON");
        all.into_iter().filter(|request| request["method"] == "POST").collect()
    }

    /// Every request as received, headers and bodies, as one text (to scan for secrets).
    pub async fn log_text(&self) -> String {
        self.http
            .get(format!("{}/_control/requests", self.url))
            .send()
            .await
            .expect("the request log")
            .text()
            .await
            .expect("text")
    }

    pub async fn pending(&self) -> u64 {
        let pending: Value = self
            .http
            .get(format!("{}/_control/pending", self.url))
            .send()
            .await
            .expect("pending")
            .json()
            .await
            .expect("JSON");
        pending["turns"].as_u64().expect("a count")
    }

    async fn post(&self, path: &str, body: Value) {
        let answer = self
            .http
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST {path}: {error}"));
        assert!(answer.status().is_success(), "POST {path}: {}", answer.status());
    }
}

/// Short limits, so a server that hangs or stalls fails a test in seconds.
pub fn quick_timing() -> ModelTiming {
    ModelTiming {
        connect: Duration::from_secs(2),
        answer: Duration::from_secs(2),
        idle: Duration::from_secs(1),
        retries: 2,
        longest_retry_wait: Duration::from_secs(3),
    }
}

/// A core with `provider`'s API on the doubles and the model options given.
pub fn harness_with(
    doubles: &ApiDoubles,
    provider: &str,
    test: &str,
    model: &ScriptedModel,
    limits: ModelLimits,
) -> Harness {
    keyring::require_session_bus();
    let overrides = format!("[providers.{provider}]\n{}", doubles.overrides_lines(provider));
    let local = model.url().to_owned();
    Harness::configured(
        tempfile::tempdir().expect("a data directory"),
        &overrides,
        keyring::private_slot(test),
        Duration::from_secs(20),
        move |options| {
            options.model.timing = quick_timing();
            options.model.limits = limits;
            options.model.local_server = local;
        },
    )
}

/// Chooses the scripted server as the chat's model.
pub fn use_model(services: &Services, model: &ScriptedModel, kind: ModelKind, key: Option<&str>) {
    let input = ModelSettingsInput {
        settings: ModelSettings {
            kind,
            base_url: model.base_url(kind),
            model: "scripted-1".into(),
            token_budget: 16_000,
        },
        key: key.map_or(KeyChange::Keep, |key| KeyChange::Set { value: key.into() }),
    };
    services.models.save(input).expect("the model settings are saved");
}

/// The texts the window was sent for message streams, in order.
pub fn streamed(harness: &Harness) -> Vec<String> {
    harness
        .events
        .lock()
        .expect("events")
        .iter()
        .filter_map(|event| match event {
            AppEvent::ChatStreaming { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// A tool call turn.
pub fn call(id: &str, name: &str, arguments: Value) -> Value {
    json!({ "id": id, "name": name, "arguments": arguments })
}
