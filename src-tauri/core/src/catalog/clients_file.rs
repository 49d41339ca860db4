//! The built-in clients file: the OAuth clients a distributor registered for their build, named
//! by `SWITCHBOARD_CLIENTS` when the package is built and compiled in. Read strictly, by the
//! build itself (`build.rs` includes this file, so a bad file fails the build) and by the app.
//! A provider may ship a client only where its catalogue entry says its desktop client is
//! public (`built_in_client`): a confidential secret compiled into a download is no secret.
//!
//! ```toml
//! [providers.google]
//! client_id = "1234-abc.apps.googleusercontent.com"
//! client_secret = "GOCSPX-…"   # Google's "Desktop app" secret, documented as not confidential
//! [providers.github]
//! client_id = "Ov23li…"          # the device flow needs no secret
//! ```
//!
//! This file depends on nothing of the crate (serde and toml only), so the build can use it.

use std::collections::BTreeMap;

use serde::Deserialize;

/// What a build may ship for a provider, as its catalogue entry says (`[oauth] built_in_client`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuiltInClient {
    /// The provider's desktop client needs a confidential secret (Slack, Atlassian, Notion): a
    /// build cannot ship one, and people set up their own app.
    #[default]
    None,
    /// A public client: the client ID alone (GitHub's device flow). A secret is refused.
    IdOnly,
    /// The client ID and a secret the provider documents as not confidential (Google's
    /// "Desktop app" clients, whose token endpoint still asks for it).
    WithSecret,
}

/// One provider's built-in client.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientEntry {
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for ClientEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientEntry")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientsFile {
    #[serde(default)]
    providers: BTreeMap<String, ClientEntry>,
}

/// The little of a catalogue file this check reads: the provider's id and its policy.
#[derive(Deserialize)]
struct CatalogPolicy {
    id: String,
    #[serde(default)]
    oauth: Option<OAuthPolicy>,
}

#[derive(Deserialize)]
struct OAuthPolicy {
    #[serde(default)]
    built_in_client: BuiltInClient,
}

/// Reads a clients file (`text`) against the catalogue files' texts: every provider known and
/// allowed to ship a client, each value sane. Errors name the key.
pub fn read_clients_file(text: &str, catalogue: &[&str]) -> Result<BTreeMap<String, ClientEntry>, String> {
    let file: ClientsFile = toml::from_str(text).map_err(|error| error.to_string())?;
    let mut policies = BTreeMap::new();
    for entry in catalogue {
        let policy: CatalogPolicy = toml::from_str(entry).map_err(|error| format!("the catalogue: {error}"))?;
        policies.insert(policy.id, policy.oauth.map(|oauth| oauth.built_in_client));
    }
    for (id, entry) in &file.providers {
        let at = |key: &str| format!("providers.{id}.{key}");
        let policy = match policies.get(id) {
            None => return Err(format!("providers.{id}: no such provider in the catalogue")),
            Some(None) => return Err(format!("providers.{id}: this provider does not sign in with OAuth")),
            Some(Some(policy)) => *policy,
        };
        check_value(&at("client_id"), &entry.client_id)?;
        if let Some(secret) = &entry.client_secret {
            check_value(&at("client_secret"), secret)?;
        }
        match (policy, entry.client_secret.is_some()) {
            (BuiltInClient::None, _) => {
                return Err(format!(
                    "providers.{id}: this provider's desktop client needs a confidential secret, which a build \
                     cannot ship; people set up their own app instead"
                ))
            }
            (BuiltInClient::IdOnly, true) => {
                return Err(format!(
                    "{}: this provider's built-in client is public (client ID only); a secret compiled in would \
                     be shared with everyone",
                    at("client_secret")
                ))
            }
            (BuiltInClient::WithSecret, false) => {
                return Err(format!(
                    "{}: this provider's token endpoint asks for it",
                    at("client_secret")
                ))
            }
            _ => {}
        }
    }
    Ok(file.providers)
}

fn check_value(key: &str, value: &str) -> Result<(), String> {
    if value.trim().is_empty() || value.len() > 512 || value.chars().any(|c| c.is_control() || c == ' ') {
        Err(format!(
            "{key}: must be 1-512 characters, no spaces or control characters"
        ))
    } else {
        Ok(())
    }
}
