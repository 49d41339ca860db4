//! The model in use, a service: reads and saves the person's choice (the settings in
//! `app_settings`, the key sealed in the vault like a token), builds the client for it, lists a
//! server's models, tests it with one small request, and finds an Ollama on this computer.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::watch;

use super::client::{ModelClient, ModelTiming, Protocol};
use super::error::ModelError;
use super::settings::{
    model_label, KeyChange, LocalModelServer, ModelKind, ModelListRequest, ModelSettings, ModelSettingsInput,
    ModelSettingsView, ModelTestReport, MAX_TOKEN_BUDGET, MIN_TOKEN_BUDGET,
};
use super::wire::{ModelRequest, Turn};
use crate::context::CoreContext;
use crate::db::{app_settings, secrets, DbError};
use crate::error::{ErrorCode, UserError};
use crate::sensitive::Sensitive;
use crate::vault::{KeyError, KeyHolder, SecretStore, VaultError};

const SETTING_KEY: &str = "model";
const KEY_OWNER: &str = "model";
const KEY_CONTEXT: &str = "model-api-key";
const KEY_NAME: &str = "api_key";
pub const BUILTIN_NAME: &str = "Built in (works offline)";
/// Where Ollama listens unless told otherwise.
pub const OLLAMA_URL: &str = "http://127.0.0.1:11434";

#[derive(Debug, thiserror::Error)]
pub enum ModelChoiceError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("The model's API key can't be read or saved: {0}")]
    Vault(#[from] VaultError),
}

impl From<ModelChoiceError> for UserError {
    fn from(error: ModelChoiceError) -> Self {
        let code = match &error {
            ModelChoiceError::Invalid(_) => ErrorCode::InvalidInput,
            ModelChoiceError::Database(_) => ErrorCode::Storage,
            ModelChoiceError::Key(_) => ErrorCode::KeyringUnavailable,
            ModelChoiceError::Vault(_) => ErrorCode::Storage,
            ModelChoiceError::Model(error) => model_error_code(error),
        };
        UserError::new(code, error.to_string())
    }
}

/// The code a model's failure is reported with.
pub fn model_error_code(error: &ModelError) -> ErrorCode {
    match error {
        ModelError::NotConfigured => ErrorCode::NotConfigured,
        ModelError::WrongKey | ModelError::UnknownModel { .. } | ModelError::NoTools { .. } => {
            ErrorCode::ProviderRejected
        }
        ModelError::Key(_) => ErrorCode::KeyringUnavailable,
        ModelError::BadReply(_) => ErrorCode::ProviderRejected,
        _ => ErrorCode::Network,
    }
}

pub struct ModelChoice {
    context: CoreContext,
    keys: Arc<KeyHolder>,
    timing: ModelTiming,
    local_server: String,
}

impl ModelChoice {
    pub fn new(context: CoreContext, keys: Arc<KeyHolder>, timing: ModelTiming) -> Self {
        Self {
            context,
            keys,
            timing,
            local_server: OLLAMA_URL.to_owned(),
        }
    }

    /// Looks for the local server at `url` instead of Ollama's default (tests).
    pub fn with_local_server(mut self, url: &str) -> Self {
        self.local_server = url.trim_end_matches('/').to_owned();
        self
    }

    pub fn settings(&self) -> Result<ModelSettings, ModelChoiceError> {
        let saved = app_settings::get(self.context.read().conn(), SETTING_KEY)?;
        Ok(saved
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default())
    }

    pub fn view(&self) -> Result<ModelSettingsView, ModelChoiceError> {
        let settings = self.settings()?;
        let has_key = settings.kind != ModelKind::Builtin && self.key_saved()?;
        Ok(ModelSettingsView {
            in_use: in_use(&settings),
            settings,
            has_key,
        })
    }

    /// How the chat's planner is named now, from the saved choice (no client is built).
    pub fn in_use(&self) -> Result<String, ModelChoiceError> {
        Ok(in_use(&self.settings()?))
    }

    /// Checks and saves the person's choice; a key given is sealed in the vault.
    pub fn save(&self, input: ModelSettingsInput) -> Result<ModelSettingsView, ModelChoiceError> {
        let settings = checked(input.settings, &input.key)?;
        let before = self.settings()?;
        let now = self.context.now();
        // A key belongs to the server it was saved for: it is never sent to another.
        let moved = before.kind != settings.kind || before.base_url != settings.base_url;
        let key_change = match input.key {
            KeyChange::Keep if moved => KeyChange::Remove,
            other => other,
        };
        let text = serde_json::to_string(&settings).map_err(|error| ModelChoiceError::Invalid(error.to_string()))?;
        match key_change {
            KeyChange::Keep => {}
            KeyChange::Remove => {
                let key = self.keys.key()?;
                SecretStore::new(&self.context.db(), &key).delete_owner(KEY_OWNER)?;
            }
            KeyChange::Set { value } => {
                let key = self.keys.key()?;
                let secret = Sensitive::new(value.trim().to_owned());
                SecretStore::new(&self.context.db(), &key).put(KEY_OWNER, KEY_CONTEXT, KEY_NAME, &secret, now)?;
            }
        }
        app_settings::set(self.context.db().conn(), SETTING_KEY, Some(&text), now)?;
        self.view()
    }

    /// The client for the saved choice; `None` for the built-in planner.
    pub fn client(&self) -> Result<Option<ModelClient>, ModelChoiceError> {
        let settings = self.settings()?;
        let Some(protocol) = protocol(settings.kind) else {
            return Ok(None);
        };
        let key = self.saved_key()?.map(Arc::new);
        Ok(Some(ModelClient::new(
            protocol,
            &settings.base_url,
            &settings.model,
            key,
            self.timing,
        )))
    }

