//! One model server asked one question: the request in its protocol, sent with a connect and an
//! answer timeout, retried on 429 and 5xx (honoring Retry-After, capped) only before any of the
//! answer arrived, then read as server-sent events with an idle timeout between them, the
//! text handed on as it comes. Stop ends the request at once: dropping the response closes it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::Value;
use tokio::sync::watch;

use super::error::ModelError;
use super::settings::model_label;
use super::wire::{ModelReply, ModelRequest, ReplyBuilder};
use super::{anthropic, openai};
use crate::backoff::Backoff;
use crate::oauth::retry::retry_after_seconds;
use crate::sensitive::Sensitive;

/// Which protocol the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    OpenAi,
    Anthropic,
}

/// How long to wait, and how often to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelTiming {
    pub connect: Duration,
    /// From sending to the answer's first byte (a local model may be loading).
    pub answer: Duration,
    /// Longest silence between two pieces of a streamed answer.
    pub idle: Duration,
    pub retries: u32,
    pub longest_retry_wait: Duration,
}

impl Default for ModelTiming {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            answer: Duration::from_secs(90),
            idle: Duration::from_secs(60),
            retries: 2,
            longest_retry_wait: Duration::from_secs(30),
        }
    }
}

/// Set to `true` to stop a request.
pub type Cancel = watch::Receiver<bool>;

const MAX_WHOLE_ANSWER: usize = 8 << 20;

pub struct ModelClient {
    protocol: Protocol,
    base_url: String,
    model: String,
    key: Option<Arc<Sensitive<String>>>,
    http: reqwest::Client,
    timing: ModelTiming,
}

impl ModelClient {
    pub fn new(
        protocol: Protocol,
        base_url: &str,
        model: &str,
        key: Option<Arc<Sensitive<String>>>,
        timing: ModelTiming,
    ) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(timing.connect)
            .build()
            .unwrap_or_default();
        Self {
            protocol,
            base_url: base_url.trim_end_matches('/').to_owned(),
            model: model.to_owned(),
            key,
            http,
            timing,
        }
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    /// "llama3.2 at 127.0.0.1:11434".
    pub fn describe(&self) -> String {
        model_label(&self.model, &self.base_url)
    }

    /// Asks once (retrying as said above); `on_text` gets each piece of text as it arrives.
    pub async fn complete(
        &self,
        request: &ModelRequest,
        on_text: &mut (dyn FnMut(&str) + Send),
        cancel: &mut Cancel,
    ) -> Result<ModelReply, ModelError> {
        let body = match self.protocol {
            Protocol::OpenAi => openai::body(&self.model, request, true),
            Protocol::Anthropic => anthropic::body(&self.model, request, true),
        };
        let endpoint = match self.protocol {
            Protocol::OpenAi => format!("{}/chat/completions", self.base_url),
            Protocol::Anthropic => format!("{}/v1/messages", self.base_url),
        };
        let backoff = Backoff {
            base: Duration::from_millis(500),
            cap: self.timing.longest_retry_wait,
        };
        let mut failures = 0;
        let response = loop {
            let response = self.send(self.http.post(&endpoint).json(&body), cancel).await?;
            let status = response.status();
            if status.is_success() {
                break response;
            }
            let wait = retry_wait(&response);
            let error = self.failure(status, response, cancel).await?;
            if !error.is_retryable() || failures >= self.timing.retries {
                return Err(error);
            }
            failures += 1;
            let wait = wait.unwrap_or_else(|| backoff.after(failures));
            if wait > self.timing.longest_retry_wait {
                return Err(error); // a server asking for minutes: say so now rather than hang
            }
            until(cancel, tokio::time::sleep(wait)).await?;
        };
        let streamed = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/event-stream"));
        if !streamed {
            let body = self.whole_body(response, cancel).await?;
            let mut reply = match self.protocol {
                Protocol::OpenAi => openai::whole(&body)?,
                Protocol::Anthropic => anthropic::whole(&body)?,
            };
            if !reply.text.is_empty() {
                on_text(&reply.text);
            }
            reply.not_streamed = true;
            return Ok(reply);
        }
        self.read_stream(response, on_text, cancel).await
    }

    async fn read_stream(
        &self,
        response: Response,
        on_text: &mut (dyn FnMut(&str) + Send),
        cancel: &mut Cancel,
    ) -> Result<ModelReply, ModelError> {
        let mut events = response.bytes_stream().eventsource();
        let mut reply = ReplyBuilder::default();
        loop {
            let next = until(cancel, tokio::time::timeout(self.timing.idle, events.next()))
                .await?
                .map_err(|_| ModelError::Stalled(self.timing.idle))?;
            let event = match next {
                None => return Err(ModelError::Interrupted),
                Some(Err(_)) => return Err(ModelError::Interrupted),
                Some(Ok(event)) => event,
            };
            if event.data.is_empty() {
                continue;
            }
            let before = reply.text_so_far().len();
            let taken = match self.protocol {
                Protocol::OpenAi => openai::take_event(&event.data, &mut reply),
                Protocol::Anthropic => anthropic::take_event(&event.data, &mut reply),
            };
            let ended = match taken {
                Err(ModelError::Server { status, detail }) => {
                    return Err(ModelError::Server {
                        status,
                        detail: self.without_key(detail).chars().take(200).collect(),
                    })
                }
                other => other?,
            };
            if reply.text_so_far().len() > MAX_WHOLE_ANSWER {
                return Err(ModelError::BadReply("the answer is too large".into()));
            }
            if reply.text_so_far().len() > before {
                on_text(&reply.text_so_far()[before..]);
            }
            if ended {
                return Ok(reply.finish());
            }
        }
    }

