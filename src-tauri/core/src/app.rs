//! The core's one entry point: `Core::open` turns the data directory and a few options into the
//! running core (the catalogue with its overrides, the database, the key holder and the
//! services), for the window, the CLI, the tests and the benches alike. It wires and answers the
//! app-wide questions (settings, notices, deep links); the services do the work.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::catalog::{apply_overrides, load_overrides, BuiltInClients, Catalog, CatalogError};
use crate::clock::{Clock, SystemClock};
use crate::connections::{Notifier, SignInSettings};
use crate::context::CoreContext;
use crate::db::notices::{self, Notice};
use crate::db::{Database, DbError};
use crate::error::{ErrorCode, UserError};
use crate::oauth::retry::RequestPolicy;
use crate::oauth::{receive_deep_link, DeepLinkReceipt, PendingFlows, LOOPBACK_TIMEOUT};
use crate::overrides_setting::{catalog_at_start, choose_overrides_file, ActiveCatalog, OverridesStatus};
use crate::overview::{settings_overview, SettingsOverview};
use crate::paths::AppPaths;
use crate::resources::ApiPolicy;
use crate::services::{ChatWiring, ModelOptions, ServiceSettings, Services};
use crate::session_notices::SessionNotices;
use crate::vault::KeyringSlot;
use crate::{app_events::AppEvent, connections::BrowserOpener};

/// Where core events go: the shell delivers them to the window, the CLI and tests collect them.
pub type EventSink = Arc<dyn Fn(AppEvent) + Send + Sync>;

/// Which provider overrides this run applies.
pub enum OverridesChoice {
    /// The app's: `SWITCHBOARD_OVERRIDES`, else the file chosen in Settings. A file that does
    /// not load is reported in Settings and the built-in catalogue is used.
    AppSetting,
    /// A file named on the command line: one that does not load is an error.
    File(PathBuf),
    /// TOML text, named `name` in errors (tests).
    Text {
        name: String,
        text: String,
    },
    None,
}

/// How to open the core; `CoreOptions::new` has the app's defaults.
pub struct CoreOptions {
    pub overrides: OverridesChoice,
    pub keyring_slot: KeyringSlot,
    pub clock: Arc<dyn Clock>,
    pub events: EventSink,
    pub browser: BrowserOpener,
    /// How long a sign-in waits for the browser (5 minutes; shorter in tests).
    pub callback_timeout: Duration,
    /// Time limits, retries and the length of a protocol second for OAuth requests.
    pub request_policy: RequestPolicy,
    /// Waits and retries of provider API calls (browsing).
    pub api_policy: ApiPolicy,
    pub model: ModelOptions,
    /// The OAuth clients this build ships (`BuiltInClients::compiled`; tests give their own).
    pub built_in_clients: BuiltInClients,
}

impl CoreOptions {
    /// The app's defaults for `paths`: its keyring entry, the system clock, no overrides.
    pub fn new(paths: &AppPaths, events: EventSink, browser: BrowserOpener) -> Self {
        Self {
            overrides: OverridesChoice::None,
            keyring_slot: KeyringSlot::for_paths(paths),
            clock: Arc::new(SystemClock),
            events,
            browser,
            callback_timeout: LOOPBACK_TIMEOUT,
            request_policy: RequestPolicy::standard(),
            api_policy: ApiPolicy::default(),
            model: ModelOptions::default(),
            built_in_clients: compiled_clients(),
        }
    }
}

/// The clients compiled in; the build has read the file against this catalogue already, so a
/// failure here means a mismatched build: it is logged and the build ships none.
fn compiled_clients() -> BuiltInClients {
    BuiltInClients::compiled().unwrap_or_else(|error| {
        tracing::error!(%error, "the built-in clients cannot be used");
        BuiltInClients::default()
    })
}

/// Why the core could not open at all (a database that cannot be opened is not one of these:
/// the window still opens and says so).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the built-in catalogue is invalid: {0}")]
    Catalog(CatalogError),
    #[error("{0}")]
    Overrides(CatalogError),
}

pub struct Core {
    paths: AppPaths,
    catalog: Arc<Catalog>,
    clock: Arc<dyn Clock>,
    events: EventSink,
    overrides: Mutex<OverridesStatus>,
    last_deep_link: Mutex<Option<DeepLinkReceipt>>,
    /// Everything that needs the database, or why it could not be opened.
    services: Result<Services, UserError>,
}

impl Core {
    /// Prepares the data directory (owner-only), opens the database in it and the services
    /// over it. A directory or database that cannot be used leaves the catalogue working and
    /// every service answering why.
    pub fn open(paths: AppPaths, options: CoreOptions) -> Result<Self, OpenError> {
        let database = match paths.prepare() {
            Err(error) => Err(UserError::new(
                ErrorCode::Storage,
                format!("{error}. Check the folder's permissions."),
            )),
            Ok(()) => Database::open(&paths.database_file, options.clock.as_ref())
                .map(|opened| opened.database)
                .map_err(|error| {
                    tracing::error!(%error, "database unavailable");
                    UserError::from(error)
                }),
        };
        Self::with_database(paths, options, database)
    }

