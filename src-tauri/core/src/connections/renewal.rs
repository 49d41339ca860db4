//! Token renewal: a usable access token for a connection, renewed first when due. One flight
//! per connection (an async lock, a lock file shared with other processes on the data folder,
//! a re-read under both, and a compare-and-swap on the token version in an IMMEDIATE
//! transaction), so any number of callers, in any number of processes, cause one token request
//! and all get its result. The request goes out only after the database took a write, and what
//! it brings is committed (rotated refresh token first, `synchronous=FULL`) or, if the database
//! refuses it, kept in memory and used until it is saved (`renewal_commit`). `invalid_grant`
//! means re-authorization (no retry), `invalid_client` a Settings problem, anything else a
//! retry later while the current token still works. It owns the per-connection locks and the
//! commits of what renewals bring.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OwnedMutexGuard;

mod saving_kept;

use super::client_setup::oauth_config;
use super::error::ConnectionError as Error;
use super::events::Notifier;
use super::in_flight::RenewalsInFlight;
use super::process_locks::ProcessLocks;
use super::provider_apps::ProviderApps;
use super::renewal_commit::RenewalCommits;
use super::retry_schedule::retry_time;
use super::status::refresh_due;
use super::store::ConnectionStore;
use super::unsaved::KeptTokens;
use super::Connection;
use crate::catalog::AuthKind;
use crate::context::CoreContext;
use crate::db::connections;
use crate::error::UserError;
use crate::ids::ConnectionId;
use crate::oauth::retry::RequestPolicy;
use crate::oauth::token::{refresh_with, TokenClient, TokenError, TokenSet};
use crate::vault::{KeyHolder, Sensitive};

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
    request_policy: RequestPolicy,
    /// One async lock per connection: the single flight of its renewal in this process.
    locks: Mutex<HashMap<ConnectionId, Arc<tokio::sync::Mutex<()>>>>,
    /// And across processes on the same data folder (the app and switchboard-cli).
    process_locks: ProcessLocks,
    /// Connections whose renewal is in flight (their status reads "refreshing").
    renewing: Arc<RenewalsInFlight>,
    /// Saving what renewals bring, or keeping it while the database refuses.
    commits: RenewalCommits,
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
        let commits = RenewalCommits::new(context.clone(), keys, store.clone(), notifier.clone(), store.unsaved());
        Self {
            context,
            store,
            apps,
            request_policy,
            locks: Mutex::new(HashMap::new()),
            process_locks: ProcessLocks::default(),
            renewing,
            notifier,
            commits,
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
        let kept = self.commits.kept(id);
        if !refresh_due(&KeptTokens::applied_to(kept.as_ref(), &connection), self.context.now()) {
            return self.current_token(&connection, kept.as_ref());
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
        self.commits.mark_or_keep(&connection, "use", &reason)
    }

    /// Holds off every renewal of the connection until dropped (a deletion in progress).
    pub async fn hold(&self, id: ConnectionId) -> OwnedMutexGuard<()> {
        self.lock_of(id).lock_owned().await
    }

    /// Forgets a deleted connection's lock.
    pub fn forget(&self, id: ConnectionId) {
        self.locks.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
    }

    /// Records when the connection was last used (at most once a minute: it is read often),
    /// never making the token read wait: a database in use elsewhere skips the note.
    fn note_use(&self, connection: &Connection) {
        let now = self.context.now();
        if connection.last_used_at.is_some_and(|used| now - used < 60) {
            return;
        }
        let Some(db) = self.context.try_db() else {
            return; // another thread holds the database; the next use notes it
        };
        if let Err(error) = db.write_without_waiting(|conn| connections::touch(conn, connection.id, now)) {
            tracing::debug!(%error, "did not record when a connection was used");
        }
    }

    /// The token in use: renewed earlier and kept in memory, or stored.
    fn current_token(&self, connection: &Connection, kept: Option<&KeptTokens>) -> Result<Sensitive<String>, Error> {
        match kept {
            Some(kept) => self.commits.open(connection.id, "access_token", &kept.access_token),
            None => self.store.read_access_token(connection),
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
        // Held already if this process keeps tokens of it that are not saved yet.
        let lease = match self.commits.take_lease(id) {
            Some(lease) => lease,
            None => self.process_locks.acquire(id).await?,
        };
        let outcome = self.renew_holding_locks(id, seen, mode).await;
        self.commits.hold_while_kept(id, lease);
        outcome
    }

    async fn renew_holding_locks(
        &self,
        id: ConnectionId,
        seen: i64,
        mode: Renewal,
    ) -> Result<Sensitive<String>, Error> {
        if self.commits.due().0.contains(&id) {
            self.commits.retry(id); // kept tokens first: saved now, they are the current ones
        }
        // Re-read: another caller, here or in another process, may have renewed it meanwhile,
        // and its refresh token is then spent: never send it again.
        let connection = self.store.usable(id)?;
        let kept = self.commits.kept(id);
        let current = KeptTokens::applied_to(kept.as_ref(), &connection);
        let already_renewed = connection.health.token_version != seen
            || match mode {
                Renewal::IfDue => !refresh_due(&current, self.context.now()),
                Renewal::Refused { version } => connection.health.token_version != version,
                Renewal::Always => false,
            };
        if already_renewed {
            return self.current_token(&connection, kept.as_ref());
        }
        if mode == Renewal::IfDue {
            if let Some(outcome) = self.while_backing_off(&current, kept.as_ref()) {
                return outcome; // a failed flight just ran: share its verdict, no new request
            }
        }
        let refresh_token = match kept.as_ref().and_then(|kept| kept.refresh_token.as_ref()) {
            Some(sealed) => Some(self.commits.open(id, "refresh_token", sealed)?),
            None => self.store.read_secret(&connection, "refresh_token")?,
        };
        let Some(refresh_token) = refresh_token else {
            return self.without_refresh_token(&current, kept.as_ref());
        };
        // Tokens kept in memory are already only here: renewing them loses nothing more.
        if kept.is_none() {
            if let Err(error) = self.commits.record_start(&connection) {
                let still_valid = current.expires_at.is_none_or(|expires| expires > self.context.now());
                if mode == Renewal::IfDue && still_valid && !matches!(error, Error::ConnectionGone) {
                    tracing::warn!(connection = %id, %error, "renewal put off: the database refuses writes");
                    return self.current_token(&connection, None);
                }
                return Err(error);
            }
        }
        let answer = {
            let _renewing = self.renewing.begin(id);
            self.notifier.changed(); // the end is announced with the outcome
            self.request_refresh(&connection, &refresh_token).await
        };
        crate::failpoints::reached(crate::failpoints::REFRESH_AFTER_TOKEN_RESPONSE);
        let outcome = match answer {
            Ok(tokens) => self.commits.commit(&connection, &tokens, kept),
            Err(Failed::AtProvider(error)) => self.refresh_failed(&current, kept.as_ref(), error),
            Err(Failed::Here(error)) => Err(error),
        };
        self.notifier.changed();
        outcome
    }

    /// A renewal failed and its next try is not due yet (Retry-After or backoff): the current
    /// token while it works, else the last error, and no token request.
    fn while_backing_off(
        &self,
        connection: &Connection,
        kept: Option<&KeptTokens>,
    ) -> Option<Result<Sensitive<String>, Error>> {
        let now = self.context.now();
        let health = &connection.health;
        let message = health.last_error.as_deref()?;
        if health.error_is_configuration || health.next_retry_at.is_none_or(|at| at <= now) {
            return None;
        }
        if connection.expires_at.is_none_or(|expires| expires > now) {
            return Some(self.current_token(connection, kept));
        }
        Some(Err(Error::RenewalPending {
            message: message.to_owned(),
        }))
    }

    /// Tokens that cannot be renewed work until they expire (GitHub OAuth apps, pasted keys).
    fn without_refresh_token(
        &self,
        connection: &Connection,
        kept: Option<&KeptTokens>,
    ) -> Result<Sensitive<String>, Error> {
        let expired = connection
            .expires_at
            .is_some_and(|expires| expires <= self.context.now());
        if !expired {
            return self.current_token(connection, kept);
        }
        let reason = format!(
            "The sign-in to {} expired and cannot be renewed without you; connect it again.",
            connection.provider
        );
        self.commits.mark_or_keep(connection, "refresh", &reason)?;
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

    fn refresh_failed(
        &self,
        connection: &Connection,
        kept: Option<&KeptTokens>,
        error: TokenError,
    ) -> Result<Sensitive<String>, Error> {
        let message = error.to_string();
        match error {
            TokenError::InvalidGrant { .. } => {
                let reason = format!("{message}.");
                self.commits.mark_or_keep(connection, "refresh", &reason)?;
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
                    self.current_token(connection, kept)
                } else {
                    Err(Error::RenewalPending { message })
                }
            }
        }
    }
}
