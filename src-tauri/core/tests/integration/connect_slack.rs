//! Connecting Slack as the person: the sign-in asks for user scopes (`user_scope`), the token kept
//! is the one Slack returns under `authed_user`, and consent for one more scope (setting a status)
//! gives a token the status request then uses. Against a loopback double of `oauth.v2.access`,
//! `auth.test` and `users.profile.set` speaking Slack's documented shapes.

use crate::connect_providers::{harness, overrides, request};
use crate::support::actions::{executor, run_request};
use crate::support::connector;
use crate::support::fake_provider::{FakeProvider, Reply};
use crate::support::google_flow::query_value;

use serde_json::json;
use switchboard_core::connections::{ConnectMethod, ConnectRequest, Connection};
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::tools::{Consent, RunOutcome};

/// Slack's answer to a `user_scope` sign-in: no top-level token, the person's under `authed_user`.
fn signed_in_as_ana(token: &str, scope: &str) -> Reply {
    Reply::json(
        200,
        &json!({
            "ok": true,
            "app_id": "A0SWITCH",
            "team": {"id": "T0ACME", "name": "Acme"},
            "enterprise": null,
            "is_enterprise_install": false,
            "authed_user": {"id": "U0ANA", "scope": scope, "access_token": token, "token_type": "user"}
        })
        .to_string(),
    )
}

fn auth_test() -> Reply {
    Reply::json(
        200,
        r#"{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"ana","team_id":"T0ACME","user_id":"U0ANA"}"#,
    )
}

async fn sign_in(harness: &connector::Harness, request: &ConnectRequest) -> (String, Connection) {
    let started = harness
        .services
        .sign_ins
        .start(request)
        .await
        .expect("the sign-in starts");
    let opened = harness.browser_url();
    connector::return_to_app(&opened).await;
    let connection = harness.connected(harness.outcome(&started.flow_id).await);
    (opened, connection)
}

#[tokio::test]
async fn slack_connects_as_the_person_and_a_status_needs_and_then_uses_their_token() {
    let fake = FakeProvider::start().await;
    let first_scopes = "channels:read,groups:read,channels:history,chat:write,users:read";
    fake.script(
        "/token",
        [
            signed_in_as_ana("xoxp-ana-1", first_scopes),
            signed_in_as_ana("xoxp-ana-2", &format!("{first_scopes},users.profile:write")),
        ],
    );
    fake.script("/auth.test", [auth_test(), auth_test()]);
    fake.script(
        "/users.profile.set",
        [Reply::json(
            200,
            r#"{"ok":true,"profile":{"status_text":"Lunch","status_emoji":""}}"#,
        )],
    );
    let harness = harness(&overrides("slack", &fake, "/token"), "slack-person");

    let (opened, connection) = sign_in(&harness, &request("slack", ConnectMethod::Browser)).await;
    assert_eq!(
        query_value(&opened, "user_scope"),
        first_scopes,
        "the product's scopes are asked for the person, comma-separated"
    );
    assert!(
        !url::Url::parse(&opened)
            .expect("a URL")
            .query_pairs()
            .any(|(key, _)| key == "scope"),
        "no bot scopes are asked for: {opened}"
    );
    assert_eq!(
        (connection.account_id.as_str(), connection.account_label.as_str()),
        ("U0ANA", "Acme")
    );
    assert_eq!(
        connection.scopes.len(),
        5,
        "the person's granted scopes: {:?}",
        connection.scopes
    );
    assert_eq!(
        fake.requests_to("/auth.test")[0].header("authorization"),
        Some("Bearer xoxp-ana-1"),
        "the token kept is the person's, from authed_user"
    );

    let executor = executor(&harness);
    let status = run_request("slack.set_my_status", &connection, json!({"text": "Lunch"}));
    let needs = UserError::from(
        executor
            .run(&status, Consent::Approved)
            .await
            .expect_err("a scope short"),
    );
    assert_eq!(needs.code, ErrorCode::NeedsConsent, "{}", needs.message);
    assert!(
        fake.requests_to("/users.profile.set").is_empty(),
        "nothing sent without the scope"
    );

    let more = ConnectRequest {
        connection: Some(connection.id),
        scopes: vec!["users.profile:write".into()],
        ..request("slack", ConnectMethod::Browser)
    };
    let (opened, connection) = sign_in(&harness, &more).await;
    assert!(
        query_value(&opened, "user_scope").contains("users.profile:write"),
        "consent asks Slack for the one scope more, for the person: {opened}"
    );
    assert!(connection.scopes.iter().any(|scope| scope == "users.profile:write"));
    match executor.run(&status, Consent::Approved).await.map_err(UserError::from) {
        Ok(RunOutcome::Done(_)) => {}
        other => panic!("the status is set once the scope is granted: {other:?}"),
    }
    let set = &fake.requests_to("/users.profile.set")[0];
    assert_eq!(
        set.header("authorization"),
        Some("Bearer xoxp-ana-2"),
        "the status is set with the person's new token"
    );
}
