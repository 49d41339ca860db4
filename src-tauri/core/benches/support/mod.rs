//! Shared by the benchmarks: a runtime, the core over a real SQLite file with a
//! session-only key (no keyring needed), and a Google account saved as a finished sign-in
//! would save it.

#![allow(dead_code)] // each benchmark uses its own part

use std::sync::Arc;

use tokio::runtime::Runtime;

use switchboard_core::catalog::AuthKind;
use switchboard_core::connections::{connection_context, SecretOwner};
use switchboard_core::db::connections::{upsert, ConnectionRecord};
use switchboard_core::db::secrets;
use switchboard_core::ids::ConnectionId;
use switchboard_core::paths::AppPaths;
use switchboard_core::vault::{SecretStore, Sensitive};
use switchboard_core::{Core, CoreOptions, EventSink, OverridesChoice, Services};

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

/// The core's services over a SQLite file in `data`, with a session-only key (no keyring).
pub fn services(data: &tempfile::TempDir, overrides: &str) -> Services {
    services_with_events(data, overrides, Arc::new(|_| {}))
}

/// As `services`, its events going to `events`.
pub fn services_with_events(data: &tempfile::TempDir, overrides: &str, events: EventSink) -> Services {
    let paths = AppPaths::under(data.path().to_path_buf());
    let mut options = CoreOptions::new(&paths, events, Arc::new(|_: &str| Ok(())));
    options.overrides = OverridesChoice::Text {
        name: "bench-overrides.toml".into(),
        text: overrides.to_owned(),
    };
    let core = Core::open(paths, options).expect("the core opens");
    let services = core.services().expect("the database opens").clone();
    services.keys.use_session_only();
    services
}

/// GitHub signed in with its one product.
pub const GITHUB: Grant = Grant {
    products: &["github"],
    scopes: &["read:user", "repo"],
};

/// Saves (or reconnects) a Google account with an access and a refresh token expiring at
/// `expires_at`, as a finished sign-in would; returns its id.
pub fn save_google(services: &Services, expires_at: i64, grant: &Grant) -> ConnectionId {
    save_account(services, "google", expires_at, grant)
}

/// As `save_google`, for `provider`.
pub fn save_account(services: &Services, provider: &str, expires_at: i64, grant: &Grant) -> ConnectionId {
    let key = services.keys.loaded().expect("the session key is loaded");
    let db = services.context.db();
    let account = "iss|bench";
    let products: Vec<String> = grant.products.iter().map(|&product| product.to_owned()).collect();
    let scopes: Vec<String> = grant.scopes.iter().map(|&scope| scope.to_owned()).collect();
    let config = serde_json::json!({});
    let record = ConnectionRecord {
        provider,
        products: &products,
        auth_kind: AuthKind::Oauth2,
        account_id: account,
        account_label: "bench@example.com",
        scopes: &scopes,
        expires_at: Some(expires_at),
        config: &config,
        session_only: true,
    };
    let now = services.context.now();
    let id = upsert(db.conn(), &record, now).expect("the connection row is written");
    let (owner, context) = (SecretOwner::Connection(id).key(), connection_context(provider, account));
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
