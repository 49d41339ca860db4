//! Providers and their products as data: TOML files under `core/catalog/`, compiled in, read
//! with `deny_unknown_fields` and validated strictly, so a bad entry fails a test naming the
//! file and key. No I/O and no provider logic.

mod built_in;
mod clients_file;
mod connect;
mod overrides;

use std::collections::BTreeMap;

use crate::ids::ProviderId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use built_in::{BuiltInClients, ShippedClient, CLIENTS_ENV};
pub use clients_file::BuiltInClient;
pub use connect::{
    ClientSecret, CredentialField, CredentialPlacement, IdentityRequest, OAuthConfig, RedirectKind, Revocation,
    ScopeParam, SiteIdRequest, TokenAuth, TokenQuirk,
};
pub use overrides::{apply_overrides, load_overrides, Overridden, OverrideCredentials, OVERRIDES_ENV};

/// The compiled-in catalogue files, by name (the name appears in error messages).
const BUILTIN: &[(&str, &str)] = &[
    ("google.toml", include_str!("../../catalog/google.toml")),
    ("github.toml", include_str!("../../catalog/github.toml")),
    ("slack.toml", include_str!("../../catalog/slack.toml")),
    ("atlassian.toml", include_str!("../../catalog/atlassian.toml")),
    ("notion.toml", include_str!("../../catalog/notion.toml")),
    ("telegram.toml", include_str!("../../catalog/telegram.toml")),
    ("supabase.toml", include_str!("../../catalog/supabase.toml")),
];

/// How an account of a provider is connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    /// Authorization code with PKCE, in the system browser.
    Oauth2,
    /// A code typed on the provider's site (RFC 8628).
    DeviceCode,
    /// A key or personal token pasted into a form.
    ApiKey,
    /// A bot token pasted into a form.
    BotToken,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub description: String,
    /// The least scopes this product's actions need, added to the provider's own.
    #[serde(default, skip_serializing)]
    #[ts(skip)]
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: ProviderId,
    pub name: String,
    pub description: String,
    pub auth: Vec<AuthKind>,
    pub products: Vec<Product>,
    /// Fields of the key or token form, for `api_key` and `bot_token`.
    #[serde(default)]
    pub credentials: Vec<CredentialField>,
    /// What each scope lets Switchboard do, in plain words (Settings and the details show these).
    #[serde(default, rename(serialize = "scopeDescriptions"))]
    #[ts(rename = "scopeDescriptions")]
    pub scope_descriptions: BTreeMap<String, String>,
    /// Where API calls go; overridable for tests and self-hosted instances.
    #[serde(skip_serializing)]
    #[ts(skip)]
    pub api_base_url: String,
    /// Other API hosts by name, where a product's API lives apart (Google Sheets).
    #[serde(default, skip_serializing)]
    #[ts(skip)]
    pub api_bases: BTreeMap<String, String>,
    /// Headers every API call carries (e.g. Notion's API version).
    #[serde(default, skip_serializing)]
    #[ts(skip)]
    pub api_headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing)]
    #[ts(skip)]
    pub oauth: Option<OAuthConfig>,
    /// How the account is named when there is no id_token.
    #[serde(default, skip_serializing)]
    #[ts(skip)]
    pub identity: Option<IdentityRequest>,
    /// How a pasted key or token is verified and sent, where it differs from a signed-in
    /// account's (Atlassian's API token: Basic on the site itself).
    #[serde(default, skip_serializing)]
    #[ts(skip)]
    pub key_identity: Option<IdentityRequest>,
}

impl Provider {
    /// The identity request of a connection made the `auth` way: `key_identity` for pasted keys
    /// where the catalogue has one, else `identity`.
    pub fn identity_for(&self, auth: AuthKind) -> Option<&IdentityRequest> {
        let pasted = matches!(auth, AuthKind::ApiKey | AuthKind::BotToken);
        pasted
            .then_some(self.key_identity.as_ref())
            .flatten()
            .or(self.identity.as_ref())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CatalogError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

/// An entry that breaks a catalogue rule, said with its key first (`products[0].id: …`) so
/// the file's author finds it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidEntry(pub String);

#[derive(Debug, Clone)]
pub struct Catalog {
    providers: Vec<Provider>,
}

impl Catalog {
    /// The catalogue compiled into this build.
    pub fn builtin() -> Result<Self, CatalogError> {
        Self::from_files(BUILTIN)
    }

    /// Parses and validates `(file name, TOML text)` pairs.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Self, CatalogError> {
        let mut providers: Vec<Provider> = Vec::with_capacity(files.len());
        for (file, text) in files {
            let provider: Provider = toml::from_str(text).map_err(|error| CatalogError::Parse {
                file: (*file).to_owned(),
                message: error.to_string(),
            })?;
            validate(&provider, &providers).map_err(|entry| CatalogError::Invalid {
                file: (*file).to_owned(),
                message: entry.0,
            })?;
            providers.push(provider);
        }
        Ok(Self { providers })
    }

    /// A catalogue of already-parsed providers (e.g. after overrides), validated again.
    pub fn from_providers(providers: Vec<Provider>) -> Result<Self, InvalidEntry> {
        let mut checked: Vec<Provider> = Vec::with_capacity(providers.len());
        for provider in providers {
            validate(&provider, &checked)
                .map_err(|entry| InvalidEntry(format!("providers.{}: {}", provider.id, entry.0)))?;
            checked.push(provider);
        }
        Ok(Self { providers: checked })
    }

    pub fn providers(&self) -> &[Provider] {
        &self.providers
    }

    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|provider| provider.id == id)
    }
}

