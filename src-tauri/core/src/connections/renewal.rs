//! Token renewal: a usable access token for a connection, renewed first when due. One flight
//! per connection (an async lock, a lock file shared with other processes on the data folder,
//! a re-read under both, and a compare-and-swap on the token version in an IMMEDIATE
//! transaction), so any number of callers, in any number of processes, cause one token request
//! and all get its result. A rotated refresh token is committed with `synchronous=FULL` before the
//! new access token is handed out; a response without one keeps the old. `invalid_grant` means
//! re-authorization (no retry), `invalid_client` a Settings problem, anything else a retry
//! later while the current token still works. It owns the per-connection locks and nothing else.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OwnedMutexGuard;

use super::client_setup::oauth_config;
use super::error::ConnectionError as Error;
use super::events::Notifier;
use super::in_flight::RenewalsInFlight;
use super::owners::{connection_context, SecretOwner};
use super::process_locks::ProcessLocks;
use super::provider_apps::ProviderApps;
use super::retry_schedule::retry_time;
use super::saving::split_scopes;
use super::status::{expires_at, refresh_due};
use super::store::ConnectionStore;
use super::Connection;
use crate::catalog::AuthKind;
use crate::context::CoreContext;
use crate::db::audit;
use crate::db::connections::{self, Refreshed};
use crate::error::UserError;
use crate::ids::ConnectionId;
use crate::oauth::retry::RequestPolicy;
use crate::oauth::token::{refresh_with, TokenClient, TokenError, TokenSet};
use crate::vault::{KeyHolder, SecretStore, Sensitive};

/// Why a renewal request brought no tokens: a problem here (the keyring, the catalogue), or
/// the provider's answer, which is recorded against the connection.
enum Failed {
    Here(Error),
    AtProvider(TokenError),
}

pub struct TokenRenewal {
    context: CoreContext,
    notifier: Notifier,
    store: Arc<ConnectionStore>,
    apps: Arc<ProviderApps>,
    keys: Arc<KeyHolder>,
    request_policy: RequestPolicy,
    /// One async lock per connection: the single flight of its renewal in this process.
    locks: Mutex<HashMap<ConnectionId, Arc<tokio::sync::Mutex<()>>>>,
    /// And across processes on the same data folder (the app and switchboard-cli).
    process_locks: ProcessLocks,
    /// Connections whose renewal is in flight (their status reads "refreshing").
    renewing: Arc<RenewalsInFlight>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Renewal {
    /// Only if the token is due (another caller may have just renewed it).
    IfDue,
    /// Now, whatever the expiry ("Refresh now").
    Always,
    /// After an API call refused the token of this version (401).
    Refused { version: i64 },
}

impl TokenRenewal {
    pub fn new(
        context: CoreContext,
        store: Arc<ConnectionStore>,
        apps: Arc<ProviderApps>,
        keys: Arc<KeyHolder>,
        request_policy: RequestPolicy,
        renewing: Arc<RenewalsInFlight>,
        notifier: Notifier,
    ) -> Self {
        Self {
            context,
            store,
            apps,
            keys,
            request_policy,
            locks: Mutex::new(HashMap::new()),
            process_locks: ProcessLocks::default(),
            renewing,
            notifier,
        }
    }

    /// Renews each connection one process at a time, with lock files in `dir`.
    pub fn with_process_locks(mut self, dir: PathBuf) -> Self {
        self.process_locks = ProcessLocks::in_dir(dir);
        self
    }

    /// An access token that works now, renewed first if due. Disabled connections and those
    /// needing re-authorization are refused.
    pub async fn access_token(&self, id: ConnectionId) -> Result<Sensitive<String>, Error> {
        let connection = self.store.usable(id)?;
        self.note_use(&connection);
        if !refresh_due(&connection, self.context.now()) {
            return self.store.read_access_token(&connection);
        }
        self.renew(id, Renewal::IfDue).await
    }

    /// Renews if still due, for the scheduler: unlike `access_token`, this is not a use of the
    /// account (its "last used" stays).
    pub async fn renew_if_due(&self, id: ConnectionId) -> Result<(), Error> {
        self.renew(id, Renewal::IfDue).await.map(drop)
    }

    /// Renews now (the "Refresh now" operation) and returns the connection as it stands.
    pub async fn refresh_now(&self, id: ConnectionId) -> Result<Connection, Error> {
        self.renew(id, Renewal::Always).await?;
        self.store.get(id)
    }

