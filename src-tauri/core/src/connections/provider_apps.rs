//! Provider apps: the OAuth client each provider signs in with on this installation (the one a
//! person saved in Settings, its secret sealed in the vault, else the overrides file's, else the
//! one this build ships), and the
//! Integrations page's view of which providers are ready to connect. The rules live in
//! `client_setup`; this service holds what they read.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::client_setup::{browser_ready, client_id, resolve_client, save_setup, setup_view, Fallbacks, OAuthClient};
use super::error::ConnectionError as Error;
use super::events::Notifier;
use super::{Connection, ConnectionView, Integration, ProviderSetup, ProviderSetupUpdate};
use crate::catalog::{BuiltInClients, OverrideCredentials, Provider, RedirectKind};
use crate::context::CoreContext;
use crate::db::Database;
use crate::ids::ProviderId;
use crate::vault::KeyHolder;

pub struct ProviderApps {
    context: CoreContext,
    notifier: Notifier,
    keys: Arc<KeyHolder>,
    /// What the overrides file named (kept in memory only).
    override_credentials: BTreeMap<ProviderId, OverrideCredentials>,
    built_in: BuiltInClients,
}

impl ProviderApps {
    pub fn new(
        context: CoreContext,
        keys: Arc<KeyHolder>,
        override_credentials: BTreeMap<ProviderId, OverrideCredentials>,
        built_in: BuiltInClients,
        notifier: Notifier,
    ) -> Self {
        Self {
            context,
            keys,
            override_credentials,
            built_in,
            notifier,
        }
    }

    fn fallbacks(&self, provider: &Provider) -> Fallbacks<'_> {
        Fallbacks {
            overrides: self.override_credentials.get(&provider.id),
            built_in: self.built_in.get(&provider.id),
        }
    }

    /// The client a sign-in, renewal or revocation uses now, its secret opened with the master
    /// key (which this loads, so a keyring problem surfaces here).
    pub fn oauth_client(
        &self,
        provider: &Provider,
        redirect: Option<RedirectKind>,
        needs_secret: bool,
    ) -> Result<OAuthClient, Error> {
        let key = self.keys.key()?;
        let db = self.context.db();
        resolve_client(&db, &key, provider, self.fallbacks(provider), redirect, needs_secret)
    }

    /// Settings' view of a provider's OAuth client.
    pub fn provider_setup(&self, provider: &str) -> Result<ProviderSetup, Error> {
        let provider = self.context.provider(provider)?;
        let db = self.context.db();
        setup_view(&db, provider, self.fallbacks(provider))
    }

    /// Saves a provider's client from Settings (the secret sealed with the master key).
    pub fn save_provider_setup(&self, update: &ProviderSetupUpdate) -> Result<ProviderSetup, Error> {
        let provider = self.context.provider(&update.provider)?;
        let key = match update.client_secret.as_deref().map(str::trim) {
            Some(secret) if !secret.is_empty() => Some(self.keys.key()?),
            _ => None,
        };
        save_setup(&self.context.db(), key.as_deref(), provider, update, self.context.now())?;
        self.notifier.changed();
        self.provider_setup(&update.provider)
    }

    /// Whether `provider` can connect now: pasted keys always can; a sign-in needs a client ID.
    pub fn client_ready(&self, provider: &Provider) -> Result<bool, Error> {
        self.client_ready_in(&self.context.db(), provider)
    }

    fn client_ready_in(&self, db: &Database, provider: &Provider) -> Result<bool, Error> {
        Ok(provider.oauth.is_none() || client_id(db.conn(), provider, self.fallbacks(provider))?.is_some())
    }

    /// Each provider of the catalogue with its connections and whether it can connect now
    /// (pasted keys always can; a sign-in needs a client ID).
    pub fn integrations(&self, connections: &[Connection]) -> Result<Vec<Integration>, Error> {
        let db = self.context.db();
        self.context
            .catalog()
            .providers()
            .iter()
            .map(|provider| {
                // One look at the client per provider; readiness follows from where it came from.
                let fallbacks = self.fallbacks(provider);
                let source = match provider.oauth {
                    Some(_) => client_id(db.conn(), provider, fallbacks)?.map(|(_, source)| source),
                    None => None,
                };
                Ok(Integration {
                    provider: provider.clone(),
                    client_ready: provider.oauth.is_none() || source.is_some(),
                    client_from: source,
                    browser_ready: browser_ready(&db, provider, source, fallbacks)?,
                    connections: connections
                        .iter()
                        .filter(|c| c.provider == provider.id)
                        .map(ConnectionView::from)
                        .collect(),
                })
            })
            .collect()
    }
}
