//! Connecting over the loopback redirect against a real OpenID Connect server (oidc-provider,
//! PKCE required, RFC 9207 `iss`): the browser stand-in signs in and approves, the listener
//! takes the callback, the code is exchanged, and refresh tokens rotate. Also: a wrong PKCE
//! verifier (B14), a replayed code, and a revoked refresh token (C1).

use crate::support::oidc;

use std::time::Duration;

use oidc::{approve_in_browser, OidcServer};
use switchboard_core::catalog::TokenAuth;
use switchboard_core::catalog::TokenQuirk;
use switchboard_core::clock::{Clock, SystemClock};
use switchboard_core::oauth::authorize::{AuthorizationRequest, AuthorizeEndpoint};
use switchboard_core::oauth::discovery::{discover, DiscoveryError};
use switchboard_core::oauth::id_token::{verify_id_token, Expected};
use switchboard_core::oauth::jwks::JwksCache;
use switchboard_core::oauth::token::{exchange_code, refresh, TokenClient, TokenError, TokenSet};
use switchboard_core::oauth::LoopbackListener;
use switchboard_core::vault::Sensitive;

const PROVIDER: &str = "oidc-test";

fn endpoint(server: &OidcServer) -> AuthorizeEndpoint {
    AuthorizeEndpoint {
        authorize_url: server.url("/auth"),
        client_id: server.client_id.clone(),
        scopes: ["openid", "email", "offline_access"].map(String::from).to_vec(),
        scope_separator: " ".into(),
        scope_param: Default::default(),
        extra_params: vec![("prompt".into(), "consent".into())],
        issuer: Some(server.issuer.clone()),
        iss_parameter_supported: true,
        openid: true,
    }
}

fn token_client(server: &OidcServer) -> (String, String) {
    (server.url("/token"), server.client_id.clone())
}

/// Runs the browser part of a sign-in and returns the request and the code it produced.
async fn sign_in(server: &OidcServer, login: &str) -> (AuthorizationRequest, Sensitive<String>) {
    let listener = LoopbackListener::bind(PROVIDER)
        .await
        .expect("bind the loopback listener");
    let request = AuthorizationRequest::new(&endpoint(server), &listener.redirect_uri()).expect("an authorization URL");
    let waiting = tokio::spawn({
        let state = request.state().to_owned();
        async move { listener.wait_for(&state, Duration::from_secs(30)).await }
    });
    let (approved, printed) = approve_in_browser(request.url(), login).await;
    assert!(
        approved,
        "the browser stand-in must get through sign-in and consent:\n{printed}"
    );
    let callback = waiting
        .await
        .expect("join")
        .expect("the callback reaches the loopback listener");
    assert_eq!(
        callback.iss.as_deref(),
        Some(server.issuer.as_str()),
        "RFC 9207: the server names itself"
    );
    let code = request
        .accept(callback)
        .expect("the callback passes state and iss checks");
    (request, code)
}

async fn exchange(
    server: &OidcServer,
    request: &AuthorizationRequest,
    code: &Sensitive<String>,
) -> Result<TokenSet, TokenError> {
    let (token_url, client_id) = token_client(server);
    let client = TokenClient {
        token_url: &token_url,
        client_id: &client_id,
        client_secret: None,
        quirk: TokenQuirk::Standard,
        auth: TokenAuth::Post,
    };
    exchange_code(&client, code, request.redirect_uri(), request.verifier()).await
}

#[tokio::test]
async fn a_loopback_sign_in_yields_tokens_and_refresh_rotates_them() {
    let server = OidcServer::start();
    let (request, code) = sign_in(&server, "ana").await;
    let tokens = exchange(&server, &request, &code)
        .await
        .expect("the code exchange succeeds");
    assert!(!tokens.access_token.expose().is_empty(), "an access token");

    let metadata = discover(&server.issuer)
        .await
        .expect("D10: discovery from the issuer itself");
    assert!(
        metadata.authorization_response_iss_parameter_supported,
        "oidc-provider advertises RFC 9207"
    );
    let keys = JwksCache::new(metadata.jwks_uri.as_deref().expect("a jwks_uri"));
    let expected = Expected {
        issuer: &server.issuer,
        client_id: &server.client_id,
        nonce: request.nonce().expect("a nonce for openid"),
        algorithms: &metadata.id_token_signing_alg_values_supported,
        now: SystemClock.now(),
    };
    let id_token = tokens.id_token.as_ref().expect("an id_token for the openid scope");
    let identity = verify_id_token(id_token, &expected, &keys)
        .await
        .expect("the id_token checks out");
    assert_eq!(identity.subject, "ana", "the account is keyed by sub");
    assert_eq!(
        identity.email.as_deref(),
        Some("ana@example.com"),
        "the account is named by its email"
    );
    let other_flow = Expected {
        nonce: "another-flows-nonce",
        ..expected
    };
    assert!(
        verify_id_token(id_token, &other_flow, &keys).await.is_err(),
        "D3: another flow's nonce"
    );
    assert!(tokens.expires_in.is_some_and(|seconds| seconds > 0), "an expiry");
    let first_refresh = tokens.refresh_token.expect("a refresh token for offline_access");

    let (token_url, client_id) = token_client(&server);
    let client = TokenClient {
        token_url: &token_url,
        client_id: &client_id,
        client_secret: None,
        quirk: TokenQuirk::Standard,
        auth: TokenAuth::Post,
    };
    let refreshed = refresh(&client, &first_refresh).await.expect("the refresh succeeds");
    let second_refresh = refreshed.refresh_token.expect("a rotated refresh token");
    assert_ne!(
        second_refresh.expose(),
        first_refresh.expose(),
        "oidc-provider rotates refresh tokens"
    );

    let reused = refresh(&client, &first_refresh).await;
    assert!(
        matches!(reused, Err(TokenError::InvalidGrant { .. })),
        "an old refresh token is refused as invalid_grant (needs re-authorization), got {reused:?}"
    );
}

#[tokio::test]
async fn a_wrong_verifier_or_a_replayed_code_is_invalid_grant() {
    let server = OidcServer::start();
    let (request, code) = sign_in(&server, "ana").await;
    let (token_url, client_id) = token_client(&server);
    let client = TokenClient {
        token_url: &token_url,
        client_id: &client_id,
        client_secret: None,
        quirk: TokenQuirk::Standard,
        auth: TokenAuth::Post,
    };
    let wrong_verifier = Sensitive::new("x".repeat(43));
    let outcome = exchange_code(&client, &code, request.redirect_uri(), &wrong_verifier).await;
    assert!(
        matches!(outcome, Err(TokenError::InvalidGrant { .. })),
        "B14: got {outcome:?}"
    );

    let (request, code) = sign_in(&server, "ana").await;
    exchange(&server, &request, &code)
        .await
        .expect("the first exchange succeeds");
    let replay = exchange(&server, &request, &code).await;
    assert!(
        matches!(replay, Err(TokenError::InvalidGrant { .. })),
        "a code works once, got {replay:?}"
    );
}

#[tokio::test]
async fn discovery_refuses_metadata_naming_another_issuer() {
    let server = OidcServer::start();
    // Same server, reached by another name: its metadata names 127.0.0.1, not localhost.
    let alias = server.issuer.replace("127.0.0.1", "localhost");
    let outcome = discover(&alias).await;
    assert!(
        matches!(outcome, Err(DiscoveryError::IssuerMismatch { .. })),
        "D10: the configuration must name the issuer it was fetched from, got {outcome:?}"
    );
}