    /// An API call answered 401 with the token of `version`: renew once; if that token was
    /// already replaced, use the replacement. A second 401 after this means re-authorization.
    pub async fn after_unauthorized(&self, id: ConnectionId, version: i64) -> Result<Sensitive<String>, Error> {
        self.renew(id, Renewal::Refused { version }).await
    }

    /// Marks the connection as needing re-authorization after its renewed token was refused.
    pub fn refused_after_renewal(&self, id: ConnectionId) -> Result<(), Error> {
        let connection = self.store.get(id)?;
        let reason = format!(
            "{} refused the renewed access; connect the account again.",
            connection.provider
        );
        self.store.mark_needs_reauthorization(&connection, "use", &reason)
    }

    /// Holds off every renewal of the connection until dropped (a deletion in progress).
    pub async fn hold(&self, id: ConnectionId) -> OwnedMutexGuard<()> {
        self.lock_of(id).lock_owned().await
    }

    /// Forgets a deleted connection's lock.
    pub fn forget(&self, id: ConnectionId) {
        self.locks.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
    }

    /// Records when the connection was last used (at most once a minute: it is read often).
    fn note_use(&self, connection: &Connection) {
        let now = self.context.now();
        if connection.last_used_at.is_none_or(|used| now - used >= 60) {
            if let Err(error) = connections::touch(self.context.db().conn(), connection.id, now) {
                tracing::warn!(%error, "could not record when a connection was used");
            }
        }
    }

    fn lock_of(&self, id: ConnectionId) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
        locks.entry(id).or_default().clone()
    }

    async fn renew(&self, id: ConnectionId, mode: Renewal) -> Result<Sensitive<String>, Error> {
        let seen = self.store.usable(id)?.health.token_version;
        let lock = self.lock_of(id);
        let _flight = lock.lock().await;
        let _across_processes = self.process_locks.acquire(id).await?;
        // Re-read: another caller, here or in another process, may have renewed it meanwhile,
        // and its refresh token is then spent: never send it again.
        let connection = self.store.usable(id)?;
        let already_renewed = connection.health.token_version != seen
            || match mode {
                Renewal::IfDue => !refresh_due(&connection, self.context.now()),
                Renewal::Refused { version } => connection.health.token_version != version,
                Renewal::Always => false,
            };
        if already_renewed {
            return self.store.read_access_token(&connection);
        }
        if mode == Renewal::IfDue {
            if let Some(outcome) = self.while_backing_off(&connection) {
                return outcome; // a failed flight just ran: share its verdict, no new request
            }
        }
        let Some(refresh_token) = self.store.read_secret(&connection, "refresh_token")? else {
            return self.without_refresh_token(&connection);
        };
        let answer = {
            let _renewing = self.renewing.begin(id);
            self.notifier.changed(); // the end is announced with the outcome
            self.request_refresh(&connection, &refresh_token).await
        };
        crate::failpoints::reached(crate::failpoints::REFRESH_AFTER_TOKEN_RESPONSE);
        let outcome = match answer {
            Ok(tokens) => self.store_refreshed(&connection, &tokens),
            Err(Failed::AtProvider(error)) => self.refresh_failed(&connection, error),
            Err(Failed::Here(error)) => Err(error),
        };
        self.notifier.changed();
        outcome
    }

    /// A renewal failed and its next try is not due yet (Retry-After or backoff): the current
    /// token while it works, else the last error, and no token request.
    fn while_backing_off(&self, connection: &Connection) -> Option<Result<Sensitive<String>, Error>> {
        let now = self.context.now();
        let health = &connection.health;
        let message = health.last_error.as_deref()?;
        if health.error_is_configuration || health.next_retry_at.is_none_or(|at| at <= now) {
            return None;
        }
        if connection.expires_at.is_none_or(|expires| expires > now) {
            return Some(self.store.read_access_token(connection));
        }
        Some(Err(Error::RenewalPending {
            message: message.to_owned(),
        }))
    }

    /// Tokens that cannot be renewed work until they expire (GitHub OAuth apps, pasted keys).
    fn without_refresh_token(&self, connection: &Connection) -> Result<Sensitive<String>, Error> {
        let expired = connection
            .expires_at
            .is_some_and(|expires| expires <= self.context.now());
        if !expired {
            return self.store.read_access_token(connection);
        }
        let reason = format!(
            "The sign-in to {} expired and cannot be renewed without you; connect it again.",
            connection.provider
        );
        self.store.mark_needs_reauthorization(connection, "refresh", &reason)?;
        Err(Error::NeedsReauthorization { reason })
    }