    /// The models the server offers (OpenAI's `/models`, Anthropic's `/v1/models`, or Ollama's
    /// `/api/tags` for a server that has no `/models`).
    pub async fn models(&self, cancel: &mut Cancel) -> Result<Vec<String>, ModelError> {
        let (url, list, field) = match self.protocol {
            Protocol::OpenAi => (format!("{}/models", self.base_url), "data", "id"),
            Protocol::Anthropic => (format!("{}/v1/models", self.base_url), "data", "id"),
        };
        let response = self.send(self.http.get(&url), cancel).await?;
        let (response, list, field) = if response.status() == StatusCode::NOT_FOUND && self.protocol == Protocol::OpenAi
        {
            let origin = self.base_url.trim_end_matches("/v1");
            (
                self.send(self.http.get(format!("{origin}/api/tags")), cancel).await?,
                "models",
                "name",
            )
        } else {
            (response, list, field)
        };
        let status = response.status();
        if !status.is_success() {
            return Err(self.failure(status, response, cancel).await?);
        }
        let body = self.whole_body(response, cancel).await?;
        let mut names: Vec<String> = body[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|model| model[field].as_str().map(str::to_owned))
            .collect();
        names.sort();
        Ok(names)
    }

    async fn send(&self, request: RequestBuilder, cancel: &mut Cancel) -> Result<Response, ModelError> {
        let request = match (self.protocol, &self.key) {
            (Protocol::OpenAi, Some(key)) => request.bearer_auth(key.expose()),
            (Protocol::Anthropic, Some(key)) => request.header("x-api-key", key.expose().as_str()),
            (_, None) => request,
        };
        let request = match self.protocol {
            Protocol::Anthropic => request.header("anthropic-version", anthropic::VERSION),
            Protocol::OpenAi => request,
        };
        match until(cancel, tokio::time::timeout(self.timing.answer, request.send())).await? {
            Err(_) => Err(ModelError::NoAnswer(self.timing.answer)),
            Ok(Err(error)) if error.is_connect() || error.is_request() => Err(ModelError::Unreachable {
                url: self.base_url.clone(),
            }),
            Ok(Err(error)) if error.is_timeout() => Err(ModelError::NoAnswer(self.timing.answer)),
            Ok(Err(_)) => Err(ModelError::Interrupted),
            Ok(Ok(response)) => Ok(response),
        }
    }

    async fn whole_body(&self, response: Response, cancel: &mut Cancel) -> Result<Value, ModelError> {
        if response
            .content_length()
            .is_some_and(|length| length > MAX_WHOLE_ANSWER as u64)
        {
            return Err(ModelError::BadReply("the answer is too large".into()));
        }
        let bytes = until(cancel, tokio::time::timeout(self.timing.idle, response.bytes()))
            .await?
            .map_err(|_| ModelError::Stalled(self.timing.idle))?
            .map_err(|_| ModelError::Interrupted)?;
        if bytes.len() > MAX_WHOLE_ANSWER {
            return Err(ModelError::BadReply("the answer is too large".into()));
        }
        serde_json::from_slice(&bytes).map_err(|_| ModelError::BadReply("the answer is not JSON".into()))
    }

    /// What an unsuccessful answer means.
    async fn failure(
        &self,
        status: StatusCode,
        response: Response,
        cancel: &mut Cancel,
    ) -> Result<ModelError, ModelError> {
        let body = self.whole_body(response, cancel).await.unwrap_or(Value::Null);
        let (detail, kind) = match self.protocol {
            Protocol::OpenAi => openai::error_detail(&body),
            Protocol::Anthropic => anthropic::error_detail(&body),
        };
        let detail = self.without_key(detail);
        Ok(match status.as_u16() {
            401 | 403 => ModelError::WrongKey,
            404 if kind.contains("model") || kind == "not_found_error" || detail.to_lowercase().contains("model") => {
                ModelError::UnknownModel {
                    model: self.model.clone(),
                }
            }
            404 => ModelError::Server {
                status: 404,
                detail: "nothing answers at that address (an OpenAI-compatible address ends in /v1)".into(),
            },
            429 => ModelError::RateLimited,
            // Ollama: "… does not support tools"; vLLM: "tool choice requires --enable-auto-tool-choice".
            400 if detail.to_lowercase().contains("tool") => ModelError::NoTools {
                model: self.model.clone(),
            },
            status => ModelError::Server {
                status,
                detail: detail.chars().take(200).collect(),
            },
        })
    }

    /// A server's message with the key taken out, should it quote it.
    fn without_key(&self, text: String) -> String {
        match &self.key {
            Some(key) if !key.expose().is_empty() => text.replace(key.expose().as_str(), "[key]"),
            _ => text,
        }
    }
}

/// What a 429 or 503 asks to wait.
fn retry_wait(response: &Response) -> Option<Duration> {
    let header = |name| response.headers().get(name).and_then(|value| value.to_str().ok());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() as i64);
    header(reqwest::header::RETRY_AFTER)
        .and_then(|value| retry_after_seconds(value, header(reqwest::header::DATE), now))
        .map(Duration::from_secs)
}

/// `work`, unless the person stops it first.
pub async fn until<T>(cancel: &mut Cancel, work: impl Future<Output = T>) -> Result<T, ModelError> {
    tokio::select! {
        biased;
        _ = stopped(cancel) => Err(ModelError::Cancelled),
        done = work => Ok(done),
    }
}

async fn stopped(cancel: &mut Cancel) {
    if cancel.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await; // nobody can stop it any more
    }
}
