//! How a connection's key or token goes on a request to its provider: as a bearer token, in the
//! URL path (Telegram's bot API), with Supabase's `apikey` header besides the bearer, or as HTTP
//! Basic with the account's email (Atlassian's API tokens). One place, used to verify a pasted
//! key, to browse and to act. Also where such a token's one site is (`KeySite`).

use std::collections::BTreeMap;

use reqwest::RequestBuilder;

use crate::catalog::{AuthKind, CredentialPlacement, IdentityRequest, Provider};
use crate::sensitive::Sensitive;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestAuth<'a> {
    placement: CredentialPlacement,
    /// The user name of a Basic credential.
    basic_user: &'a str,
}

impl<'a> RequestAuth<'a> {
    /// For a saved connection made the `auth` way, whose non-secret settings are `config`.
    pub fn of(provider: &Provider, auth: AuthKind, config: &'a serde_json::Value) -> Self {
        let identity = provider.identity_for(auth);
        let user_field = identity.and_then(|identity| identity.basic_user.as_deref());
        Self {
            placement: identity.map(|identity| identity.placement).unwrap_or_default(),
            basic_user: user_field
                .and_then(|field| config.get(field))
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default(),
        }
    }

    /// For verifying a key, with the form's non-secret `fields`.
    pub fn for_identity(request: &IdentityRequest, fields: &'a BTreeMap<String, String>) -> Self {
        Self {
            placement: request.placement,
            basic_user: request
                .basic_user
                .as_deref()
                .and_then(|field| fields.get(field))
                .map(String::as_str)
                .unwrap_or_default(),
        }
    }

    /// The token goes in the URL (its `{token}` slot), not in a header.
    pub fn in_path(&self) -> bool {
        self.placement == CredentialPlacement::Path
    }

    /// `request` with the token in its headers (nothing for a token in the path).
    pub fn apply(&self, request: RequestBuilder, token: &Sensitive<String>) -> RequestBuilder {
        match self.placement {
            CredentialPlacement::Bearer => request.bearer_auth(token.expose()),
            CredentialPlacement::Path => request,
            CredentialPlacement::ApiKeyHeader => request.header("apikey", token.expose()).bearer_auth(token.expose()),
            CredentialPlacement::Basic => request.basic_auth(self.basic_user, Some(token.expose())),
        }
    }

    /// How an approval names the credential: the header it goes in, or none when it goes in
    /// the URL (whose `{token}` slot already says where).
    pub fn shown(&self) -> Option<&'static str> {
        match self.placement {
            CredentialPlacement::Path => None,
            CredentialPlacement::ApiKeyHeader => Some("Bearer key (and the apikey header)"),
            CredentialPlacement::Basic => Some("Basic (your email and API token)"),
            CredentialPlacement::Bearer => Some("Bearer token"),
        }
    }
}

/// The one site an API token reaches, as connecting recorded it (`config.site`, its cloud id, and
/// `config.site_url`): requests go to the site itself, not through the provider's gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySite<'a> {
    pub id: &'a str,
    pub url: &'a str,
}

impl<'a> KeySite<'a> {
    /// The site of a connection made with a site URL, or `None` (signed in: the gateway).
    pub fn of(config: &'a serde_json::Value) -> Option<Self> {
        let text = |key: &str| config.get(key).and_then(serde_json::Value::as_str);
        Some(Self {
            id: text("site")?,
            url: text("site_url")?,
        })
    }
}