    /// The models a server offers, with the key given or else the saved one.
    pub async fn list(&self, request: ModelListRequest) -> Result<Vec<String>, ModelChoiceError> {
        let protocol = protocol(request.kind)
            .ok_or_else(|| ModelChoiceError::Invalid("The built-in planner has no models to choose.".into()))?;
        let given = request.key.filter(|key| !key.trim().is_empty());
        let base_url = checked_url(&request.base_url, given.is_some())?;
        let saved = self.settings()?;
        let key = match given {
            Some(key) => Some(Sensitive::new(key.trim().to_owned())),
            // The saved key goes only to the server it was saved for.
            None if saved.kind == request.kind && saved.base_url == base_url => self.saved_key()?,
            None => None,
        };
        let client = ModelClient::new(protocol, &base_url, "", key.map(Arc::new), self.timing);
        let (_stop, mut cancel) = watch::channel(false);
        Ok(client.models(&mut cancel).await?)
    }

    /// Sends one small request to the saved model and says how it went.
    pub async fn test(&self) -> Result<ModelTestReport, ModelChoiceError> {
        let client = self.client()?.ok_or(ModelError::NotConfigured)?;
        let request = ModelRequest {
            system: "You are being tested. Answer in at most five words.".into(),
            turns: vec![Turn::User {
                text: "Say hello.".into(),
            }],
            tools: Vec::new(),
            max_tokens: 20,
        };
        let (_stop, mut cancel) = watch::channel(false);
        let started = Instant::now();
        let limit = self.timing.answer + self.timing.idle;
        let reply = tokio::time::timeout(limit, client.complete(&request, &mut |_| {}, &mut cancel))
            .await
            .map_err(|_| ModelError::TooSlow(limit))??;
        Ok(ModelTestReport {
            model: client.model().to_owned(),
            latency_ms: started.elapsed().as_millis() as u64,
            reply: reply.text.chars().take(120).collect(),
            note: reply.not_streamed.then(|| {
                "This server doesn't stream: answers will appear all at once instead of word by word.".to_owned()
            }),
        })
    }

    /// Ollama on this computer, when it answers on its port.
    pub async fn find_local(&self) -> Option<LocalModelServer> {
        let base_url = format!("{}/v1", self.local_server);
        let timing = ModelTiming {
            answer: std::time::Duration::from_secs(2),
            connect: std::time::Duration::from_secs(1),
            ..self.timing
        };
        let client = ModelClient::new(Protocol::OpenAi, &base_url, "", None, timing);
        let (_stop, mut cancel) = watch::channel(false);
        let models = client.models(&mut cancel).await.ok()?;
        Some(LocalModelServer {
            name: "Ollama".into(),
            base_url,
            models,
        })
    }

    pub fn token_budget(&self) -> Result<u32, ModelChoiceError> {
        Ok(self.settings()?.token_budget)
    }

    /// A key is saved (read without opening it).
    fn key_saved(&self) -> Result<bool, ModelChoiceError> {
        Ok(secrets::get(self.context.read().conn(), KEY_OWNER, KEY_NAME)?.is_some())
    }

    /// The saved key; the keyring is only asked when there is one (a local server without a
    /// key works with the keyring locked).
    fn saved_key(&self) -> Result<Option<Sensitive<String>>, ModelChoiceError> {
        if !self.key_saved()? {
            return Ok(None);
        }
        let key = self.keys.key()?;
        Ok(SecretStore::new(&self.context.read(), &key).get(KEY_OWNER, KEY_CONTEXT, KEY_NAME)?)
    }
}

fn in_use(settings: &ModelSettings) -> String {
    match settings.kind {
        ModelKind::Builtin => BUILTIN_NAME.to_owned(),
        _ => model_label(&settings.model, &settings.base_url),
    }
}

fn protocol(kind: ModelKind) -> Option<Protocol> {
    match kind {
        ModelKind::Builtin => None,
        ModelKind::OpenAiCompatible => Some(Protocol::OpenAi),
        ModelKind::Anthropic => Some(Protocol::Anthropic),
    }
}

/// The settings as they will be saved, or what is wrong with them.
fn checked(mut settings: ModelSettings, key: &KeyChange) -> Result<ModelSettings, ModelChoiceError> {
    if !(MIN_TOKEN_BUDGET..=MAX_TOKEN_BUDGET).contains(&settings.token_budget) {
        return Err(ModelChoiceError::Invalid(format!(
            "The token budget must be between {MIN_TOKEN_BUDGET} and {MAX_TOKEN_BUDGET}."
        )));
    }
    if settings.kind == ModelKind::Builtin {
        settings.base_url.clear();
        settings.model.clear();
        return Ok(settings);
    }
    settings.base_url = checked_url(&settings.base_url, matches!(key, KeyChange::Set { .. }))?;
    settings.model = settings.model.trim().to_owned();
    if settings.model.is_empty() || settings.model.len() > 200 {
        return Err(ModelChoiceError::Invalid(
            "Name the model to use (for example llama3.2 or gpt-4o-mini).".into(),
        ));
    }
    Ok(settings)
}

/// An http(s) address; a key is only ever sent over https or to this computer.
fn checked_url(text: &str, sends_key: bool) -> Result<String, ModelChoiceError> {
    let invalid = || {
        ModelChoiceError::Invalid(
            "The base URL must be an http or https address, like http://127.0.0.1:11434/v1.".into(),
        )
    };
    let url = url::Url::parse(text.trim()).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(invalid());
    }
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    if sends_key && url.scheme() == "http" && !local {
        return Err(ModelChoiceError::Invalid(
            "A key is only sent over https (or to this computer): use an https address.".into(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}