    async fn request_refresh(
        &self,
        connection: &Connection,
        refresh_token: &Sensitive<String>,
    ) -> Result<TokenSet, Failed> {
        let provider = self
            .context
            .provider(&connection.provider)
            .map_err(|error| Failed::Here(error.into()))?;
        let oauth = oauth_config(provider).map_err(Failed::Here)?;
        let needs_secret = connection.auth_kind == AuthKind::Oauth2;
        let client = match self.apps.oauth_client(provider, None, needs_secret) {
            Ok(client) => client,
            // The keyring, not the client: nothing to record against the provider.
            Err(error @ Error::Key(_)) => return Err(Failed::Here(error)),
            // A client this installation cannot use is refused as the provider would refuse it.
            Err(error) => {
                return Err(Failed::AtProvider(TokenError::InvalidClient {
                    host: provider.name.clone(),
                    description: UserError::from(error).message,
                }))
            }
        };
        let token_client = TokenClient {
            token_url: &oauth.token_url,
            client_id: &client.client_id,
            client_secret: client.client_secret.as_ref(),
            quirk: oauth.token_quirk,
            auth: oauth.token_auth,
        };
        refresh_with(&token_client, refresh_token, &self.request_policy)
            .await
            .map_err(Failed::AtProvider)
    }

    /// Commits the new tokens (rotated refresh token first, durably) if nobody wrote since.
    fn store_refreshed(&self, connection: &Connection, tokens: &TokenSet) -> Result<Sensitive<String>, Error> {
        let now = self.context.now();
        let key = self.keys.key()?;
        let db = self.context.db();
        let storage = |error: &dyn std::fmt::Display| Error::RenewalNotSaved(error.to_string());
        let written = db.write_durably(|transaction| -> Result<bool, Error> {
            let granted: Option<Vec<String>> = tokens.scope.as_deref().map(split_scopes);
            let refreshed = Refreshed {
                version: connection.health.token_version,
                expires_at: expires_at(now, tokens.expires_in),
                scopes: granted.as_deref(),
                now,
            };
            if !connections::record_refreshed(transaction, connection.id, &refreshed)? {
                return Ok(false); // another writer (a re-authorization) got there first
            }
            let store = SecretStore::new(&db, &key);
            let (owner, context) = (
                SecretOwner::Connection(connection.id).key(),
                connection_context(&connection.provider, &connection.account_id),
            );
            if let Some(rotated) = &tokens.refresh_token {
                store
                    .put(&owner, &context, "refresh_token", rotated, now)
                    .map_err(|e| storage(&e))?;
            }
            store
                .put(&owner, &context, "access_token", &tokens.access_token, now)
                .map_err(|e| storage(&e))?;
            crate::failpoints::reached(crate::failpoints::BETWEEN_CHANGE_AND_AUDIT);
            audit::append(transaction, &self.store.audit_entry(connection, "refresh", "ok", None))?;
            Ok(true)
        });
        drop(db);
        let written = written.map_err(|error| match error {
            Error::Database(error) => storage(&error),
            other => other,
        })?;
        if !written {
            return self.store.read_access_token(&self.store.get(connection.id)?);
        }
        Ok(Sensitive::new(tokens.access_token.expose().clone()))
    }

    fn refresh_failed(&self, connection: &Connection, error: TokenError) -> Result<Sensitive<String>, Error> {
        let message = error.to_string();
        match error {
            TokenError::InvalidGrant { .. } => {
                let reason = format!("{message}.");
                self.store.mark_needs_reauthorization(connection, "refresh", &reason)?;
                Err(Error::RenewalRefused { reason })
            }
            TokenError::InvalidClient { .. } => {
                self.store
                    .change_audited(connection, "refresh", "client refused", Some(&message), |db| {
                        Ok(connections::record_refresh_failure(
                            db.conn(),
                            connection.id,
                            &message,
                            true,
                            None,
                        )?)
                    })?;
                Err(Error::ClientRefused(error))
            }
            other => {
                let retry_after = match &other {
                    TokenError::Unavailable { retry_after, .. } => *retry_after,
                    _ => None,
                };
                let next = retry_time(self.context.now(), connection.health.failures, retry_after);
                self.store
                    .change_audited(connection, "refresh", "retrying", Some(&message), |db| {
                        Ok(connections::record_refresh_failure(
                            db.conn(),
                            connection.id,
                            &message,
                            false,
                            Some(next),
                        )?)
                    })?;
                let still_valid = connection.expires_at.is_none_or(|expires| expires > self.context.now());
                if still_valid {
                    self.store.read_access_token(connection)
                } else {
                    Err(Error::RenewalPending { message })
                }
            }
        }
    }
}
