//! Connecting the providers that are not OpenID Connect, through the core's services, against
//! loopback doubles speaking their documented shapes: GitHub (OAuth app over loopback, named by
//! `GET /user`'s numeric id; HTTP 200 errors; device code), Atlassian (sites from
//! accessible-resources), Slack (`ok: false`), Telegram (a bot token verified by `getMe`).

use crate::support::connector;
use crate::support::fake_provider;
use crate::support::keyring;

use std::collections::BTreeMap;
use std::time::Duration;

use connector::Harness;
use fake_provider::{FakeProvider, Reply};
use switchboard_core::catalog::AuthKind;
use switchboard_core::connections::{ConnectMethod, ConnectRequest, CredentialsRequest, FlowState};
use switchboard_core::error::ErrorCode;

pub(crate) fn overrides(provider: &str, fake: &FakeProvider, token_path: &str) -> String {
    let device = match provider {
        "github" => format!("device_authorization_url = \"{}\"\n", fake.url("/login/device/code")),
        _ => String::new(),
    };
    format!(
        "[providers.{provider}]\nclient_id = \"client-1\"\nclient_secret = \"secret-1\"\napi_base_url = \"{api}\"\n\
         [providers.{provider}.oauth]\nauthorize_url = \"{authorize}\"\ntoken_url = \"{token}\"\n{device}",
        api = fake.url(""),
        authorize = fake.url("/authorize"),
        token = fake.url(token_path),
    )
}

pub(crate) fn harness(overrides: &str, test: &str) -> Harness {
    keyring::require_session_bus();
    let data = tempfile::tempdir().expect("a data directory");
    Harness::configured(
        data,
        overrides,
        keyring::private_slot(test),
        Duration::from_secs(20),
        |config| {
            config.request_policy.second = Duration::from_millis(10); // device-code intervals
        },
    )
}

pub(crate) fn request(provider: &str, method: ConnectMethod) -> ConnectRequest {
    ConnectRequest {
        provider: provider.into(),
        products: vec![],
        method,
        redirect: None,
        connection: None,
        scopes: vec![],
    }
}

async fn connect_in_browser(harness: &Harness, provider: &str) -> FlowState {
    let started = harness
        .services
        .sign_ins
        .start(&request(provider, ConnectMethod::Browser))
        .await
        .expect("the sign-in starts");
    connector::return_to_app(&harness.browser_url()).await;
    harness.outcome(&started.flow_id).await
}

#[tokio::test]
async fn github_is_named_by_its_numeric_user_id_and_keeps_granted_scopes() {
    let fake = FakeProvider::start().await;
    fake.script(
        "/token",
        [Reply::json(
            200,
            r#"{"access_token":"gho_abc","token_type":"bearer","scope":"repo,read:user"}"#,
        )],
    );
    fake.script(
        "/user",
        [Reply::json(
            200,
            r#"{"id":583231,"login":"octocat","name":"The Octocat"}"#,
        )],
    );
    let harness = harness(&overrides("github", &fake, "/token"), "github");
    let connection = harness.connected(connect_in_browser(&harness, "github").await);
    assert_eq!(
        connection.account_id, "583231",
        "GitHub accounts are keyed by the numeric id, not the login"
    );
    assert_eq!(connection.account_label, "octocat");
    assert_eq!(
        connection.scopes,
        ["repo", "read:user"],
        "GitHub's comma-separated granted scopes"
    );
    let exchange = &fake.requests_to("/token")[0];
    assert!(
        exchange.form_value("code_verifier").is_some(),
        "PKCE verifier sent with the code"
    );
    assert_eq!(
        exchange.form_value("client_secret").as_deref(),
        Some("secret-1"),
        "the client secret goes in the body"
    );
    let identity = &fake.requests_to("/user")[0];
    assert_eq!(
        identity.header("authorization"),
        Some("Bearer gho_abc"),
        "the identity request uses the new token"
    );
    assert_eq!(
        identity.header("x-github-api-version"),
        Some("2022-11-28"),
        "the catalogue's API headers are sent"
    );
}

