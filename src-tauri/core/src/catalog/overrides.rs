//! The overrides file: a TOML file that points a provider's endpoints, API base URL and client
//! credentials elsewhere (tests on loopback, GitHub Enterprise, self-hosted instances). Read
//! strictly (unknown keys and providers are errors naming them) and applied on top of the
//! built-in catalogue, which is then validated again. It does no I/O beyond reading the file.
//!
//! ```toml
//! [providers.github]
//! client_id = "Iv1.0123"
//! client_secret = "…"                      # kept in memory, never written anywhere
//! api_base_url = "https://github.example.com/api/v3"
//! api_bases = { sheets = "http://127.0.0.1:9000/sheets" }   # named bases (Google's Sheets)
//! identity_url = "https://github.example.com/api/v3/user"   # also sites_url (Atlassian)
//! [providers.github.oauth]
//! authorize_url = "https://github.example.com/login/oauth/authorize"
//! token_url = "https://github.example.com/login/oauth/access_token"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{Catalog, CatalogError, RedirectKind};
use crate::ids::ProviderId;
use crate::sensitive::Sensitive;

/// The environment variable naming an overrides file for the app.
pub const OVERRIDES_ENV: &str = "SWITCHBOARD_OVERRIDES";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverridesFile {
    #[serde(default)]
    providers: BTreeMap<String, ProviderOverride>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderOverride {
    client_id: Option<String>,
    client_secret: Option<Sensitive<String>>,
    api_base_url: Option<String>,
    /// Replaces the named bases it lists (`sheets = "…"`), keeping the others.
    #[serde(default)]
    api_bases: BTreeMap<String, String>,
    #[serde(default)]
    oauth: OAuthOverride,
    identity_url: Option<String>,
    sites_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OAuthOverride {
    authorize_url: Option<String>,
    token_url: Option<String>,
    revocation_url: Option<String>,
    issuer: Option<String>,
    device_authorization_url: Option<String>,
    scopes: Option<Vec<String>>,
    redirect: Option<Vec<RedirectKind>>,
    extra_params: Option<BTreeMap<String, String>>,
}

/// Client credentials that came from an overrides file.
#[derive(Debug, Default)]
pub struct OverrideCredentials {
    pub client_id: Option<String>,
    pub client_secret: Option<Sensitive<String>>,
}

/// The catalogue with the file applied, and the client credentials it named.
#[derive(Debug)]
pub struct Overridden {
    pub catalog: Catalog,
    pub credentials: BTreeMap<ProviderId, OverrideCredentials>,
}

/// Reads `path` and applies it to `catalog`.
pub fn load_overrides(catalog: &Catalog, path: &Path) -> Result<Overridden, CatalogError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| CatalogError::Parse {
        file: file.clone(),
        message: format!("could not read the overrides file: {error}"),
    })?;
    apply_overrides(catalog, &file, &text)
}

/// Applies overrides given as TOML text (`file` names it in errors).
pub fn apply_overrides(catalog: &Catalog, file: &str, text: &str) -> Result<Overridden, CatalogError> {
    let parsed: OverridesFile = toml::from_str(text).map_err(|error| CatalogError::Parse {
        file: file.to_owned(),
        message: error.to_string(),
    })?;
    let invalid = |message: String| CatalogError::Invalid {
        file: file.to_owned(),
        message,
    };
    let mut providers = catalog.providers().to_vec();
    let mut credentials = BTreeMap::new();
    for (id, change) in parsed.providers {
        let provider = providers
            .iter_mut()
            .find(|provider| provider.id == id.as_str())
            .ok_or_else(|| invalid(format!("providers.{id}: no such provider in the catalogue")))?;
        if let Some(url) = change.api_base_url {
            provider.api_base_url = url;
        }
        for (name, url) in change.api_bases {
            if !provider.api_bases.contains_key(&name) {
                return Err(invalid(format!("providers.{id}.api_bases.{name}: no such API base")));
            }
            provider.api_bases.insert(name, url);
        }
        if let Some(identity) = provider.identity.as_mut() {
            replace(&mut identity.url, change.identity_url);
            if change.sites_url.is_some() {
                identity.sites_url = change.sites_url;
            }
        }
        let oauth_change = change.oauth;
        if let Some(oauth) = provider.oauth.as_mut() {
            replace(&mut oauth.authorize_url, oauth_change.authorize_url);
            replace(&mut oauth.token_url, oauth_change.token_url);
            replace(&mut oauth.scopes, oauth_change.scopes);
            replace(&mut oauth.redirect, oauth_change.redirect);
            replace(&mut oauth.extra_params, oauth_change.extra_params);
            for (slot, value) in [
                (&mut oauth.revocation_url, oauth_change.revocation_url),
                (&mut oauth.issuer, oauth_change.issuer),
                (
                    &mut oauth.device_authorization_url,
                    oauth_change.device_authorization_url,
                ),
            ] {
                if value.is_some() {
                    *slot = value;
                }
            }
        } else if change.client_id.is_some() || oauth_change.authorize_url.is_some() {
            return Err(invalid(format!(
                "providers.{id}: this provider does not sign in with OAuth"
            )));
        }
        credentials.insert(
            ProviderId::from(id),
            OverrideCredentials {
                client_id: change.client_id,
                client_secret: change.client_secret,
            },
        );
    }
    let catalog = Catalog::from_providers(providers).map_err(|entry| invalid(entry.0))?;
    Ok(Overridden { catalog, credentials })
}

fn replace<T>(slot: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *slot = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Catalog {
        Catalog::builtin().expect("the built-in catalogue")
    }

    #[test]
    fn endpoints_base_urls_and_credentials_are_replaced() {
        let text = r#"
[providers.github]
client_id = "Iv1.test"
client_secret = "shh"
api_base_url = "http://127.0.0.1:9000/api"
[providers.github.oauth]
token_url = "http://127.0.0.1:9000/token"
redirect = ["deep_link"]
"#;
        let overridden = apply_overrides(&builtin(), "o.toml", text).expect("valid overrides");
        let github = overridden.catalog.provider("github").expect("github");
        let oauth = github.oauth.as_ref().expect("oauth");
        assert_eq!(
            github.api_base_url, "http://127.0.0.1:9000/api",
            "the base URL is replaced"
        );
        assert_eq!(
            oauth.token_url, "http://127.0.0.1:9000/token",
            "the token URL is replaced"
        );
        assert_eq!(
            oauth.authorize_url, "https://github.com/login/oauth/authorize",
            "what the file does not name stays as catalogued"
        );
        assert_eq!(oauth.redirect, vec![RedirectKind::DeepLink]);
        let credentials = &overridden.credentials["github"];
        assert_eq!(credentials.client_id.as_deref(), Some("Iv1.test"));
        assert!(!format!("{credentials:?}").contains("shh"), "the secret never prints");
    }

    #[test]
    fn unknown_keys_and_providers_are_named() {
        let cases = [
            ("[providers.gitlab]\nclient_id = \"x\"\n", "gitlab"),
            ("[providers.github]\nclient_idd = \"x\"\n", "client_idd"),
            (
                "[providers.github.oauth]\ntoken_url = \"http://example.com/token\"\n",
                "token_url",
            ),
            ("[providers.telegram]\nclient_id = \"x\"\n", "telegram"),
        ];
        for (text, named) in cases {
            let message = apply_overrides(&builtin(), "o.toml", text)
                .expect_err("a bad overrides file is refused")
                .to_string();
            assert!(
                message.starts_with("o.toml") && message.contains(named),
                "the error must name the file and `{named}`: {message}"
            );
        }
    }
}
