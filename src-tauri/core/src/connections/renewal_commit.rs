//! Saving what a renewal brings, so the database never costs a grant (SECURITY.md E18). Before a
//! token request, the start is written durably: a database that refuses writes (another
//! process holding its lock past the busy timeout, a read-only file, a full disk) refuses it,
//! and no refresh token is spent. If the commit still fails after the provider answered, the
//! renewed tokens are kept in memory, sealed, for this session: renewals use them (never the
//! spent refresh token), the process lock stays held so no other process sends that spent
//! token either, the commit is retried with backoff, and the person is told once. A verdict
//! that cannot be stored ("connect it again") is kept the same way.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::error::ConnectionError as Error;
use super::events::Notifier;
use super::owners::{connection_context, SecretOwner};
use super::process_locks::ProcessLock;
use super::saving::split_scopes;
use super::status::expires_at;
use super::store::ConnectionStore;
use super::unsaved::{KeptTokens, UnsavedRenewals};
use super::Connection;
use crate::backoff::Backoff;
use crate::context::CoreContext;
use crate::db::audit;
use crate::db::connections::{self, Refreshed};
use crate::db::notices::NoticeKind;
use crate::db::DbError;
use crate::ids::ConnectionId;
use crate::oauth::token::TokenSet;
use crate::vault::{KeyHolder, MasterKey, SealedForSession, SecretStore, Sensitive};

/// How soon a refused commit is tried again: 5 s, doubling, at most 5 minutes.
const COMMIT_RETRY: Backoff = Backoff {
    base: Duration::from_secs(5),
    cap: Duration::from_secs(5 * 60),
};

pub struct RenewalCommits {
    context: CoreContext,
    keys: Arc<KeyHolder>,
    store: Arc<ConnectionStore>,
    notifier: Notifier,
    unsaved: Arc<UnsavedRenewals>,
    /// Process locks held while a connection's renewed tokens are only in memory.
    leases: Mutex<HashMap<ConnectionId, ProcessLock>>,
}

/// The database refused a write; what it said, as the person reads it.
struct Refused(String);

impl From<DbError> for Refused {
    fn from(error: DbError) -> Self {
        Self(error.to_string())
    }
}

impl RenewalCommits {
    pub fn new(
        context: CoreContext,
        keys: Arc<KeyHolder>,
        store: Arc<ConnectionStore>,
        notifier: Notifier,
        unsaved: Arc<UnsavedRenewals>,
    ) -> Self {
        Self {
            context,
            keys,
            store,
            notifier,
            unsaved,
            leases: Mutex::new(HashMap::new()),
        }
    }

    /// Writes, durably, that a token request is about to go out; refused, nothing is sent.
    pub fn record_start(&self, connection: &Connection) -> Result<(), Error> {
        let now = self.context.now();
        let started = self
            .context
            .db()
            .write_durably(|transaction| connections::record_renewal_started(transaction, connection.id, now));
        match started {
            Ok(true) => {
                if self.unsaved.is_empty() {
                    self.context.session_notices().retire(NoticeKind::StorageRefused);
                }
                Ok(())
            }
            Ok(false) => Err(Error::ConnectionGone),
            Err(error) => {
                self.tell_once(&error.to_string());
                Err(Error::RenewalNotStarted(error))
            }
        }
    }

    /// Tokens renewed earlier in this session that the database has not taken yet.
    pub fn kept(&self, id: ConnectionId) -> Option<KeptTokens> {
        self.unsaved.kept(id)
    }

    /// Opens a kept token (`access_token` or `refresh_token`).
    pub fn open(&self, id: ConnectionId, name: &str, sealed: &SealedForSession) -> Result<Sensitive<String>, Error> {
        let key = self.keys.key()?;
        sealed
            .open(&key, &SecretOwner::Connection(id).key(), name)
            .map_err(|_| Error::RenewalNotSaved("the renewed sign-in kept in memory does not open".into()))
    }

