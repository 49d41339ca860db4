//! What every core service reads and none owns: the catalogue of this run, the database handle,
//! the clock and the notices of this session. Cheap to clone; it keeps no state of its own, so
//! services share it without reaching into one another.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};

use crate::catalog::{Catalog, Provider};
use crate::clock::Clock;
use crate::db::Database;
use crate::error::{ErrorCode, UserError};
use crate::session_notices::SessionNotices;

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
    /// Reads that must not wait behind a write (a token read); `None` for in-memory databases.
    reader: Option<Arc<Mutex<Database>>>,
    clock: Arc<dyn Clock>,
    session_notices: Arc<SessionNotices>,
}

impl CoreContext {
    pub fn new(catalog: Arc<Catalog>, database: Database, clock: Arc<dyn Clock>) -> Self {
        let reader = database.open_reader().unwrap_or_else(|error| {
            tracing::warn!(%error, "no separate read connection; reads share the writer's");
            None
        });
        Self {
            catalog,
            reader: reader.map(|reader| Arc::new(Mutex::new(reader))),
            database: Arc::new(Mutex::new(database)),
            clock,
            session_notices: Arc::default(),
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

    /// What the person is told when the database cannot take a notice.
    pub fn session_notices(&self) -> &SessionNotices {
        &self.session_notices
    }

    /// The database for reading: its own connection, so a read never waits for a writer that
    /// waits for another process. It sees what is committed, so read through `db()` inside a
    /// transaction of your own.
    pub fn read(&self) -> MutexGuard<'_, Database> {
        match &self.reader {
            Some(reader) => reader.lock().unwrap_or_else(PoisonError::into_inner),
            None => self.db(),
        }
    }

    /// The database if no other thread is using it, for work that may be skipped.
    pub fn try_db(&self) -> Option<MutexGuard<'_, Database>> {
        match self.database.try_lock() {
            Ok(database) => Some(database),
            Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }

    pub fn provider(&self, id: &str) -> Result<&Provider, UnknownProvider> {
        self.catalog.provider(id).ok_or_else(|| UnknownProvider(id.to_owned()))
    }
}
