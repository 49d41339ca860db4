//! What the Settings page shows, gathered in one call: where data lives, the key storage, the
//! database, deep links and notices. It reads; it changes nothing.

use serde::Serialize;
use ts_rs::TS;

use crate::db::{self, notices, Database, DbError};
use crate::oauth::DeepLinkReceipt;
use crate::overrides_setting::OverridesStatus;
use crate::paths::{AppPaths, DataLocations};
use crate::scheme::{query_scheme_registration, SchemeRegistration};
use crate::vault::KeyMode;
use crate::vault::{probe_key_storage, KeyStorageStatus, KeyringSlot};

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsOverview {
    pub locations: DataLocations,
    pub key_storage: KeyStorageStatus,
    /// Session-only when the person chose to go on without the keyring.
    pub key_mode: KeyMode,
    /// The provider overrides file, if one is in use or chosen.
    pub overrides: OverridesStatus,
    pub database: DatabaseOverview,
    pub deep_links: DeepLinkOverview,
    /// Messages waiting to be dismissed.
    pub notices: Vec<notices::Notice>,
    /// The chat's model, as people name it ("Built in (works offline)").
    pub assistant_model: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseOverview {
    pub schema_version: u32,
    /// The last time the file was found damaged and replaced, if ever.
    pub last_recovery: Option<notices::Notice>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeepLinkOverview {
    pub scheme: String,
    pub registration: SchemeRegistration,
    /// The most recent link this run received, if any.
    pub last_received: Option<DeepLinkReceipt>,
}

/// Gathers the overview; asks the keyring and the desktop, so it may take a moment.
pub fn settings_overview(
    paths: &AppPaths,
    database: &Database,
    last_received: Option<DeepLinkReceipt>,
    key_mode: KeyMode,
    overrides: OverridesStatus,
    assistant_model: &str,
) -> Result<SettingsOverview, DbError> {
    Ok(SettingsOverview {
        locations: paths.locations(),
        key_storage: probe_key_storage(&KeyringSlot::for_paths(paths)),
        key_mode,
        overrides,
        database: DatabaseOverview {
            schema_version: db::latest_version(),
            last_recovery: notices::latest_of_kind(database.conn(), notices::NoticeKind::DatabaseRecovered)?,
        },
        deep_links: DeepLinkOverview {
            scheme: crate::DEEP_LINK_SCHEME.to_owned(),
            registration: query_scheme_registration(),
            last_received,
        },
        notices: notices::list_active(database.conn())?,
        assistant_model: assistant_model.to_owned(),
    })
}