    /// Commits renewed tokens (rotated refresh token first, durably) if nobody wrote since;
    /// when the database refuses them, keeps them. The access token to use now.
    pub fn commit(
        &self,
        connection: &Connection,
        tokens: &TokenSet,
        earlier: Option<KeptTokens>,
    ) -> Result<Sensitive<String>, Error> {
        let key = self.keys.key()?;
        let now = self.context.now();
        let owner = SecretOwner::Connection(connection.id).key();
        let seal = |name: &str, value: &Sensitive<String>| {
            SealedForSession::seal(&key, &owner, name, value).map_err(|error| Error::RenewalNotSaved(error.to_string()))
        };
        let rotated = tokens
            .refresh_token
            .as_ref()
            .map(|token| seal("refresh_token", token))
            .transpose()?;
        let kept = KeptTokens {
            access_token: seal("access_token", &tokens.access_token)?,
            // Not rotated: the one in use stays (kept earlier, or stored).
            refresh_token: rotated.or_else(|| earlier.and_then(|earlier| earlier.refresh_token)),
            replaces_version: connection.health.token_version,
            received_at: now,
            expires_at: expires_at(now, tokens.expires_in),
            scopes: tokens.scope.as_deref().map(split_scopes),
        };
        match self.write(connection, &kept, &key, None) {
            Ok(true) => {
                self.unsaved.saved(connection.id);
                Ok(Sensitive::new(tokens.access_token.expose().clone()))
            }
            // Another writer (a re-authorization) got there first: its token is the one to use.
            Ok(false) => {
                self.unsaved.saved(connection.id);
                self.store.read_access_token(&self.store.get(connection.id)?)
            }
            Err(Refused(problem)) => {
                let tries = self.unsaved.tries(connection.id) + 1;
                self.keep(connection.id, kept, problem, tries);
                Ok(Sensitive::new(tokens.access_token.expose().clone()))
            }
        }
    }

    /// Tries again to save what is kept for `id` (under its renewal locks). `true` when
    /// nothing is kept any more.
    pub fn retry(&self, id: ConnectionId) -> bool {
        let Ok(connection) = self.store.get(id) else {
            self.forget(id); // deleted, or unreadable: nothing to save it into
            return true;
        };
        if let Some(reason) = self.unsaved.kept_verdict(id) {
            return self.mark_or_keep(&connection, "refresh", &reason).is_ok()
                && self.unsaved.kept_verdict(id).is_none();
        }
        let Some(kept) = self.unsaved.kept(id) else {
            return true;
        };
        let key = match self.keys.key() {
            Ok(key) => key,
            Err(_) => return false,
        };
        match self.write(&connection, &kept, &key, Some("saved after the database refused it")) {
            Ok(_) => {
                tracing::info!(connection = %id, "renewed tokens kept in memory are saved");
                self.forget(id);
                self.notifier.changed();
                true
            }
            Err(Refused(problem)) => {
                let tries = self.unsaved.tries(id) + 1;
                self.keep(id, kept, problem, tries);
                false
            }
        }
    }

    /// Marks the connection as needing re-authorization; if the database refuses, the verdict
    /// is kept for the session (its status and use say so) and retried.
    pub fn mark_or_keep(&self, connection: &Connection, operation: &str, reason: &str) -> Result<(), Error> {
        match self.store.mark_needs_reauthorization(connection, operation, reason) {
            Ok(()) => {
                self.forget(connection.id);
                Ok(())
            }
            Err(Error::Database(error)) => {
                let problem = error.to_string();
                tracing::warn!(connection = %connection.id, %problem, "a connection's verdict is kept in memory: the database refused it");
                self.unsaved
                    .keep_verdict(connection.id, reason.to_owned(), problem.clone());
                self.tell_once(&problem);
                self.notifier.changed();
                Ok(())
            }
            Err(other) => Err(other),
        }
    }

    /// Connections with something kept whose retry is due, and the soonest later retry.
    pub fn due(&self) -> (Vec<ConnectionId>, Option<i64>) {
        self.unsaved.due(self.context.now())
    }

    /// Every connection with something kept, whatever its backoff.
    pub fn all_kept(&self) -> Vec<ConnectionId> {
        self.unsaved.due(i64::MAX).0
    }

