//! The device flow end to end against oidc-provider (tests/oidc/server.mjs), a server we did not
//! write: its device response omits `interval`, so 5 s applies (C11); a stand-in enters the
//! user code, signs in and consents, or declines (C12), while Switchboard polls. One "second"
//! is 200 ms here.

use oidc::OidcServer;
use oidc_device::{enter_device_code, DeviceDecision};

use super::*;

const REAL_SECOND: Duration = Duration::from_millis(200);

/// Starts a device flow at a fresh server, lets the stand-in decide, and polls meanwhile.
async fn device_flow(decision: DeviceDecision) -> (OidcServer, DeviceAuthorization, Result<TokenSet, DeviceError>) {
    let server = OidcServer::start();
    let policy = policy(REAL_SECOND);
    let scopes = ["openid", "email"].map(String::from);
    let authorization = start_with(&server.url("/device/auth"), &server.client_id, &scopes, " ", &policy)
        .await
        .expect("oidc-provider gives a device code");
    let token_url = server.url("/token");
    let client = TokenClient {
        token_url: &token_url,
        client_id: &server.client_id,
        client_secret: None,
        quirk: TokenQuirk::Standard,
        auth: TokenAuth::Post,
    };
    let (_keep_open, cancel) = watch::channel(false);
    let polling = poll(&client, &authorization, &policy, cancel);
    let entering = enter_device_code(&server.issuer, &authorization.user_code, "ana", decision);
    let (outcome, (entered, printed)) = tokio::join!(polling, entering);
    assert!(entered, "the stand-in must get through the device pages:\n{printed}");
    (server, authorization, outcome)
}

#[tokio::test]
async fn a_device_flow_at_a_real_server_yields_tokens_with_the_default_interval() {
    let (server, authorization, outcome) = device_flow(DeviceDecision::Approve).await;
    assert_eq!(
        authorization.interval, 5,
        "C11: oidc-provider omits interval, so RFC 8628's 5 s applies"
    );
    assert_eq!(
        authorization.verification_uri,
        server.url("/device"),
        "the page the person is sent to"
    );
    let tokens = outcome.expect("polling ends with tokens once the person approved");
    assert!(!tokens.access_token.expose().is_empty(), "an access token");
    assert!(tokens.id_token.is_some(), "openid was asked, so an id_token comes too");
    assert!(
        tokens.scope.as_deref().is_some_and(|scope| scope.contains("openid")),
        "the granted scopes are stated: {:?}",
        tokens.scope
    );
}

#[tokio::test]
async fn a_declined_device_flow_at_a_real_server_stops_with_a_clear_message() {
    let (_server, _, outcome) = device_flow(DeviceDecision::Decline).await;
    let error = outcome.expect_err("declining ends the flow");
    assert!(
        matches!(error, DeviceError::Denied { .. }),
        "C12: oidc-provider answers access_denied, got {error:?}"
    );
    assert!(error.to_string().starts_with("You declined access"), "{error}");
}
