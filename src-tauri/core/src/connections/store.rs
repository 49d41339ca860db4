//! The connection store: connected accounts as they stand now (each with its status derived at
//! the moment it is read), their sealed secrets, saving a new or renewed one, and the audit line
//! each change leaves. Sign-ins, renewals and operations all go through it; it sends nothing
//! over the network and owns no state but what it is given.

use std::sync::Arc;

use super::error::{unreadable_reason, ConnectionError as Error, KEY_REPLACED_REASON};
use super::events::Notifier;
use super::in_flight::RenewalsInFlight;
use super::owners::{connection_context, SecretOwner};
use super::saving::{save_connection, split_scopes, NewConnection, SignedIn};
use super::unsaved::UnsavedRenewals;
use super::Connection;
use crate::catalog::AuthKind;
use crate::context::CoreContext;
use crate::db::{self, Database, DbError};
use crate::ids::ConnectionId;
use crate::oauth::token::TokenSet;
use crate::vault::VaultError;
use crate::vault::{KeyHolder, SecretStore, Sensitive};

pub struct ConnectionStore {
    context: CoreContext,
    keys: Arc<KeyHolder>,
    renewing: Arc<RenewalsInFlight>,
    /// What renewals could not save: it overrides the stored status and verdict.
    unsaved: Arc<UnsavedRenewals>,
    notifier: Notifier,
}

impl ConnectionStore {
    pub fn new(
        context: CoreContext,
        keys: Arc<KeyHolder>,
        renewing: Arc<RenewalsInFlight>,
        notifier: Notifier,
    ) -> Self {
        Self {
            context,
            keys,
            renewing,
            unsaved: Arc::default(),
            notifier,
        }
    }

    /// What renewals could not save, for the renewal service to keep and this store to read.
    pub fn unsaved(&self) -> Arc<UnsavedRenewals> {
        self.unsaved.clone()
    }

    /// Every connection with its status as of now.
    pub fn list(&self) -> Result<Vec<Connection>, Error> {
        let stored = db::connections::list(self.context.read().conn())?;
        Ok(stored
            .into_iter()
            .map(|row| self.with_status(Connection::from(row)))
            .collect())
    }

    /// One connection with its status as of now.
    pub fn get(&self, id: ConnectionId) -> Result<Connection, Error> {
        let stored = db::connections::get(self.context.read().conn(), id)?;
        let stored = stored.ok_or(Error::ConnectionGone)?;
        Ok(self.with_status(Connection::from(stored)))
    }

    /// The stored connection (its status is not derived: only enabled and the stored verdict
    /// matter here, on every use), refused when disabled or needing re-authorization.
    pub fn usable(&self, id: ConnectionId) -> Result<Connection, Error> {
        let stored = db::connections::get(self.context.read().conn(), id)?;
        let connection: Connection = stored.ok_or(Error::ConnectionGone)?.into();
        if !connection.enabled {
            return Err(Error::Disabled {
                name: display_name(&connection),
            });
        }
        if let Some(reason) = &connection.health.reauthorization_reason {
            return Err(Error::NeedsReauthorization { reason: reason.clone() });
        }
        if let Some(reason) = self.unsaved.verdict(id) {
            return Err(Error::NeedsReauthorization { reason });
        }
        Ok(connection)
    }

    fn with_status(&self, mut connection: Connection) -> Connection {
        let renewing = self.renewing.contains(connection.id);
        let provider = self.context.catalog().provider(&connection.provider);
        connection.status = super::status::evaluate(&connection, provider, self.context.now(), renewing);
        if let Some(unsaved) = self
            .unsaved
            .status(connection.id)
            .filter(|_| connection.enabled && !renewing)
        {
            connection.status = unsaved;
        }
        connection
    }

    /// At start: forget the previous run's session-only connections, then read the key if
    /// the keyring has one (never creating it) and mark connections it cannot open as
    /// needing re-authorization (SECURITY.md E4). A keyring error changes nothing.
    pub fn reconcile_at_start(&self) -> Result<(), Error> {
        let db = self.context.db();
        for id in db::connections::delete_session_only(db.conn())? {
            db::secrets::delete_owner(db.conn(), &SecretOwner::Connection(id).key())?;
            db::action_policies::forget_connection(db.conn(), id)?;
        }
        let key = match self.keys.load_existing() {
            Ok(key) => key,
            Err(error) => {
                tracing::warn!(%error, "keyring unavailable at start; connections left as they are");
                return Ok(());
            }
        };
        let unreadable: Vec<String> = match &key {
            Some(key) => SecretStore::new(&db, key).unreadable_owners().map_err(Error::Vault)?,
            None => db::connections::list(db.conn())?
                .iter()
                .map(|c| SecretOwner::Connection(c.id).key())
                .collect(),
        };
        for connection in db::connections::list(db.conn())? {
            if unreadable.contains(&SecretOwner::Connection(connection.id).key()) {
                db::connections::set_needs_reauthorization(db.conn(), connection.id, KEY_REPLACED_REASON)?;
            }
        }
        Ok(())
    }

    /// The token API calls use: the access token of a sign-in, or a pasted key or token (saved
    /// under its form field's name, the first secret field of the provider's form).
    pub fn read_access_token(&self, connection: &Connection) -> Result<Sensitive<String>, Error> {
        let field = match connection.auth_kind {
            AuthKind::Oauth2 | AuthKind::DeviceCode => None,
            AuthKind::ApiKey | AuthKind::BotToken => self
                .context
                .catalog()
                .provider(&connection.provider)
                .and_then(|provider| provider.credentials.iter().find(|field| field.secret))
                .map(|field| field.id.clone()),
        };
        self.read_secret(connection, field.as_deref().unwrap_or("access_token"))?
            .ok_or(Error::NoSavedSignIn)
    }

