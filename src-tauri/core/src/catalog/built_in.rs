//! The OAuth clients this build ships, by provider: the built-in clients file the build compiled
//! in (`SWITCHBOARD_CLIENTS`, read by `build.rs`; empty when none was named). A person's own
//! app, saved in Settings, still comes first; see `connections::client_setup`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::clients_file::read_clients_file;
use super::{CatalogError, BUILTIN};
use crate::ids::ProviderId;
use crate::sensitive::Sensitive;

/// The build-time environment variable naming the built-in clients file.
pub const CLIENTS_ENV: &str = "SWITCHBOARD_CLIENTS";

/// What the build compiled in ("" when no file was named).
const COMPILED: &str = include_str!(concat!(env!("OUT_DIR"), "/built_in_clients.toml"));

/// One provider's built-in client. Its Debug never shows the secret.
#[derive(Debug)]
pub struct ShippedClient {
    pub client_id: String,
    pub client_secret: Option<Sensitive<String>>,
}

/// The built-in clients, by provider.
#[derive(Debug, Clone, Default)]
pub struct BuiltInClients(Arc<BTreeMap<ProviderId, ShippedClient>>);

impl BuiltInClients {
    /// The clients compiled into this build (none when the build named no file).
    pub fn compiled() -> Result<Self, CatalogError> {
        Self::from_text("the built-in clients file", COMPILED)
    }

    /// Clients read from TOML text (`file` names it in errors), checked against the catalogue.
    pub fn from_text(file: &str, text: &str) -> Result<Self, CatalogError> {
        let catalogue: Vec<&str> = BUILTIN.iter().map(|(_, text)| *text).collect();
        let entries = read_clients_file(text, &catalogue).map_err(|message| CatalogError::Invalid {
            file: file.to_owned(),
            message,
        })?;
        let clients = entries
            .into_iter()
            .map(|(provider, entry)| {
                let client = ShippedClient {
                    client_id: entry.client_id,
                    client_secret: entry.client_secret.map(Sensitive::new),
                };
                (ProviderId::from(provider), client)
            })
            .collect();
        Ok(Self(Arc::new(clients)))
    }

    pub fn get(&self, provider: &str) -> Option<&ShippedClient> {
        self.0.get(provider)
    }

    /// The providers this build ships a client for.
    pub fn providers(&self) -> impl Iterator<Item = &ProviderId> {
        self.0.keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        BuiltInClients::from_text("clients.toml", text)
            .expect_err("a client the catalogue does not allow is refused")
            .to_string()
    }

    #[test]
    fn only_public_clients_may_be_built_in() {
        let ok = BuiltInClients::from_text(
            "clients.toml",
            "[providers.google]\nclient_id = \"g.apps\"\nclient_secret = \"not-confidential\"\n\
             [providers.github]\nclient_id = \"Ov23li\"\n",
        )
        .expect("Google with its desktop secret and GitHub's public client ID are allowed");
        assert_eq!(ok.get("github").map(|c| c.client_id.as_str()), Some("Ov23li"));
        assert!(
            !format!("{ok:?}").contains("not-confidential"),
            "a built-in secret never prints"
        );
        let cases = [
            (
                "[providers.slack]\nclient_id = \"1.2\"\nclient_secret = \"s\"\n",
                "confidential",
            ),
            ("[providers.atlassian]\nclient_id = \"a\"\n", "confidential"),
            (
                "[providers.github]\nclient_id = \"Ov\"\nclient_secret = \"s\"\n",
                "public",
            ),
            ("[providers.google]\nclient_id = \"g\"\n", "client_secret"),
            (
                "[providers.telegram]\nclient_id = \"t\"\n",
                "does not sign in with OAuth",
            ),
            ("[providers.gitlab]\nclient_id = \"x\"\n", "no such provider"),
            ("[providers.github]\nclient_id = \"has space\"\n", "client_id"),
            ("[providers.github]\nclient = \"x\"\n", "client"),
        ];
        for (text, named) in cases {
            let message = refused(text);
            assert!(
                message.starts_with("clients.toml") && message.contains(named),
                "the error names the file and says `{named}`: {message}"
            );
        }
    }

    #[test]
    fn a_build_without_a_file_ships_no_client() {
        let none = BuiltInClients::from_text("clients.toml", "").expect("an empty file is valid");
        assert_eq!(none.providers().count(), 0);
    }
}
