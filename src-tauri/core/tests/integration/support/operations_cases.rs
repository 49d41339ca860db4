//! The operations tests' shared cases: providers pointed at the fake (with a revocation path),
//! a harness with its keyring slot, a GitHub connection with known tokens, and looking for
//! secrets in the database's bytes and rows.

use std::time::Duration;

use switchboard_core::connections::{ConnectMethod, ConnectRequest, Connection};
use switchboard_core::vault::KeyringSlot;

use super::connector::Harness;
use super::fake_provider::{FakeProvider, Reply};
use super::keyring;

pub const FIRST_ACCESS: &str = "gho_first_access_T0KEN";
pub const FIRST_REFRESH: &str = "ghr_first_refresh_T0KEN";
pub const SECOND_ACCESS: &str = "gho_second_access_T0KEN";
pub const SECOND_REFRESH: &str = "ghr_second_refresh_T0KEN";

/// `provider` pointed at the fake, with client-1 / secret-1 and its revocation endpoint there.
pub fn overrides(provider: &str, fake: &FakeProvider, revocation_path: &str) -> String {
    format!(
        "[providers.{provider}]\nclient_id = \"client-1\"\nclient_secret = \"secret-1\"\napi_base_url = \"{api}\"\n\
         [providers.{provider}.oauth]\nauthorize_url = \"{authorize}\"\ntoken_url = \"{token}\"\nrevocation_url = \"{revoke}\"\n",
        api = fake.url(""),
        authorize = fake.url("/authorize"),
        token = fake.url("/token"),
        revoke = fake.url(revocation_path),
    )
}

pub fn harness_for(overrides: &str, test: &str) -> (Harness, KeyringSlot) {
    keyring::require_session_bus();
    let slot = keyring::private_slot(test);
    let data = tempfile::tempdir().expect("a data directory");
    let harness = Harness::configured(data, overrides, slot.clone(), Duration::from_secs(20), |config| {
        config.request_policy.second = Duration::from_millis(10);
    });
    (harness, slot)
}

/// Signs in with `provider` through the browser flow; the fake approves at once.
pub async fn connect(harness: &Harness, provider: &str) -> Connection {
    let request = ConnectRequest {
        provider: provider.into(),
        products: vec![],
        method: ConnectMethod::Browser,
        redirect: None,
        connection: None,
        scopes: vec![],
    };
    harness.connect_approved(&request).await
}

/// A GitHub App user token that expires and can be renewed (the second /token answer renews).
pub async fn github(test: &str, fake: &FakeProvider) -> (Harness, KeyringSlot, Connection) {
    let tokens = |access: &str, refresh: &str| {
        Reply::json(
            200,
            &format!(
                r#"{{"access_token":"{access}","refresh_token":"{refresh}","expires_in":28800,"token_type":"bearer","scope":"repo,read:user"}}"#
            ),
        )
    };
    fake.script(
        "/token",
        [
            tokens(FIRST_ACCESS, FIRST_REFRESH),
            tokens(SECOND_ACCESS, SECOND_REFRESH),
        ],
    );
    fake.script("/user", [Reply::json(200, r#"{"id":583231,"login":"octocat"}"#)]);
    let (harness, slot) = harness_for(&overrides("github", fake, "/applications/{client_id}/grant"), test);
    let connection = connect(&harness, "github").await;
    (harness, slot, connection)
}

pub fn in_bytes(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|window| window == text.as_bytes())
}

pub fn secrets_of(harness: &Harness, owner_prefix: &str) -> i64 {
    harness
        .services
        .context
        .db()
        .conn()
        .query_row(
            "SELECT count(*) FROM secrets WHERE owner LIKE ?1 || '%'",
            [owner_prefix],
            |row| row.get(0),
        )
        .expect("count secrets")
}