    /// One of the connection's secrets (`access_token`, `refresh_token`, a form field), opened.
    /// One that does not open marks the connection as needing re-authorization, with why, in
    /// its status and the audit log (SECURITY.md E13).
    pub fn read_secret(&self, connection: &Connection, name: &str) -> Result<Option<Sensitive<String>>, Error> {
        let key = self.keys.key()?;
        let opened = {
            let db = self.context.read();
            let context = connection_context(&connection.provider, &connection.account_id);
            SecretStore::new(&db, &key).get(&SecretOwner::Connection(connection.id).key(), &context, name)
        };
        match opened {
            Ok(secret) => Ok(secret),
            // The database, not this row: a storage problem, not a new sign-in.
            Err(VaultError::Storage(error)) => Err(Error::Database(error)),
            Err(unreadable) => {
                tracing::warn!(error = %unreadable, name, "a saved secret does not open");
                let reason = unreadable_reason(&unreadable);
                if connection.health.reauthorization_reason.as_deref() != Some(reason) {
                    self.mark_needs_reauthorization(connection, "open saved sign-in", reason)?;
                }
                Err(Error::SecretUnreadable(unreadable))
            }
        }
    }

    /// Saves a new or renewed connection with its audit row, in one transaction.
    pub fn save(&self, new: &NewConnection<'_>) -> Result<Connection, Error> {
        let key = self.keys.key()?;
        let how = match new.auth_kind {
            AuthKind::Oauth2 => "browser sign-in",
            AuthKind::DeviceCode => "device code",
            AuthKind::ApiKey => "key",
            AuthKind::BotToken => "bot token",
        };
        let storage = |error: &dyn std::fmt::Display| Error::NotSaved(error.to_string());
        let db = self.context.db();
        let transaction = db.conn().unchecked_transaction().map_err(|e| storage(&e))?;
        let saved = save_connection(&db, &key, new, self.context.now())?;
        db::audit::append(&transaction, &self.audit_entry(&saved, "connect", "ok", Some(how)))
            .map_err(|e| storage(&e))?;
        transaction.commit().map_err(|e| storage(&e))?;
        drop(db);
        Ok(self.with_status(saved))
    }

    /// Saves a sign-in's access token (and refresh token, when given) for the account it named.
    pub fn save_signed_in(&self, signed_in: SignedIn<'_>, tokens: &TokenSet) -> Result<Connection, Error> {
        let granted = tokens
            .scope
            .as_deref()
            .map_or_else(|| signed_in.asked_scopes.to_vec(), split_scopes);
        let mut secrets = vec![("access_token", &tokens.access_token)];
        if let Some(refresh) = &tokens.refresh_token {
            secrets.push(("refresh_token", refresh));
        }
        self.save(&NewConnection {
            provider: signed_in.provider,
            products: signed_in.products,
            auth_kind: signed_in.auth_kind,
            identity: signed_in.identity,
            scopes: &granted,
            expires_at: super::status::expires_at(self.context.now(), tokens.expires_in),
            config: signed_in.config,
            secrets,
        })
    }

    /// Marks a connection as needing the person to sign in again, with the reason, audits it
    /// and tells the window.
    pub fn mark_needs_reauthorization(
        &self,
        connection: &Connection,
        operation: &str,
        reason: &str,
    ) -> Result<(), Error> {
        self.change_audited(connection, operation, "needs re-authorization", Some(reason), |db| {
            Ok(db::connections::set_needs_reauthorization(
                db.conn(),
                connection.id,
                reason,
            )?)
        })?;
        self.notifier.changed();
        Ok(())
    }

    /// Makes `change` and appends the audit row that records it in one transaction: a change
    /// that cannot be audited is not made, and no kill leaves one without the other
    /// (SECURITY.md E14). `change` writes through the database it is given, inside the
    /// transaction; its error rolls everything back.
    pub fn change_audited<T>(
        &self,
        connection: &Connection,
        operation: &str,
        outcome: &str,
        detail: Option<&str>,
        change: impl FnOnce(&Database) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let db = self.context.db();
        let transaction = db.conn().unchecked_transaction().map_err(DbError::from)?;
        let changed = change(&db)?;
        crate::failpoints::reached(crate::failpoints::BETWEEN_CHANGE_AND_AUDIT);
        db::audit::append(&transaction, &self.audit_entry(connection, operation, outcome, detail))?;
        transaction.commit().map_err(DbError::from)?;
        Ok(changed)
    }

    /// The audit row for `operation` on `connection`, as of now, for a transaction to append.
    pub fn audit_entry<'a>(
        &self,
        connection: &'a Connection,
        operation: &'a str,
        outcome: &'a str,
        detail: Option<&'a str>,
    ) -> db::audit::NewAuditEntry<'a> {
        db::audit::NewAuditEntry {
            at: self.context.now(),
            connection_id: Some(connection.id),
            provider: &connection.provider,
            account_label: &connection.account_label,
            operation,
            outcome,
            detail,
        }
    }

    /// Notes what was asked of a provider (a test, a revocation), which changes nothing here
    /// to roll back: a failure to write it is logged, never fatal to what was already done.
    pub fn audit(&self, connection: &Connection, operation: &str, outcome: &str, detail: Option<&str>) {
        let entry = self.audit_entry(connection, operation, outcome, detail);
        if let Err(error) = db::audit::append(self.context.db().conn(), &entry) {
            tracing::warn!(%error, operation, "could not write the audit log");
        }
    }
}

/// The name a person gave a connection, else its account.
pub fn display_name(connection: &Connection) -> String {
    connection
        .label
        .clone()
        .unwrap_or_else(|| connection.account_label.clone())
}
