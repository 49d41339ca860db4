//! What the running app holds: its paths, the catalogue, the database (or why it could not be
//! opened), the flows waiting for a callback, and the last deep link received.

use std::sync::{Mutex, MutexGuard, PoisonError};

use switchboard_core::catalog::Catalog;
use switchboard_core::clock::SystemClock;
use switchboard_core::db::{Database, DbError};
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::logging::{init_logging, LogGuard};
use switchboard_core::oauth::{DeepLinkReceipt, PendingFlows};
use switchboard_core::paths::AppPaths;

pub struct AppState {
    pub paths: AppPaths,
    pub catalog: Catalog,
    database: Result<Mutex<Database>, UserError>,
    pub flows: PendingFlows,
    last_deep_link: Mutex<Option<DeepLinkReceipt>>,
    _logs: Option<LogGuard>,
}

impl AppState {
    /// Resolves paths, starts logging and opens the database. Failures become the errors
    /// commands return, so the window still opens and says what is wrong.
    pub fn start() -> Self {
        let paths = AppPaths::resolve().unwrap_or_else(|error| {
            eprintln!("switchboard: {error}");
            std::process::exit(1);
        });
        let prepared = paths.prepare();
        let logs = init_logging(prepared.is_ok().then_some(paths.log_dir.as_path()), "info")
            .map_err(|error| eprintln!("switchboard: {error}"))
            .ok();
        tracing::info!(data_dir = %paths.data_dir.display(), "Switchboard starting");
        let catalog = Catalog::builtin().unwrap_or_else(|error| {
            tracing::error!(%error, "the built-in catalogue is invalid");
            std::process::exit(1);
        });
        let database = match prepared {
            Err(error) => Err(UserError::new(
                ErrorCode::Storage,
                format!("{error}. Check the folder's permissions."),
            )),
            Ok(()) => Database::open(&paths.database_file, &SystemClock)
                .map(|opened| Mutex::new(opened.database))
                .map_err(|error: DbError| {
                    tracing::error!(%error, "database unavailable");
                    UserError::from(error)
                }),
        };
        Self {
            paths,
            catalog,
            database,
            flows: PendingFlows::default(),
            last_deep_link: Mutex::new(None),
            _logs: logs,
        }
    }

    pub fn database(&self) -> Result<MutexGuard<'_, Database>, UserError> {
        match &self.database {
            Ok(database) => Ok(database.lock().unwrap_or_else(PoisonError::into_inner)),
            Err(error) => Err(error.clone()),
        }
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
