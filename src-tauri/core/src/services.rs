//! The services a running core holds once its database is open, each owning its own state and
//! built here in dependency order: the key holder, the connection store, provider apps,
//! sign-ins, token renewal, revocations, connection operations and browsing. Cheap to clone
//! (every field is shared); no field is ever replaced.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc::UnboundedReceiver;

use crate::assistant::{Assistant, AssistantParts, ChatChanged, ChatStreamed, ModelLimits};
use crate::catalog::{BuiltInClients, OverrideCredentials};
use crate::connections::scheduler::{Scheduler, SchedulerTiming};
use crate::connections::{
    ConnectionError, ConnectionEvent, ConnectionOperations, ConnectionStore, FlowState, Integration, Notifier,
    ProviderApps, RenewalsInFlight, Revocations, SignInSettings, SignIns, TokenRenewal,
};
use crate::context::CoreContext;
use crate::ids::ProviderId;
use crate::llm::model::{ModelChoice, ModelTiming, OLLAMA_URL};
use crate::llm::OfflinePlanner;
use crate::oauth::retry::RequestPolicy;
use crate::resources::{ApiPolicy, Resources};
use crate::tools::Executor;
use crate::vault::{KeyHolder, KeyringSlot};

/// How the chat hears of connections and tells the window it moved.
pub struct ChatWiring {
    pub changed: ChatChanged,
    pub streamed: ChatStreamed,
    pub connection_events: UnboundedReceiver<ConnectionEvent>,
}

/// How the services reach the outside: the keyring entry, the browser and time limits of
/// sign-ins, auth and API request policies, and where audit exports go.
pub struct ServiceSettings {
    pub keyring_slot: KeyringSlot,
    pub sign_in: SignInSettings,
    pub request_policy: RequestPolicy,
    pub api_policy: ApiPolicy,
    pub exports_dir: PathBuf,
    /// Where renewals take their cross-process locks (the data folder's `locks/`).
    pub locks_dir: PathBuf,
    pub model: ModelOptions,
    /// The OAuth clients this build ships.
    pub built_in_clients: BuiltInClients,
}

/// How the chat talks to a language model: time limits, the caps of one turn, and where a
/// local model server is looked for.
#[derive(Debug, Clone)]
pub struct ModelOptions {
    pub timing: ModelTiming,
    pub limits: ModelLimits,
    pub local_server: String,
}

impl Default for ModelOptions {
    fn default() -> Self {
        Self {
            timing: ModelTiming::default(),
            limits: ModelLimits::default(),
            local_server: OLLAMA_URL.to_owned(),
        }
    }
}

#[derive(Clone)]
pub struct Services {
    /// The catalogue, the database, the clock and the event sink they all read.
    pub context: CoreContext,
    pub keys: Arc<KeyHolder>,
    pub store: Arc<ConnectionStore>,
    pub apps: Arc<ProviderApps>,
    pub sign_ins: Arc<SignIns>,
    pub renewal: Arc<TokenRenewal>,
    pub revocations: Arc<Revocations>,
    pub operations: Arc<ConnectionOperations>,
    pub resources: Arc<Resources>,
    /// Running actions in connected accounts (the one executor).
    pub actions: Arc<Executor>,
    /// Conversations and their runs.
    pub assistant: Arc<Assistant>,
    /// The language model the chat uses, if any.
    pub models: Arc<ModelChoice>,
    /// Connection events the assistant has not seen yet (taken by `keep_runs_moving`).
    connection_events: Arc<Mutex<Option<UnboundedReceiver<ConnectionEvent>>>>,
    /// Where the services' events go (the window, the CLI's receiver, a test's list).
    pub notifier: Notifier,
}

