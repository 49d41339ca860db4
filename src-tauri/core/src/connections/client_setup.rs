//! A provider's OAuth client as this installation knows it: the client ID and redirect choice a
//! person saved in Settings (the secret sealed in the vault), else what the overrides file
//! named, else the client this build ships. Also the Settings view of it: the redirect URIs to
//! register, the scopes, the guide.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::error::ConnectionError as Error;
use crate::catalog::{ClientSecret, OAuthConfig, OverrideCredentials, Provider, RedirectKind, ShippedClient};
use crate::db::provider_settings::{self, ProviderSettings};
use crate::db::Database;
use crate::ids::ProviderId;
use crate::vault::{MasterKey, SecretStore, Sensitive};

use super::owners::SecretOwner;

const CLIENT_SECRET: &str = "client_secret";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ClientIdSource {
    /// The person's own app, saved in Settings.
    Settings,
    /// The overrides file's.
    Overrides,
    /// The client this build ships.
    BuiltIn,
}

/// The clients a provider falls back on when no app of the person's is saved in Settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fallbacks<'a> {
    pub overrides: Option<&'a OverrideCredentials>,
    pub built_in: Option<&'a ShippedClient>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProductScopes {
    /// A product id, or "" for the scopes the provider itself needs (identity, offline access).
    pub product: String,
    pub scopes: Vec<String>,
}

/// What Settings shows for one OAuth provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSetup {
    pub provider: ProviderId,
    pub client_id: Option<String>,
    pub client_id_from: Option<ClientIdSource>,
    /// This build ships a client for the provider (used when no app of the person's is saved).
    pub built_in: bool,
    pub has_client_secret: bool,
    pub client_secret_required: bool,
    pub redirect_kinds: Vec<RedirectKind>,
    pub redirect: RedirectKind,
    /// What to register with the provider, one per allowed redirect kind.
    pub redirect_uris: Vec<String>,
    pub setup_url: String,
    pub scopes: Vec<ProductScopes>,
}

/// What Settings saves. Its Debug says whether a secret came, never what it is.
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSetupUpdate {
    pub provider: ProviderId,
    pub client_id: String,
    /// `None` keeps the stored secret; an empty string removes it.
    pub client_secret: Option<String>,
    pub redirect: RedirectKind,
}

impl std::fmt::Debug for ProviderSetupUpdate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderSetupUpdate")
            .field("provider", &self.provider)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "<redacted>"))
            .field("redirect", &self.redirect)
            .finish()
    }
}

/// The client a sign-in uses.
#[derive(Debug)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: Option<Sensitive<String>>,
    pub redirect: RedirectKind,
}

pub fn oauth_config(provider: &Provider) -> Result<&OAuthConfig, Error> {
    provider.oauth.as_ref().ok_or_else(|| Error::PastedKeyProvider {
        provider: provider.name.clone(),
    })
}

/// The client ID without touching the vault: enough to say whether a sign-in can start.
pub fn client_id(
    conn: &rusqlite::Connection,
    provider: &Provider,
    fallbacks: Fallbacks<'_>,
) -> Result<Option<(String, ClientIdSource)>, Error> {
    let saved = provider_settings::get(conn, &provider.id)?;
    let overridden = fallbacks.overrides.and_then(|o| o.client_id.clone());
    let built_in = fallbacks.built_in.map(|client| client.client_id.clone());
    Ok(match (saved.client_id, overridden, built_in) {
        (Some(id), _, _) if !id.is_empty() => Some((id, ClientIdSource::Settings)),
        (_, Some(id), _) => Some((id, ClientIdSource::Overrides)),
        (_, _, Some(id)) => Some((id, ClientIdSource::BuiltIn)),
        _ => None,
    })
}

/// Whether a browser sign-in can start with the client from `source` (what `client_id` found):
/// a client ID, and the secret where the provider asks for one (GitHub's built-in client is
/// public: it signs in with the device flow instead).
pub fn browser_ready(
    db: &Database,
    provider: &Provider,
    source: Option<ClientIdSource>,
    fallbacks: Fallbacks<'_>,
) -> Result<bool, Error> {
    let (Some(oauth), Some(source)) = (provider.oauth.as_ref(), source) else {
        return Ok(false);
    };
    Ok(oauth.client_secret == ClientSecret::None || has_secret(db, provider, source, fallbacks)?)
}

/// Whether the client in use from `source` has a secret, without opening the vault.
fn has_secret(
    db: &Database,
    provider: &Provider,
    source: ClientIdSource,
    fallbacks: Fallbacks<'_>,
) -> Result<bool, Error> {
    Ok(match source {
        ClientIdSource::BuiltIn => fallbacks.built_in.is_some_and(|client| client.client_secret.is_some()),
        ClientIdSource::Settings | ClientIdSource::Overrides => {
            crate::db::secrets::get(db.conn(), &SecretOwner::ProviderApp(&provider.id).key(), CLIENT_SECRET)?.is_some()
                || fallbacks.overrides.is_some_and(|o| o.client_secret.is_some())
        }
    })
}

