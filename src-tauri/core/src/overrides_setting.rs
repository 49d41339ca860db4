//! Which overrides file the app uses and whether it loaded: `SWITCHBOARD_OVERRIDES` when set,
//! else the file chosen in Settings. A file that does not load leaves the built-in catalogue in
//! use and says why in Settings; the app always starts. A new choice is checked when it is
//! saved and applies at the next start (the catalogue is fixed for a run).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::catalog::{load_overrides, Catalog, CatalogError, OverrideCredentials, OVERRIDES_ENV};
use crate::db::{app_settings, Database, DbError};
use crate::error::{ErrorCode, UserError};
use crate::ids::ProviderId;

/// Why an overrides file chosen in Settings was not saved.
#[derive(Debug, thiserror::Error)]
pub enum OverridesChoiceError {
    #[error("That file cannot be used: {0}.")]
    Unusable(CatalogError),
    #[error("the built-in catalogue is invalid: {0}")]
    Builtin(CatalogError),
    #[error(transparent)]
    Database(#[from] DbError),
}

impl From<OverridesChoiceError> for UserError {
    fn from(error: OverridesChoiceError) -> Self {
        match error {
            OverridesChoiceError::Unusable(_) => UserError::new(ErrorCode::InvalidInput, error.to_string()),
            OverridesChoiceError::Builtin(_) => UserError::new(ErrorCode::Internal, error.to_string()),
            OverridesChoiceError::Database(error) => UserError::from(error),
        }
    }
}

const SETTING_KEY: &str = "overrides_file";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum OverridesSource {
    Environment,
    Settings,
}

/// What Settings shows about the overrides file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OverridesStatus {
    /// The file in use this run, if any.
    pub file: Option<String>,
    pub source: Option<OverridesSource>,
    /// Why the file could not be used (the built-in catalogue is in use instead).
    pub error: Option<String>,
    /// The file chosen in Settings when it differs from this run's, used after a restart
    /// ("" when the choice is to use none).
    pub next_start: Option<String>,
}

/// The catalogue for this run, the client credentials the file named, and its status.
pub struct ActiveCatalog {
    pub catalog: Catalog,
    pub credentials: BTreeMap<ProviderId, OverrideCredentials>,
    pub status: OverridesStatus,
}

/// Applies the environment's or Settings' overrides file to `builtin`.
pub fn catalog_at_start(builtin: Catalog, db: Option<&Database>) -> ActiveCatalog {
    let from_env = std::env::var(OVERRIDES_ENV).ok().filter(|path| !path.is_empty());
    let from_settings = db.and_then(|db| app_settings::get(db.conn(), SETTING_KEY).ok().flatten());
    let (file, source) = match (from_env, from_settings) {
        (Some(path), _) => (path, OverridesSource::Environment),
        (None, Some(path)) => (path, OverridesSource::Settings),
        (None, None) => {
            return ActiveCatalog {
                catalog: builtin,
                credentials: BTreeMap::new(),
                status: OverridesStatus {
                    file: None,
                    source: None,
                    error: None,
                    next_start: None,
                },
            }
        }
    };
    let mut status = OverridesStatus {
        file: Some(file.clone()),
        source: Some(source),
        error: None,
        next_start: None,
    };
    match load_overrides(&builtin, Path::new(&file)) {
        Ok(overridden) => {
            tracing::info!(%file, ?source, "provider overrides applied");
            ActiveCatalog {
                catalog: overridden.catalog,
                credentials: overridden.credentials,
                status,
            }
        }
        Err(error) => {
            tracing::error!(%file, %error, "the overrides file was not used");
            status.error = Some(error.to_string());
            ActiveCatalog {
                catalog: builtin,
                credentials: BTreeMap::new(),
                status,
            }
        }
    }
}

/// Checks `path` against the built-in catalogue and saves it for the next start (`None`
/// stops using a file). Returns the status to show now.
pub fn choose_overrides_file(
    db: &Database,
    current: &OverridesStatus,
    path: Option<&str>,
    now: i64,
) -> Result<OverridesStatus, OverridesChoiceError> {
    let path = path.map(str::trim).filter(|path| !path.is_empty());
    if let Some(path) = path {
        let builtin = Catalog::builtin().map_err(OverridesChoiceError::Builtin)?;
        load_overrides(&builtin, Path::new(path)).map_err(OverridesChoiceError::Unusable)?;
    }
    app_settings::set(db.conn(), SETTING_KEY, path, now)?;
    let in_use_from_settings = match current.source {
        Some(OverridesSource::Settings) => current.file.as_deref(),
        _ => None,
    };
    Ok(OverridesStatus {
        next_start: (path != in_use_from_settings).then(|| path.unwrap_or_default().to_owned()),
        ..current.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Catalog {
        Catalog::builtin().expect("catalog")
    }

    #[test]
    fn a_file_chosen_in_settings_is_checked_saved_and_used_at_the_next_start() {
        let db = Database::open_in_memory().expect("db");
        let dir = tempfile::tempdir().expect("dir");
        let (good, bad) = (dir.path().join("good.toml"), dir.path().join("bad.toml"));
        std::fs::write(&good, "[providers.github]\napi_base_url = \"http://127.0.0.1:9/api\"\n").expect("write");
        std::fs::write(&bad, "[providers.github]\ncolour = \"red\"\n").expect("write");
        let none = catalog_at_start(builtin(), Some(&db)).status;
        assert_eq!(none.file, None, "nothing chosen, nothing used");

        let refused =
            UserError::from(choose_overrides_file(&db, &none, bad.to_str(), 1).expect_err("a bad file is refused"));
        assert_eq!(refused.code, ErrorCode::InvalidInput);
        assert!(
            refused.message.contains("colour"),
            "the message names the bad key: {}",
            refused.message
        );
        assert_eq!(
            app_settings::get(db.conn(), SETTING_KEY).expect("read"),
            None,
            "a refused file is not saved"
        );

        let chosen = choose_overrides_file(&db, &none, good.to_str(), 2).expect("a good file is saved");
        assert_eq!(
            chosen.next_start.as_deref(),
            good.to_str(),
            "it applies at the next start"
        );
        let next = catalog_at_start(builtin(), Some(&db));
        assert_eq!(next.status.source, Some(OverridesSource::Settings));
        assert_eq!(
            next.catalog.provider("github").expect("github").api_base_url,
            "http://127.0.0.1:9/api"
        );
    }

    #[test]
    fn a_file_that_no_longer_loads_leaves_the_builtin_catalogue_and_says_why() {
        let db = Database::open_in_memory().expect("db");
        app_settings::set(db.conn(), SETTING_KEY, Some("/nonexistent/overrides.toml"), 1).expect("save");
        let active = catalog_at_start(builtin(), Some(&db));
        assert_eq!(
            active.catalog.providers(),
            builtin().providers(),
            "the app starts with the built-in catalogue"
        );
        let error = active.status.error.expect("the reason is kept for Settings");
        assert!(error.contains("could not read"), "{error}");
    }
}
