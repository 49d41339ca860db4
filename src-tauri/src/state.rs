//! What the running app holds: its paths, the catalogue (with any overrides file applied, and
//! what became of that file), the
//! database (or why it could not be opened), the connector that connects accounts, the browsing
//! service, and the last deep link received.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use switchboard_core::browser::open_url;
use switchboard_core::catalog::Catalog;
use switchboard_core::clock::{Clock, SystemClock};
use switchboard_core::connections::{Connector, ConnectorConfig};
use switchboard_core::db::{Database, DbError};
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::logging::{init_logging, LogGuard};
use switchboard_core::oauth::DeepLinkReceipt;
use switchboard_core::overrides_setting::{catalog_at_start, choose_overrides_file, OverridesStatus};
use switchboard_core::paths::AppPaths;
use switchboard_core::resources::{ApiPolicy, Resources};
use switchboard_core::vault::KeyringSlot;

use crate::events::EventHub;

pub struct AppState {
    pub paths: AppPaths,
    pub catalog: Catalog,
    database: Result<Arc<Mutex<Database>>, UserError>,
    connector: Result<Arc<Connector>, UserError>,
    resources: Result<Arc<Resources>, UserError>,
    last_deep_link: Mutex<Option<DeepLinkReceipt>>,
    overrides: Mutex<OverridesStatus>,
    _logs: Option<LogGuard>,
}

impl AppState {
    /// Resolves paths, starts logging, reads the catalogue and opens the database. Failures
    /// become the errors commands return, so the window still opens and says what is wrong.
    pub fn start(events: EventHub) -> Self {
        let paths = AppPaths::resolve().unwrap_or_else(|error| fail(&error.to_string()));
        let prepared = paths.prepare();
        let logs = init_logging(prepared.is_ok().then_some(paths.log_dir.as_path()), "info")
            .map_err(|error| eprintln!("switchboard: {error}"))
            .ok();
        tracing::info!(data_dir = %paths.data_dir.display(), "Switchboard starting");
        let builtin =
            Catalog::builtin().unwrap_or_else(|error| fail(&format!("the built-in catalogue is invalid: {error}")));
        let database = match prepared {
            Err(error) => Err(UserError::new(
                ErrorCode::Storage,
                format!("{error}. Check the folder's permissions."),
            )),
            Ok(()) => Database::open(&paths.database_file, &SystemClock)
                .map(|opened| Arc::new(Mutex::new(opened.database)))
                .map_err(|error: DbError| {
                    tracing::error!(%error, "database unavailable");
                    UserError::from(error)
                }),
        };
        let active = {
            let open = database
                .as_ref()
                .ok()
                .map(|database| database.lock().unwrap_or_else(PoisonError::into_inner));
            catalog_at_start(builtin, open.as_deref())
        };
        let (catalog, credentials) = (active.catalog, active.credentials);
        let connector = database.clone().map(|database| {
            let mut config = ConnectorConfig::new(
                catalog.clone(),
                Arc::new(move |event| events.publish(&event)),
                Arc::new(|url: &str| {
                    open_url(url, |url| {
                        tauri_plugin_opener::open_url(url, None::<&str>).map_err(|e| e.to_string())
                    })
                }),
            );
            config.override_credentials = credentials;
            config.keyring_slot = KeyringSlot::for_paths(&paths);
            Connector::new(config, database)
        });
        let resources = connector
            .clone()
            .map(|connector| Arc::new(Resources::new(connector, ApiPolicy::default())));
        Self {
            paths,
            catalog,
            database,
            connector,
            resources,
            last_deep_link: Mutex::new(None),
            overrides: Mutex::new(active.status),
            _logs: logs,
        }
    }

    pub fn database(&self) -> Result<MutexGuard<'_, Database>, UserError> {
        match &self.database {
            Ok(database) => Ok(database.lock().unwrap_or_else(PoisonError::into_inner)),
            Err(error) => Err(error.clone()),
        }
    }

    pub fn connector(&self) -> Result<Arc<Connector>, UserError> {
        self.connector.clone()
    }

    pub fn resources(&self) -> Result<Arc<Resources>, UserError> {
        self.resources.clone()
    }

    pub fn overrides(&self) -> OverridesStatus {
        self.overrides.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Checks and saves the overrides file chosen in Settings (used from the next start).
    pub fn choose_overrides_file(&self, path: Option<&str>) -> Result<OverridesStatus, UserError> {
        let current = self.overrides();
        let status = choose_overrides_file(&*self.database()?, &current, path, SystemClock.now())?;
        *self.overrides.lock().unwrap_or_else(PoisonError::into_inner) = status.clone();
        Ok(status)
    }

    pub fn record_deep_link(&self, receipt: DeepLinkReceipt) {
        *self.last_deep_link.lock().unwrap_or_else(PoisonError::into_inner) = Some(receipt);
    }

    pub fn last_deep_link(&self) -> Option<DeepLinkReceipt> {
        self.last_deep_link
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn fail(message: &str) -> ! {
    tracing::error!(%message, "Switchboard cannot start");
    eprintln!("switchboard: {message}");
    std::process::exit(1);
}
