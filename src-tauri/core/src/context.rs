//! What every core service reads and none owns: the catalogue of this run, the database handle
//! and the clock. Cheap to clone; it keeps no state of its own, so services share it without
//! reaching into one another.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::catalog::{Catalog, Provider};
use crate::clock::Clock;
use crate::db::Database;
use crate::error::{ErrorCode, UserError};

/// A provider id the catalogue does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("There is no provider called “{0}”.")]
pub struct UnknownProvider(pub String);

impl From<UnknownProvider> for UserError {
    fn from(error: UnknownProvider) -> Self {
        UserError::new(ErrorCode::NotFound, error.to_string())
    }
}

#[derive(Clone)]
pub struct CoreContext {
    catalog: Arc<Catalog>,
    database: Arc<Mutex<Database>>,
    clock: Arc<dyn Clock>,
}

impl CoreContext {
    pub fn new(catalog: Arc<Catalog>, database: Database, clock: Arc<dyn Clock>) -> Self {
        Self {
            catalog,
            database: Arc::new(Mutex::new(database)),
            clock,
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// The database, one user at a time. Never hold it across an `.await` or a network call.
    pub fn db(&self) -> MutexGuard<'_, Database> {
        self.database.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn provider(&self, id: &str) -> Result<&Provider, UnknownProvider> {
        self.catalog.provider(id).ok_or_else(|| UnknownProvider(id.to_owned()))
    }
}