    /// As `open`, over a database already opened (or the reason it could not be).
    pub fn with_database(
        paths: AppPaths,
        options: CoreOptions,
        database: Result<Database, UserError>,
    ) -> Result<Self, OpenError> {
        let builtin = Catalog::builtin().map_err(OpenError::Catalog)?;
        let active = match &options.overrides {
            OverridesChoice::AppSetting => catalog_at_start(builtin, database.as_ref().ok()),
            OverridesChoice::File(path) => from_file(load_overrides(&builtin, path))?,
            OverridesChoice::Text { name, text } => from_file(apply_overrides(&builtin, name, text))?,
            OverridesChoice::None => from_file(Ok(crate::catalog::Overridden {
                catalog: builtin,
                credentials: Default::default(),
            }))?,
        };
        let catalog = Arc::new(active.catalog);
        let services = database.map(|database| {
            let context = CoreContext::new(catalog.clone(), database, options.clock.clone());
            let settings = ServiceSettings {
                keyring_slot: options.keyring_slot.clone(),
                sign_in: SignInSettings {
                    browser: options.browser.clone(),
                    callback_timeout: options.callback_timeout,
                    request_policy: options.request_policy.clone(),
                },
                request_policy: options.request_policy.clone(),
                api_policy: options.api_policy.clone(),
                exports_dir: paths.data_dir.join("exports"),
                locks_dir: paths.data_dir.join("locks"),
                model: options.model.clone(),
                built_in_clients: options.built_in_clients.clone(),
            };
            let events = options.events.clone();
            let (to_chat, connection_events) = tokio::sync::mpsc::unbounded_channel();
            let notifier = Notifier::new(move |event| {
                // The assistant hears every change; a closed channel (no chat running) is fine.
                let _ = to_chat.send(event.clone());
                events(AppEvent::from(event))
            });
            let events = options.events.clone();
            let chat = ChatWiring {
                changed: Arc::new(move |conversation| events(AppEvent::ChatChanged { conversation })),
                streamed: {
                    let events = options.events.clone();
                    Arc::new(move |conversation, message, text: &str| {
                        events(AppEvent::ChatStreaming {
                            conversation,
                            message,
                            text: text.to_owned(),
                        })
                    })
                },
                connection_events,
            };
            Services::assemble(context, active.credentials, settings, notifier, chat)
        });
        Ok(Self {
            paths,
            catalog,
            clock: options.clock,
            events: options.events,
            overrides: Mutex::new(active.status),
            last_deep_link: Mutex::new(None),
            services,
        })
    }

    pub fn paths(&self) -> &AppPaths {
        &self.paths
    }

    /// The catalogue of this run, overrides applied.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The services, or why the database could not be opened.
    pub fn services(&self) -> Result<&Services, UserError> {
        self.services.as_ref().map_err(Clone::clone)
    }

    /// Delivers a `switchboard://` link to the sign-in waiting for it (if any), keeps the
    /// receipt for Settings and tells the window.
    pub fn receive_deep_link(&self, url: &[u8]) -> DeepLinkReceipt {
        let nothing_pending = PendingFlows::default();
        let pending = match &self.services {
            Ok(services) => services.sign_ins.pending(),
            Err(_) => &nothing_pending,
        };
        let receipt = receive_deep_link(url, &self.catalog, pending, self.clock.now());
        *lock(&self.last_deep_link) = Some(receipt.clone());
        (self.events)(AppEvent::DeepLinkReceived(receipt.clone()));
        receipt
    }

    /// The overrides file of this run and what became of it.
    pub fn overrides(&self) -> OverridesStatus {
        lock(&self.overrides).clone()
    }

    /// Checks and saves the overrides file chosen in Settings (used from the next start).
    pub fn choose_overrides_file(&self, path: Option<&str>) -> Result<OverridesStatus, UserError> {
        let services = self.services()?;
        let status = choose_overrides_file(&services.context.db(), &self.overrides(), path, self.clock.now())?;
        *lock(&self.overrides) = status.clone();
        Ok(status)
    }

    /// What the Settings page shows; asks the keyring and the desktop, so it may take a moment.
    pub fn settings_overview(&self) -> Result<SettingsOverview, UserError> {
        let services = self.services()?;
        let last_received = lock(&self.last_deep_link).clone();
        let mut overview = settings_overview(
            &self.paths,
            &services.context.db(),
            last_received,
            services.keys.mode(),
            self.overrides(),
            &services.assistant.planner_name(),
        )?;
        overview
            .notices
            .splice(0..0, services.context.session_notices().active());
        Ok(overview)
    }

    /// Whether the window opens on the first-run welcome.
    pub fn should_welcome(&self) -> Result<bool, UserError> {
        Ok(crate::welcome::should_welcome(
            &self.services()?.context.db(),
            self.clock.now(),
        )?)
    }

    /// The person moved past the welcome (connected, or went on without): it stays closed.
    pub fn finish_welcome(&self) -> Result<(), UserError> {
        Ok(crate::welcome::finish_welcome(
            &self.services()?.context.db(),
            self.clock.now(),
        )?)
    }

    /// Messages waiting to be dismissed.
    pub fn notices(&self) -> Result<Vec<Notice>, UserError> {
        let context = &self.services()?.context;
        let mut active = context.session_notices().active();
        active.extend(notices::list_active(context.db().conn())?);
        Ok(active)
    }

    pub fn dismiss_notice(&self, id: i64) -> Result<(), UserError> {
        let context = &self.services()?.context;
        if SessionNotices::owns(id) {
            return match context.session_notices().dismiss(id) {
                true => Ok(()),
                false => Err(DbError::NoticeNotFound(id).into()),
            };
        }
        Ok(notices::dismiss(context.db().conn(), id, self.clock.now())?)
    }
}

/// A file (or no file) given on purpose: it loads, or opening fails.
fn from_file(overridden: Result<crate::catalog::Overridden, CatalogError>) -> Result<ActiveCatalog, OpenError> {
    let overridden = overridden.map_err(OpenError::Overrides)?;
    Ok(ActiveCatalog {
        catalog: overridden.catalog,
        credentials: overridden.credentials,
        status: OverridesStatus {
            file: None,
            source: None,
            error: None,
            next_start: None,
        },
    })
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