    /// What is still kept, one sentence per connection (empty when everything is saved).
    pub fn left_unsaved(&self) -> Vec<String> {
        self.unsaved.problems()
    }

    /// The lock another process would need to renew `id`, if this one holds it.
    pub fn take_lease(&self, id: ConnectionId) -> Option<ProcessLock> {
        self.leases().remove(&id)
    }

    /// Keeps holding `lease` while tokens of `id` are only in memory; lets it go otherwise.
    pub fn hold_while_kept(&self, id: ConnectionId, lease: ProcessLock) {
        if self.unsaved.kept(id).is_some() {
            self.leases().insert(id, lease);
        }
    }

    /// Writes kept tokens: `Ok(false)` when the row moved on (its tokens are the newer).
    fn write(
        &self,
        connection: &Connection,
        kept: &KeptTokens,
        key: &MasterKey,
        detail: Option<&str>,
    ) -> Result<bool, Refused> {
        let id = connection.id;
        let owner = SecretOwner::Connection(id).key();
        let opened = |name: &str, sealed: &SealedForSession| {
            sealed
                .open(key, &owner, name)
                .map_err(|error| Refused(error.to_string()))
        };
        let access = opened("access_token", &kept.access_token)?;
        let refresh = kept
            .refresh_token
            .as_ref()
            .map(|sealed| opened("refresh_token", sealed))
            .transpose()?;
        let db = self.context.db();
        let written = db.write_durably(|transaction| -> Result<bool, Refused> {
            let refused = |error: &dyn std::fmt::Display| Refused(error.to_string());
            // (A database error reads as its cause; a sealing error cannot happen with a loaded key.)
            let refreshed = Refreshed {
                version: kept.replaces_version,
                expires_at: kept.expires_at,
                scopes: kept.scopes.as_deref(),
                now: kept.received_at,
            };
            if !connections::record_refreshed(transaction, id, &refreshed).map_err(|e| refused(&e))? {
                return Ok(false);
            }
            let store = SecretStore::new(&db, key);
            let context = connection_context(&connection.provider, &connection.account_id);
            if let Some(rotated) = &refresh {
                store
                    .put(&owner, &context, "refresh_token", rotated, kept.received_at)
                    .map_err(|e| refused(&e))?;
            }
            store
                .put(&owner, &context, "access_token", &access, kept.received_at)
                .map_err(|e| refused(&e))?;
            crate::failpoints::reached(crate::failpoints::BETWEEN_CHANGE_AND_AUDIT);
            let entry = self.store.audit_entry(connection, "refresh", "ok", detail);
            audit::append(transaction, &entry).map_err(|e| refused(&e))?;
            Ok(true)
        });
        written
    }

    fn keep(&self, id: ConnectionId, kept: KeptTokens, problem: String, tries: u32) {
        let wait = i64::try_from(COMMIT_RETRY.after(tries).as_secs()).unwrap_or(i64::MAX);
        let next_try_at = self.context.now().saturating_add(wait);
        tracing::warn!(connection = %id, %problem, tries, "renewed tokens kept in memory: the database refused them");
        self.unsaved.keep_tokens(id, kept, problem.clone(), tries, next_try_at);
        self.tell_once(&problem);
        self.notifier.changed();
    }

    /// Nothing is kept for `id` any more; the notice goes once nothing is kept at all.
    fn forget(&self, id: ConnectionId) {
        self.unsaved.saved(id);
        self.leases().remove(&id);
        if self.unsaved.is_empty() {
            self.context.session_notices().retire(NoticeKind::StorageRefused);
        }
    }

    fn tell_once(&self, problem: &str) {
        let message = format!(
            "Switchboard can't save to its data folder: {problem}. Sign-ins renewed meanwhile are kept in memory until it can; keep Switchboard open."
        );
        let notices = self.context.session_notices();
        if notices.raise_once(NoticeKind::StorageRefused, &message, None, self.context.now()) {
            self.notifier.changed();
        }
    }

    fn leases(&self) -> MutexGuard<'_, HashMap<ConnectionId, ProcessLock>> {
        self.leases.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
