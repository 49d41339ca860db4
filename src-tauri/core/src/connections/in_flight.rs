//! Which connections have a renewal in flight, for their status ("refreshing"): the renewal
//! service marks one for the length of its token request, the store reads the mark.

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard, PoisonError};

#[derive(Default)]
pub struct RenewalsInFlight {
    ids: Mutex<HashSet<i64>>,
}

/// Marks a connection as renewing until dropped.
pub struct Renewing<'a> {
    set: &'a RenewalsInFlight,
    id: i64,
}

impl RenewalsInFlight {
    pub fn contains(&self, id: i64) -> bool {
        self.ids().contains(&id)
    }

    pub(super) fn begin(&self, id: i64) -> Renewing<'_> {
        self.ids().insert(id);
        Renewing { set: self, id }
    }

    fn ids(&self) -> MutexGuard<'_, HashSet<i64>> {
        self.ids.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Renewing<'_> {
    fn drop(&mut self) {
        self.set.ids().remove(&self.id);
    }
}
