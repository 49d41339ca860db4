//! Saving a connection: its row and its sealed secrets in one transaction, so an account is
//! never recorded without its tokens or the other way round. Connecting an account again
//! replaces its secrets (a stale refresh token is not kept beside new tokens). The store calls
//! this; it keeps no state.

use crate::catalog::AuthKind;
use crate::db::connections::{self, ConnectionRecord};
use crate::db::{secrets, Database};
use crate::vault::{KeyOrigin, MasterKey, SecretStore, Sensitive};

use super::error::ConnectionError as Error;
use super::identity::AccountIdentity;
use super::owners::{connection_context, SecretOwner};
use super::Connection;

/// What a finished sign-in or a verified key produced.
pub struct NewConnection<'a> {
    pub provider: &'a str,
    pub products: &'a [String],
    pub auth_kind: AuthKind,
    pub identity: &'a AccountIdentity,
    pub scopes: &'a [String],
    pub expires_at: Option<i64>,
    pub config: serde_json::Value,
    /// Secret name (`access_token`, `refresh_token`, a form field id) to value.
    pub secrets: Vec<(&'a str, &'a Sensitive<String>)>,
}

/// Writes the connection's row and its sealed secrets. Call it inside a transaction (the
/// store's `save`, which also appends the audit row), so all of it is saved or none.
pub fn save_connection(db: &Database, key: &MasterKey, new: &NewConnection<'_>, now: i64) -> Result<Connection, Error> {
    let storage = |error: &dyn std::fmt::Display| Error::NotSaved(error.to_string());
    let products = merged_products(db, new)?;
    let record = ConnectionRecord {
        provider: new.provider,
        products: &products,
        auth_kind: new.auth_kind,
        account_id: &new.identity.id,
        account_label: &new.identity.label,
        scopes: new.scopes,
        expires_at: new.expires_at,
        config: &new.config,
        session_only: key.origin() == KeyOrigin::SessionOnly,
    };
    let id = connections::upsert(db.conn(), &record, now).map_err(|e| storage(&e))?;
    let owner = SecretOwner::Connection(id).key();
    secrets::delete_owner(db.conn(), &owner).map_err(|e| storage(&e))?;
    let context = connection_context(new.provider, &new.identity.id);
    let store = SecretStore::new(db, key);
    for (name, value) in &new.secrets {
        store.put(&owner, &context, name, value, now).map_err(|e| storage(&e))?;
    }
    let saved = connections::get(db.conn(), id)?.ok_or_else(|| storage(&"the saved row could not be read back"))?;
    Ok(Connection::from(saved))
}

/// Connecting an account again for other products keeps the products it had.
fn merged_products(db: &Database, new: &NewConnection<'_>) -> Result<Vec<String>, Error> {
    let mut products = connections::find_account(db.conn(), new.provider, &new.identity.id)?
        .map(|existing| existing.products)
        .unwrap_or_default();
    for product in new.products {
        if !products.contains(product) {
            products.push(product.clone());
        }
    }
    Ok(products)
}

/// What a finished sign-in (browser or device code) names, besides its tokens.
pub struct SignedIn<'a> {
    pub provider: &'a str,
    pub products: &'a [String],
    /// What was asked: stored as granted when the answer does not say (RFC 6749 §5.1).
    pub asked_scopes: &'a [String],
    pub auth_kind: AuthKind,
    pub identity: &'a AccountIdentity,
    pub config: serde_json::Value,
}

/// A token response's `scope` as a list (SECURITY.md B10: what was granted, which may be fewer
/// than asked); space-separated by the RFC, comma-separated by GitHub and Slack.
pub fn split_scopes(scope: &str) -> Vec<String> {
    scope
        .split([' ', ','])
        .filter(|scope| !scope.is_empty())
        .map(str::to_owned)
        .collect()
}