#[tokio::test]
async fn github_and_slack_errors_answered_with_http_200_fail_the_sign_in() {
    let fake = FakeProvider::start().await;
    fake.script(
        "/github-token",
        [Reply::json(
            200,
            r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#,
        )],
    );
    fake.script(
        "/slack-token",
        [Reply::json(200, r#"{"ok":false,"error":"invalid_code"}"#)],
    );
    let cases = [
        ("github", "/github-token", "incorrect or expired"),
        ("slack", "/slack-token", "invalid_code"),
    ];
    for (provider, path, expected) in cases {
        let harness = harness(&overrides(provider, &fake, path), provider);
        match connect_in_browser(&harness, provider).await {
            FlowState::Failed { message, .. } => assert!(message.contains(expected), "B4/B5 {provider}: {message}"),
            other => panic!("{provider}'s error answered with HTTP 200 must fail the sign-in, got {other:?}"),
        }
        assert!(
            harness.services.store.list().expect("list").is_empty(),
            "nothing saved for {provider}"
        );
    }
}

#[tokio::test]
async fn atlassian_remembers_the_sites_the_token_reaches() {
    let fake = FakeProvider::start().await;
    fake.script(
        "/token",
        [Reply::json(
            200,
            r#"{"access_token":"at","refresh_token":"rt","expires_in":3600,"scope":"read:jira-work offline_access"}"#,
        )],
    );
    fake.script(
        "/me",
        [Reply::json(
            200,
            r#"{"account_id":"5b10a2844c20165700ede21g","email":"ana@example.com","name":"Ana"}"#,
        )],
    );
    fake.script(
        "/oauth/token/accessible-resources",
        [
            Reply::json(200, r#"[{"id":"1324a887-45db-1bf4-1e99-ef0ff456d421","name":"acme","url":"https://acme.atlassian.net","scopes":["read:jira-work"],"avatarUrl":"https://x"},{"id":"2","name":"beta","url":"https://beta.atlassian.net","scopes":[],"avatarUrl":"https://y"}]"#),
            Reply::json(200, "[]"),
        ],
    );
    let harness = harness(&overrides("atlassian", &fake, "/token"), "atlassian");
    let connection = harness.connected(connect_in_browser(&harness, "atlassian").await);
    assert_eq!(connection.account_label, "ana@example.com");
    assert_eq!(
        connection.config["site"], "1324a887-45db-1bf4-1e99-ef0ff456d421",
        "the first site is used"
    );
    assert_eq!(
        connection.config["sites"][1]["url"], "https://beta.atlassian.net",
        "every site is remembered"
    );
    assert!(
        fake.requests_to("/authorize").is_empty(),
        "the browser, not the app, visits the authorize page"
    );
    match connect_in_browser(&harness, "atlassian").await {
        FlowState::Failed { message, .. } => assert!(message.contains("no site"), "an account with no site: {message}"),
        other => panic!("no accessible site must fail the sign-in, got {other:?}"),
    }
}

#[tokio::test]
async fn a_github_device_code_sign_in_polls_until_approved() {
    let fake = FakeProvider::start().await;
    fake.script("/login/device/code", [Reply::json(200, r#"{"device_code":"dc-1","user_code":"WDJB-MJHT","verification_uri":"https://github.com/login/device","expires_in":900,"interval":1}"#)]);
    fake.script(
        "/token",
        [
            Reply::json(200, r#"{"error":"authorization_pending"}"#),
            Reply::json(
                200,
                r#"{"access_token":"gho_device","token_type":"bearer","scope":"repo"}"#,
            ),
        ],
    );
    fake.script("/user", [Reply::json(200, r#"{"id":1,"login":"ana"}"#)]);
    let harness = harness(&overrides("github", &fake, "/token"), "device");
    let started = harness
        .services
        .sign_ins
        .start(&request("github", ConnectMethod::DeviceCode))
        .await
        .expect("the device sign-in starts");
    match &started.state {
        FlowState::WaitingForDeviceCode { user_code, .. } => assert_eq!(user_code, "WDJB-MJHT", "the code to type"),
        other => panic!("the first state shows the code, got {other:?}"),
    }
    assert_eq!(
        harness.browser_url(),
        "https://github.com/login/device",
        "the page to type it on is opened"
    );
    let connection = harness.connected(harness.outcome(&started.flow_id).await);
    assert_eq!(connection.auth_kind, AuthKind::DeviceCode);
    assert_eq!(connection.account_label, "ana");
    let polls = fake.requests_to("/token");
    assert_eq!(polls.len(), 2, "one pending answer, then the tokens");
    assert!(
        polls.iter().all(|poll| poll.form_value("client_secret").is_none()),
        "the device flow sends no secret"
    );
}

#[tokio::test]
async fn a_telegram_bot_token_is_verified_with_get_me_before_it_is_saved() {
    let fake = FakeProvider::start().await;
    fake.script(
        "/bot123:good/getMe",
        [Reply::json(
            200,
            r#"{"ok":true,"result":{"id":4242,"is_bot":true,"username":"ana_bot"}}"#,
        )],
    );
    fake.script(
        "/bot123:bad/getMe",
        [Reply::json(
            401,
            r#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#,
        )],
    );
    let overrides = format!("[providers.telegram]\napi_base_url = \"{}\"\n", fake.url(""));
    let harness = harness(&overrides, "telegram");
    let with_token = |token: &str| CredentialsRequest {
        provider: "telegram".into(),
        products: vec![],
        values: BTreeMap::from([("token".to_owned(), token.to_owned())]),
    };
    let refused = harness
        .services
        .sign_ins
        .connect_with_credentials(&with_token("123:bad"))
        .await
        .expect_err("a token Telegram refuses is not saved");
    assert_eq!(refused.code(), ErrorCode::ProviderRejected, "{}", refused);
    assert!(
        !refused.to_string().contains("123:bad"),
        "the token never appears in the message: {}",
        refused
    );
    assert!(harness.services.store.list().expect("list").is_empty(), "nothing saved");

    let connection = harness
        .services
        .sign_ins
        .connect_with_credentials(&with_token("123:good"))
        .await
        .expect("a good token connects");
    assert_eq!(connection.account_label, "ana_bot", "getMe names the bot");
    assert_eq!(connection.account_id, "4242");
    assert_eq!(connection.auth_kind, AuthKind::BotToken);
    let bytes = harness.database_bytes();
    assert!(
        !bytes.windows(8).any(|window| window == b"123:good"),
        "the bot token is stored encrypted only"
    );
}

#[tokio::test]
async fn a_callback_with_another_state_is_dropped_before_any_token_request() {
    let fake = FakeProvider::start().await;
    fake.script(
        "/token",
        [Reply::json(
            200,
            r#"{"access_token":"gho_abc","token_type":"bearer","scope":"repo"}"#,
        )],
    );
    fake.script("/user", [Reply::json(200, r#"{"id":7,"login":"ana"}"#)]);
    let harness = harness(&overrides("github", &fake, "/token"), "wrong-state");
    let started = harness
        .services
        .sign_ins
        .start(&request("github", ConnectMethod::Browser))
        .await
        .expect("the sign-in starts");
    let authorize_url = harness.browser_url();
    let url = url::Url::parse(&authorize_url).expect("an authorization URL");
    let redirect = url
        .query_pairs()
        .find(|(key, _)| key == "redirect_uri")
        .map(|(_, v)| v.into_owned());
    let forged = format!("{}?code=stolen&state=not-this-flows", redirect.expect("redirect_uri"));
    connector::browse(&forged).await;
    assert!(
        fake.requests_to("/token").is_empty(),
        "A1: a callback for no pending state never reaches the token endpoint"
    );
    assert!(
        harness.services.store.list().expect("list").is_empty(),
        "A1: nothing is written"
    );
    connector::return_to_app(&authorize_url).await;
    let connection = harness.connected(harness.outcome(&started.flow_id).await);
    assert_eq!(
        connection.account_label, "ana",
        "the flow kept waiting and takes its real callback"
    );
    assert_eq!(fake.requests_to("/token").len(), 1, "exactly one code exchange");
}

#[tokio::test]
async fn a_rejected_client_is_a_settings_problem_not_a_new_sign_in() {
    let fake = FakeProvider::start().await;
    fake.script(
        "/token",
        [Reply::json(
            401,
            r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
        )],
    );
    let harness = harness(&overrides("github", &fake, "/token"), "invalid-client");
    match connect_in_browser(&harness, "github").await {
        FlowState::Failed { code, message } => {
            assert_eq!(
                code,
                ErrorCode::NotConfigured,
                "B7: the UI sends the person to Settings for this code"
            );
            assert!(
                message.contains("Settings"),
                "B7: the message says where to fix it: {message}"
            );
        }
        other => panic!("invalid_client must fail the sign-in, got {other:?}"),
    }
    assert_eq!(fake.requests_to("/token").len(), 1, "B7: no retry of a rejected client");
    assert!(
        harness.opened.try_recv().is_err(),
        "B7: no second browser sign-in (no consent loop)"
    );
}
