//! Which connections have a renewal in flight, for their status ("refreshing"): the renewal
//! service marks one for the length of its token request, the store reads the mark.

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::ids::ConnectionId;

#[derive(Default)]
pub struct RenewalsInFlight {
    ids: Mutex<HashSet<ConnectionId>>,
}

/// Marks a connection as renewing until dropped.
pub struct Renewing<'a> {
    set: &'a RenewalsInFlight,
    id: ConnectionId,
}

impl RenewalsInFlight {
    pub fn contains(&self, id: ConnectionId) -> bool {
        self.ids().contains(&id)
    }

    pub(super) fn begin(&self, id: ConnectionId) -> Renewing<'_> {
        self.ids().insert(id);
        Renewing { set: self, id }
    }

    fn ids(&self) -> MutexGuard<'_, HashSet<ConnectionId>> {
        self.ids.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Renewing<'_> {
    fn drop(&mut self) {
        self.set.ids().remove(&self.id);
    }
}
