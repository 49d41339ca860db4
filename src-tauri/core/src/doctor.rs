//! `switchboard-cli doctor`: checks the data directory, the database, the keyring and the
//! deep-link scheme without changing anything, and says what is wrong in one line each; and
//! whose OAuth client each provider signs in with.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{BuiltInClients, Catalog};
use crate::client_report::{clients_in_use, ClientInUse};
use crate::db;
use crate::ids::ProviderId;
use crate::paths::AppPaths;
use crate::scheme::{query_scheme_registration, SchemeRegistration};
use crate::vault::{probe_key_storage, KeyStorageStatus, KeyringSlot};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DoctorReport {
    pub data_dir: String,
    pub database_file: String,
    pub database: DatabaseCheck,
    pub keyring: KeyStorageStatus,
    pub deep_link_scheme: SchemeRegistration,
    /// Whose OAuth client each provider signs in with (empty when the database cannot be read,
    /// which `database` says).
    pub clients: BTreeMap<ProviderId, ClientInUse>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state")]
pub enum DatabaseCheck {
    /// No file yet: the app creates it on first start.
    NotCreated,
    Ok,
    Damaged {
        reason: String,
    },
}

impl DoctorReport {
    /// One sentence per failed check; empty when all is well.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let DatabaseCheck::Damaged { reason } = &self.database {
            problems.push(format!("database {} failed its check: {reason}", self.database_file));
        }
        if let KeyStorageStatus::Unavailable { reason, .. } = &self.keyring {
            problems.push(format!("keyring unavailable: {reason}"));
        }
        match &self.deep_link_scheme {
            SchemeRegistration::Registered { .. } => {}
            SchemeRegistration::NotRegistered => problems.push(format!(
                "{}:// links open nothing yet: start Switchboard once to register it",
                crate::DEEP_LINK_SCHEME
            )),
            SchemeRegistration::Unavailable { reason } => problems.push(format!("deep links unavailable: {reason}")),
            SchemeRegistration::Unknown { reason } => problems.push(format!("deep-link scheme unknown: {reason}")),
        }
        problems
    }
}

pub fn run_doctor(paths: &AppPaths) -> DoctorReport {
    let database = if !paths.database_file.exists() {
        DatabaseCheck::NotCreated
    } else {
        match db::check_readonly(&paths.database_file) {
            Ok(()) => DatabaseCheck::Ok,
            Err(damage) => DatabaseCheck::Damaged {
                reason: damage.to_string(),
            },
        }
    };
    DoctorReport {
        data_dir: paths.data_dir.display().to_string(),
        database_file: paths.database_file.display().to_string(),
        database,
        keyring: probe_key_storage(&KeyringSlot::for_paths(paths)),
        deep_link_scheme: query_scheme_registration(),
        clients: client_sources(paths),
    }
}

fn client_sources(paths: &AppPaths) -> BTreeMap<ProviderId, ClientInUse> {
    let (Ok(catalog), Ok(built_in)) = (Catalog::builtin(), BuiltInClients::compiled()) else {
        return BTreeMap::new();
    };
    clients_in_use(paths, &catalog, &built_in).unwrap_or_default()
}
