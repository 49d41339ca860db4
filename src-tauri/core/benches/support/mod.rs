//! Shared by the benchmarks: a runtime, a connector over a real SQLite file with a
//! session-only key (no keyring needed), and a Google account saved as a finished sign-in
//! would save it.

#![allow(dead_code)] // each benchmark uses its own part

use std::sync::{Arc, Mutex};

use tokio::runtime::Runtime;

use switchboard_core::catalog::{apply_overrides, AuthKind, Catalog};
use switchboard_core::clock::SystemClock;
use switchboard_core::connections::{connection_context, connection_owner, Connector, ConnectorConfig};
use switchboard_core::db::connections::{upsert, ConnectionRecord};
use switchboard_core::db::{secrets, Database};
use switchboard_core::vault::{SecretStore, Sensitive};

/// The access token saved with the account.
pub const ACCESS_TOKEN: &str = "stored-access-token";

/// Which products and scopes the saved account was granted.
pub struct Grant {
    pub products: &'static [&'static str],
    pub scopes: &'static [&'static str],
}

pub const GMAIL: Grant = Grant {
    products: &["gmail"],
    scopes: &["openid"],
};

pub const DRIVE: Grant = Grant {
    products: &["drive"],
    scopes: &[
        "openid",
        "https://www.googleapis.com/auth/drive.file",
        "https://www.googleapis.com/auth/drive.readonly",
    ],
};

pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime for the benchmark")
}

/// A connector over a SQLite file in `data`, with a session-only key (no keyring).
pub fn connector(data: &tempfile::TempDir, overrides: &str) -> Arc<Connector> {
    let builtin = Catalog::builtin().expect("the built-in catalogue");
    let overridden = apply_overrides(&builtin, "bench-overrides.toml", overrides).expect("valid overrides");
    let database = Database::open(&data.path().join("switchboard.db"), &SystemClock)
        .expect("the database opens")
        .database;
    let mut config = ConnectorConfig::new(overridden.catalog, Arc::new(|_| {}), Arc::new(|_: &str| Ok(())));
    config.override_credentials = overridden.credentials;
    let connector = Connector::new(config, Arc::new(Mutex::new(database)));
    connector.use_session_only_key();
    connector
}

/// Saves (or reconnects) a Google account with an access and a refresh token expiring at
/// `expires_at`, as a finished sign-in would; returns its id.
pub fn save_google(connector: &Connector, expires_at: i64, grant: &Grant) -> i64 {
    let key = connector.loaded_key().expect("the session key is loaded");
    let db = connector.db();
    let account = "iss|bench";
    let products: Vec<String> = grant.products.iter().map(|&product| product.to_owned()).collect();
    let scopes: Vec<String> = grant.scopes.iter().map(|&scope| scope.to_owned()).collect();
    let config = serde_json::json!({});
    let record = ConnectionRecord {
        provider: "google",
        products: &products,
        auth_kind: AuthKind::Oauth2,
        account_id: account,
        account_label: "bench@example.com",
        scopes: &scopes,
        expires_at: Some(expires_at),
        config: &config,
        session_only: true,
    };
    let now = connector.now();
    let id = upsert(db.conn(), &record, now).expect("the connection row is written");
    let (owner, context) = (connection_owner(id), connection_context("google", account));
    secrets::delete_owner(db.conn(), &owner).expect("old secrets are removed");
    let store = SecretStore::new(&db, &key);
    for (name, value) in [("access_token", ACCESS_TOKEN), ("refresh_token", "bench-refresh-token")] {
        let value = Sensitive::new(value.to_owned());
        store
            .put(&owner, &context, name, &value, now)
            .expect("the secret is sealed");
    }
    id
}