fn validate(provider: &Provider, earlier: &[Provider]) -> Result<(), InvalidEntry> {
    check_slug("id", &provider.id)?;
    check_text("name", &provider.name)?;
    check_text("description", &provider.description)?;
    if earlier.iter().any(|other| other.id == provider.id) {
        return Err(InvalidEntry(format!(
            "id: `{}` is already used by another provider",
            provider.id
        )));
    }
    if provider.auth.is_empty() {
        return Err(InvalidEntry("auth: list at least one way to connect".into()));
    }
    if provider.products.is_empty() {
        return Err(InvalidEntry("products: list at least one product".into()));
    }
    for (index, product) in provider.products.iter().enumerate() {
        let at = |key: &str| format!("products[{index}].{key}");
        check_slug(&at("id"), &product.id)?;
        check_text(&at("name"), &product.name)?;
        check_text(&at("description"), &product.description)?;
        if provider.products[..index].iter().any(|other| other.id == product.id) {
            return Err(InvalidEntry(format!("{}: `{}` appears twice", at("id"), product.id)));
        }
    }
    connect::validate(provider)
}

/// Ids appear in URLs (`/callback/{provider}`): lowercase ASCII letters, digits and `-`.
fn check_slug(key: &str, value: &str) -> Result<(), InvalidEntry> {
    let valid = !value.is_empty()
        && value.len() <= 32
        && value
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        && !value.starts_with('-');
    if valid {
        Ok(())
    } else {
        Err(InvalidEntry(format!(
            "{key}: `{value}` must be 1-32 lowercase letters, digits or '-'"
        )))
    }
}

fn check_text(key: &str, value: &str) -> Result<(), InvalidEntry> {
    if value.trim().is_empty() {
        Err(InvalidEntry(format!("{key}: must not be empty")))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
id = "acme"
name = "Acme"
description = "Rockets."
auth = ["api_key"]
api_base_url = "https://api.acme.example"
[[credentials]]
id = "key"
label = "API key"
secret = true
[identity]
url = "/me"
id_field = "id"
label_field = "name"
[[products]]
id = "rockets"
name = "Rockets"
description = "Launch them."
"#;

    #[test]
    fn the_builtin_catalogue_is_valid() {
        let catalog = Catalog::builtin().unwrap_or_else(|error| panic!("the shipped catalogue is broken: {error}"));
        let ids: Vec<&str> = catalog.providers().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "google",
                "github",
                "slack",
                "atlassian",
                "notion",
                "telegram",
                "supabase"
            ],
            "the catalogue lists every supported provider in display order"
        );
        let google = catalog.provider("google").expect("google is catalogued");
        let products: Vec<&str> = google.products.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            products,
            ["gmail", "drive", "sheets", "calendar"],
            "Google's products share one provider"
        );
    }

    #[test]
    fn an_unknown_key_is_named_with_its_file() {
        let text = format!("{MINIMAL}\ncolour = \"red\"\n");
        let error = Catalog::from_files(&[("acme.toml", &text)]).expect_err("unknown keys are refused");
        let message = error.to_string();
        assert!(
            message.starts_with("acme.toml:"),
            "the error must name the file: {message}"
        );
        assert!(
            message.contains("colour"),
            "the error must name the offending key: {message}"
        );
    }

    #[test]
    fn an_unknown_auth_kind_is_refused() {
        let text = MINIMAL.replace("\"api_key\"", "\"magic\"");
        let message = Catalog::from_files(&[("acme.toml", &text)])
            .expect_err("bad auth kind")
            .to_string();
        assert!(
            message.contains("magic"),
            "the error must quote the bad value: {message}"
        );
    }

    #[test]
    fn invalid_values_name_their_key() {
        let cases = [
            (MINIMAL.replace("id = \"acme\"", "id = \"Acme Corp\""), "id:"),
            (
                MINIMAL.replace("name = \"Rockets\"", "name = \" \""),
                "products[0].name",
            ),
            (MINIMAL.replace("auth = [\"api_key\"]", "auth = []"), "auth:"),
            (MINIMAL.replace("auth = [\"api_key\"]", "auth = [\"oauth2\"]"), "oauth:"),
            (
                MINIMAL.replace("https://api.acme.example", "http://api.acme.example"),
                "api_base_url",
            ),
            (
                MINIMAL.replace(
                    "[identity]\nurl = \"/me\"\nid_field = \"id\"\nlabel_field = \"name\"\n",
                    "",
                ),
                "identity",
            ),
        ];
        for (text, key) in cases {
            let message = Catalog::from_files(&[("acme.toml", &text)])
                .expect_err("invalid entry")
                .to_string();
            assert!(message.contains(key), "expected the error to name `{key}`: {message}");
        }
    }

    #[test]
    fn duplicate_provider_ids_are_refused() {
        let error = Catalog::from_files(&[("a.toml", MINIMAL), ("b.toml", MINIMAL)]).expect_err("duplicate ids");
        assert!(
            error.to_string().starts_with("b.toml: id:"),
            "the second file is the culprit: {error}"
        );
    }
}