impl Services {
    pub fn assemble(
        context: CoreContext,
        override_credentials: BTreeMap<ProviderId, OverrideCredentials>,
        settings: ServiceSettings,
        notifier: Notifier,
        chat: ChatWiring,
    ) -> Self {
        let keys = Arc::new(KeyHolder::new(settings.keyring_slot));
        let renewing = Arc::new(RenewalsInFlight::default());
        let store = Arc::new(ConnectionStore::new(
            context.clone(),
            keys.clone(),
            renewing.clone(),
            notifier.clone(),
        ));
        let apps = Arc::new(ProviderApps::new(
            context.clone(),
            keys.clone(),
            override_credentials,
            settings.built_in_clients.clone(),
            notifier.clone(),
        ));
        let sign_ins = Arc::new(SignIns::new(
            context.clone(),
            store.clone(),
            apps.clone(),
            keys.clone(),
            settings.sign_in,
            notifier.clone(),
        ));
        let renewal = Arc::new(
            TokenRenewal::new(
                context.clone(),
                store.clone(),
                apps.clone(),
                keys.clone(),
                settings.request_policy.clone(),
                renewing,
                notifier.clone(),
            )
            .with_process_locks(settings.locks_dir),
        );
        let revocations = Arc::new(Revocations::new(
            context.clone(),
            store.clone(),
            apps.clone(),
            keys.clone(),
            settings.request_policy,
            notifier.clone(),
        ));
        let operations = Arc::new(ConnectionOperations::new(
            context.clone(),
            store.clone(),
            renewal.clone(),
            revocations.clone(),
            keys.clone(),
            settings.exports_dir,
            notifier.clone(),
        ));
        let resources = Arc::new(Resources::new(
            context.clone(),
            store.clone(),
            renewal.clone(),
            settings.api_policy.clone(),
        ));
        let actions = Arc::new(Executor::new(
            context.clone(),
            store.clone(),
            renewal.clone(),
            settings.api_policy,
        ));
        let models = Arc::new(
            ModelChoice::new(context.clone(), keys.clone(), settings.model.timing)
                .with_local_server(&settings.model.local_server),
        );
        let assistant = Arc::new(Assistant::new(AssistantParts {
            context: context.clone(),
            store: store.clone(),
            apps: apps.clone(),
            executor: actions.clone(),
            resources: resources.clone(),
            planner: Arc::new(OfflinePlanner::new()),
            model: models.clone(),
            limits: settings.model.limits,
            changed: chat.changed,
            streamed: chat.streamed,
        }));
        Self {
            context,
            keys,
            store,
            apps,
            sign_ins,
            renewal,
            revocations,
            operations,
            resources,
            actions,
            assistant,
            models,
            connection_events: Arc::new(Mutex::new(Some(chat.connection_events))),
            notifier,
        }
    }

    /// Moves runs on when the world changes: a connection landing resumes the runs waiting
    /// for it; a sign-in that fails or is cancelled is told to them. Run once (the shell, the
    /// CLI's chat); a second call returns at once.
    pub async fn keep_runs_moving(&self) {
        if let Err(error) = self.assistant.recover_at_start() {
            tracing::warn!(%error, "runs cut off by the last exit could not be marked");
        }
        let taken = self
            .connection_events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(mut events) = taken else { return };
        while let Some(event) = events.recv().await {
            let outcome = match event {
                ConnectionEvent::Changed => self.assistant.resume_waiting().await,
                ConnectionEvent::Flow(update) => match update.state {
                    FlowState::Connected { .. } => self.assistant.resume_waiting().await,
                    FlowState::Failed { message, .. } => {
                        self.assistant.sign_in_ended(update.provider.as_str(), &message)
                    }
                    FlowState::Cancelled => self
                        .assistant
                        .sign_in_ended(update.provider.as_str(), "it was cancelled."),
                    _ => Ok(()),
                },
            };
            if let Err(error) = outcome {
                tracing::warn!(%error, "a run could not move on after a connection change");
            }
        }
    }

    /// At start: forgets the last run's session-only connections and marks those the keyring's
    /// key cannot open (`ConnectionStore::reconcile_at_start`), then tells the window.
    pub fn check_connections_at_start(&self) -> Result<(), ConnectionError> {
        self.store.reconcile_at_start()?;
        self.notifier.changed();
        Ok(())
    }

    /// The Integrations page: each provider with its connections and whether it can connect.
    pub fn integrations(&self) -> Result<Vec<Integration>, ConnectionError> {
        self.apps.integrations(&self.store.list()?)
    }

    /// Runs the background upkeep of connections (renewals, revocation retries); never returns.
    pub async fn keep_connections_healthy(&self, timing: SchedulerTiming) {
        let scheduler = Scheduler {
            context: self.context.clone(),
            keys: self.keys.clone(),
            store: self.store.clone(),
            renewal: self.renewal.clone(),
            revocations: self.revocations.clone(),
        };
        scheduler.run(timing).await
    }
}
