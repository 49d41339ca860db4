//! Whose OAuth client each provider signs in with, as `switchboard-cli providers --json` and
//! `doctor` say it without opening the core: the person's own app saved in Settings ("your
//! app"), else the one this build ships ("built in"), else none yet (an app to set up, or a key
//! to paste where the provider takes one). An overrides file is a choice of the app's run and is
//! not read here.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{BuiltInClients, Catalog};
use crate::connections::client_setup::{client_id, ClientIdSource, Fallbacks};
use crate::connections::ConnectionError;
use crate::db;
use crate::ids::ProviderId;
use crate::paths::AppPaths;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientInUse {
    YourApp,
    BuiltIn,
    None,
}

/// The client in use for each provider that signs in with OAuth.
pub fn clients_in_use(
    paths: &AppPaths,
    catalog: &Catalog,
    built_in: &BuiltInClients,
) -> Result<BTreeMap<ProviderId, ClientInUse>, ConnectionError> {
    let conn = match paths.database_file.exists() {
        true => Some(db::open_readonly(&paths.database_file).map_err(ConnectionError::from)?),
        false => None,
    };
    let mut clients = BTreeMap::new();
    for provider in catalog.providers().iter().filter(|provider| provider.oauth.is_some()) {
        let fallbacks = Fallbacks {
            overrides: None,
            built_in: built_in.get(&provider.id),
        };
        // The app's own rule (`client_setup::client_id`); with no database yet, only the build's.
        let found = match &conn {
            Some(conn) => client_id(conn, provider, fallbacks)?.map(|(_, source)| source),
            None => built_in.get(&provider.id).map(|_| ClientIdSource::BuiltIn),
        };
        let in_use = match found {
            Some(ClientIdSource::Settings | ClientIdSource::Overrides) => ClientInUse::YourApp,
            Some(ClientIdSource::BuiltIn) => ClientInUse::BuiltIn,
            None => ClientInUse::None,
        };
        clients.insert(provider.id.clone(), in_use);
    }
    Ok(clients)
}
