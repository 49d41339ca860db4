//! Renewals the database could not take, kept for this session. When the commit of renewed
//! tokens fails (another process holding the write lock past the busy timeout, a read-only
//! file, a full disk), the provider has already spent the old refresh token: the new tokens are
//! kept here, sealed, and used until a retry saves them. Likewise a verdict ("connect it again")
//! that could not be stored. The renewal service writes these; the store reads them, so a
//! connection's status and use say what is true now, not what the file still holds.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{Connection, ConnectionStatus};
use crate::ids::ConnectionId;
use crate::vault::SealedForSession;

/// Renewed tokens the database has not taken yet.
#[derive(Debug, Clone)]
pub struct KeptTokens {
    pub access_token: SealedForSession,
    /// `None`: the provider did not rotate it, and the stored one still works.
    pub refresh_token: Option<SealedForSession>,
    /// The stored token version these replace (the compare-and-swap of their commit).
    pub replaces_version: i64,
    pub received_at: i64,
    pub expires_at: Option<i64>,
    pub scopes: Option<Vec<String>>,
}

impl KeptTokens {
    /// `connection` as its kept tokens make it (their expiry and when they came), if any wait.
    pub fn applied_to(kept: Option<&Self>, connection: &Connection) -> Connection {
        let mut current = connection.clone();
        if let Some(kept) = kept {
            current.expires_at = kept.expires_at;
            current.health.received_at = Some(kept.received_at);
        }
        current
    }
}

#[derive(Debug)]
enum Unsaved {
    Tokens {
        kept: KeptTokens,
        /// Why the database refused them, as the person reads it.
        problem: String,
        /// Failed commits so far, for the backoff.
        tries: u32,
        next_try_at: i64,
    },
    Verdict {
        reason: String,
        problem: String,
    },
}

#[derive(Default)]
pub struct UnsavedRenewals {
    entries: Mutex<HashMap<ConnectionId, Unsaved>>,
}

impl UnsavedRenewals {
    /// What the connection's status is while something of it is unsaved, if anything is.
    pub fn status(&self, id: ConnectionId) -> Option<ConnectionStatus> {
        Some(match self.entries().get(&id)? {
            Unsaved::Tokens {
                problem, next_try_at, ..
            } => ConnectionStatus::Error {
                message: format!(
                    "Renewed, but Switchboard can't save to its data folder ({problem}). The new sign-in is kept until it can."
                ),
                configuration: false,
                next_retry_at: Some(*next_try_at),
            },
            Unsaved::Verdict { reason, problem } => ConnectionStatus::NeedsReauthorization {
                reason: unsaved_verdict(reason, problem),
            },
        })
    }

    /// The reason a connection must be connected again, when that verdict is not stored.
    pub fn verdict(&self, id: ConnectionId) -> Option<String> {
        match self.entries().get(&id)? {
            Unsaved::Verdict { reason, problem } => Some(unsaved_verdict(reason, problem)),
            Unsaved::Tokens { .. } => None,
        }
    }

    /// What is kept and why, one sentence per connection, in connection order.
    pub fn problems(&self) -> Vec<String> {
        let entries = self.entries();
        let mut ids: Vec<&ConnectionId> = entries.keys().collect();
        ids.sort_unstable();
        ids.into_iter()
            .map(|id| match &entries[id] {
                Unsaved::Tokens { problem, .. } => {
                    format!("Connection {id}: its renewed sign-in could not be saved ({problem}).")
                }
                Unsaved::Verdict { reason, problem } => {
                    format!("Connection {id}: {}", unsaved_verdict(reason, problem))
                }
            })
            .collect()
    }

    /// Whether anything is kept (the notice stays while it is).
    pub fn is_empty(&self) -> bool {
        self.entries().is_empty()
    }

    /// The verdict waiting to be stored, in the words it is to be stored with.
    pub(super) fn kept_verdict(&self, id: ConnectionId) -> Option<String> {
        match self.entries().get(&id)? {
            Unsaved::Verdict { reason, .. } => Some(reason.clone()),
            Unsaved::Tokens { .. } => None,
        }
    }

    pub(super) fn kept(&self, id: ConnectionId) -> Option<KeptTokens> {
        match self.entries().get(&id)? {
            Unsaved::Tokens { kept, .. } => Some(kept.clone()),
            Unsaved::Verdict { .. } => None,
        }
    }

    /// Failed commits of what is kept for `id` so far (0 when nothing is).
    pub(super) fn tries(&self, id: ConnectionId) -> u32 {
        match self.entries().get(&id) {
            Some(Unsaved::Tokens { tries, .. }) => *tries,
            _ => 0,
        }
    }

    pub(super) fn keep_tokens(
        &self,
        id: ConnectionId,
        kept: KeptTokens,
        problem: String,
        tries: u32,
        next_try_at: i64,
    ) {
        let entry = Unsaved::Tokens {
            kept,
            problem,
            tries,
            next_try_at,
        };
        self.entries().insert(id, entry);
    }

    pub(super) fn keep_verdict(&self, id: ConnectionId, reason: String, problem: String) {
        self.entries().insert(id, Unsaved::Verdict { reason, problem });
    }

    /// The stored state caught up (or the connection is gone): nothing is kept for `id`.
    pub(super) fn saved(&self, id: ConnectionId) {
        self.entries().remove(&id);
    }

    /// Connections whose kept state is due for another try at `now`, and the soonest later try.
    pub(super) fn due(&self, now: i64) -> (Vec<ConnectionId>, Option<i64>) {
        let mut due = Vec::new();
        let mut soonest: Option<i64> = None;
        for (id, unsaved) in self.entries().iter() {
            match unsaved {
                Unsaved::Tokens { next_try_at, .. } if *next_try_at > now => {
                    soonest = Some(soonest.map_or(*next_try_at, |at| at.min(*next_try_at)));
                }
                _ => due.push(*id),
            }
        }
        due.sort_unstable();
        (due, soonest)
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<ConnectionId, Unsaved>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn unsaved_verdict(reason: &str, problem: &str) -> String {
    format!("{reason} (Switchboard could not save this: {problem}.)")
}
