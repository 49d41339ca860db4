//! A connection saved as a finished sign-in saves it (its row, and its access token sealed under
//! the harness's key), for the tests of what uses a connection (the action executor) with a
//! grant no test server hands out (Gmail's scopes). Signing in has tests of its own.

#![allow(dead_code)] // each test file uses its part

use switchboard_core::catalog::AuthKind;
use switchboard_core::connections::{connection_context, Connection, SecretOwner};
use switchboard_core::db::connections::{upsert, ConnectionRecord};
use switchboard_core::vault::{SecretStore, Sensitive};

use super::connector::Harness;
use super::doubles::ApiDoubles;
use super::pasted;

/// Saves `provider`'s account `account` with `products` and `scopes` granted and `access_token`,
/// valid for an hour; the connection as the store reads it.
pub fn save_signed_in(
    harness: &Harness,
    provider: &str,
    account: &str,
    products: &[&str],
    scopes: &[&str],
    access_token: &str,
) -> Connection {
    let services = &harness.services;
    let key = services.keys.key().expect("the keyring's key");
    let products: Vec<String> = products.iter().map(|&product| product.to_owned()).collect();
    let scopes: Vec<String> = scopes.iter().map(|&scope| scope.to_owned()).collect();
    let config = serde_json::json!({});
    let now = services.context.now();
    let id = {
        let db = services.context.db();
        let record = ConnectionRecord {
            provider,
            products: &products,
            auth_kind: AuthKind::Oauth2,
            account_id: account,
            account_label: account,
            scopes: &scopes,
            expires_at: Some(now + 3600),
            config: &config,
            session_only: false,
        };
        let id = upsert(db.conn(), &record, now).expect("the connection row");
        let (owner, context) = (SecretOwner::Connection(id).key(), connection_context(provider, account));
        SecretStore::new(&db, &key)
            .put(
                &owner,
                &context,
                "access_token",
                &Sensitive::new(access_token.to_owned()),
                now,
            )
            .expect("the sealed token");
        id
    };
    services.store.get(id).expect("the saved connection")
}

/// A harness named `test` whose Google APIs are the doubles', with Ana's Google account
/// (the doubles' ana@example.com) saved as signed in with `products`, `scopes` and `access_token`.
pub fn ana_on_google(
    doubles: &ApiDoubles,
    test: &str,
    products: &[&str],
    scopes: &[&str],
    access_token: &str,
) -> (Harness, Connection) {
    let harness = pasted::harness_for(doubles, "google", test);
    let ana = save_signed_in(&harness, "google", "ana@example.com", products, scopes, access_token);
    (harness, ana)
}