/// Everything a sign-in needs from the client configuration, or `NotConfigured` saying what
/// is missing and where to set it.
pub fn resolve_client(
    db: &Database,
    key: &MasterKey,
    provider: &Provider,
    fallbacks: Fallbacks<'_>,
    requested: Option<RedirectKind>,
    needs_secret: bool,
) -> Result<OAuthClient, Error> {
    let oauth = oauth_config(provider)?;
    let not_configured = |what: &'static str| Error::NotConfigured {
        provider: provider.name.clone(),
        what,
        setup_url: oauth.setup_url.clone(),
    };
    let (client_id, source) =
        client_id(db.conn(), provider, fallbacks)?.ok_or_else(|| not_configured("a client ID"))?;
    let copy = |secret: &Sensitive<String>| Sensitive::new(secret.expose().clone());
    let client_secret = if source == ClientIdSource::BuiltIn {
        // The built-in client's own secret, never one saved for another app.
        fallbacks
            .built_in
            .and_then(|client| client.client_secret.as_ref())
            .map(copy)
    } else {
        let stored = SecretStore::new(db, key).get(&SecretOwner::ProviderApp(&provider.id).key(), "", CLIENT_SECRET);
        let stored = stored.map_err(Error::ClientSecretUnreadable)?;
        // A secret saved in Settings first, else the overrides file's (which may go with either ID).
        stored.or_else(|| fallbacks.overrides.and_then(|o| o.client_secret.as_ref()).map(copy))
    };
    if needs_secret && oauth.client_secret == ClientSecret::Required && client_secret.is_none() {
        return Err(not_configured("a client secret"));
    }
    let saved = provider_settings::get(db.conn(), &provider.id)?;
    let redirect = requested
        .or_else(|| saved.redirect.as_deref().and_then(parse_redirect))
        .filter(|kind| oauth.redirect.contains(kind))
        .unwrap_or(oauth.redirect[0]);
    Ok(OAuthClient {
        client_id,
        client_secret,
        redirect,
    })
}

pub fn setup_view(db: &Database, provider: &Provider, fallbacks: Fallbacks<'_>) -> Result<ProviderSetup, Error> {
    let oauth = oauth_config(provider)?;
    let found = client_id(db.conn(), provider, fallbacks)?;
    let saved = provider_settings::get(db.conn(), &provider.id)?;
    let in_use = found.as_ref().map_or(ClientIdSource::Settings, |(_, source)| *source);
    let has_secret = has_secret(db, provider, in_use, fallbacks)?;
    Ok(ProviderSetup {
        provider: provider.id.clone(),
        client_id: found.as_ref().map(|(id, _)| id.clone()),
        client_id_from: found.map(|(_, source)| source),
        built_in: fallbacks.built_in.is_some(),
        has_client_secret: has_secret,
        client_secret_required: oauth.client_secret == ClientSecret::Required,
        redirect_kinds: oauth.redirect.clone(),
        redirect: saved
            .redirect
            .as_deref()
            .and_then(parse_redirect)
            .filter(|kind| oauth.redirect.contains(kind))
            .unwrap_or(oauth.redirect[0]),
        redirect_uris: oauth
            .redirect
            .iter()
            .map(|kind| redirect_uri_to_register(*kind, &provider.id))
            .collect(),
        setup_url: oauth.setup_url.clone(),
        scopes: scope_list(provider, oauth),
    })
}

/// The provider's own scopes (as product "") and then each product's, each listed once.
fn scope_list(provider: &Provider, oauth: &OAuthConfig) -> Vec<ProductScopes> {
    let own = (!oauth.scopes.is_empty()).then(|| ProductScopes {
        product: String::new(),
        scopes: oauth.scopes.clone(),
    });
    let products = provider
        .products
        .iter()
        .filter(|product| !product.scopes.is_empty())
        .map(|product| ProductScopes {
            product: product.id.clone(),
            scopes: product.scopes.clone(),
        });
    own.into_iter().chain(products).collect()
}

/// Saves what Settings sent; the secret goes to the vault, never to plain settings.
pub fn save_setup(
    db: &Database,
    key: Option<&MasterKey>,
    provider: &Provider,
    update: &ProviderSetupUpdate,
    now: i64,
) -> Result<(), Error> {
    let oauth = oauth_config(provider)?;
    let client_id = update.client_id.trim();
    if client_id.len() > 512 || client_id.chars().any(char::is_control) {
        return Err(Error::InvalidClientId);
    }
    if !oauth.redirect.contains(&update.redirect) {
        return Err(Error::UnsupportedRedirect {
            provider: provider.name.clone(),
        });
    }
    let settings = ProviderSettings {
        client_id: (!client_id.is_empty()).then(|| client_id.to_owned()),
        redirect: Some(redirect_name(update.redirect).to_owned()),
    };
    provider_settings::save(db.conn(), &provider.id, &settings, now)?;
    match update.client_secret.as_deref().map(str::trim) {
        None => Ok(()),
        Some("") => {
            crate::db::secrets::delete_owner(db.conn(), &SecretOwner::ProviderApp(&provider.id).key())?;
            Ok(())
        }
        Some(secret) => {
            let key = key.ok_or(Error::KeyNeededForSecret)?;
            SecretStore::new(db, key)
                .put(
                    &SecretOwner::ProviderApp(&provider.id).key(),
                    "",
                    CLIENT_SECRET,
                    &Sensitive::new(secret.to_owned()),
                    now,
                )
                .map_err(Error::Vault)
        }
    }
}

/// The redirect URI a person registers: loopback without a port (RFC 8252 §7.3: any port).
pub fn redirect_uri_to_register(kind: RedirectKind, provider: &str) -> String {
    match kind {
        RedirectKind::Loopback => format!("http://127.0.0.1/callback/{provider}"),
        RedirectKind::DeepLink => format!("{}://oauth/callback/{provider}", crate::DEEP_LINK_SCHEME),
    }
}

fn parse_redirect(name: &str) -> Option<RedirectKind> {
    match name {
        "loopback" => Some(RedirectKind::Loopback),
        "deep_link" => Some(RedirectKind::DeepLink),
        _ => None,
    }
}

fn redirect_name(kind: RedirectKind) -> &'static str {
    match kind {
        RedirectKind::Loopback => "loopback",
        RedirectKind::DeepLink => "deep_link",
    }
}
