//! SECURITY.md D1 (wrong `iss`) and D3 (nonce missing, wrong or replayed), with the audience,
//! `sub` and `exp` checks, end to end: a Google sign-in through `browser_flow::start` exactly as
//! the app runs one, against an OpenID Connect issuer double on loopback that signs its
//! id_tokens with a real (Ed25519) key published in its JWKS. Each refused token must fail
//! the sign-in after the code exchange, with a plain message, and save nothing.

use crate::support::connector;
use crate::support::fake_issuer;

use connector::Harness;
use fake_issuer::{now, FakeIssuer, SignIn, CLIENT_ID, EMAIL, SUBJECT};
use serde_json::{json, Value};
use switchboard_core::connections::FlowState;
use switchboard_core::error::ErrorCode;
use switchboard_core::oauth::id_token::LEEWAY_SECONDS;

/// One sign-in whose id_token carries the right claims changed by `edit`.
async fn sign_in_with(test: &str, edit: impl FnOnce(&mut Value)) -> (FakeIssuer, Harness, SignIn, FlowState) {
    let issuer = FakeIssuer::start().await;
    let harness = issuer.harness(test);
    let sign_in = SignIn::start(&harness).await;
    let mut claims = issuer.claims(&sign_in.nonce());
    edit(&mut claims);
    issuer.answer_with(&claims);
    let outcome = sign_in.finish(&harness).await;
    (issuer, harness, sign_in, outcome)
}

/// The sign-in failed on the id_token (after exactly one code exchange), said so in plain
/// words containing `expected`, and saved no connection.
fn assert_refused(
    case: &str,
    issuer: &FakeIssuer,
    harness: &Harness,
    sign_in: &SignIn,
    outcome: FlowState,
    expected: &str,
) {
    let FlowState::Failed { code, message } = outcome else {
        panic!("{case}: the sign-in must fail, got {outcome:?}");
    };
    assert_eq!(code, ErrorCode::ProviderRejected, "{case}: {message}");
    assert!(
        message.starts_with("Google signed you in, but the account could not be confirmed: "),
        "{case}: the message says what failed: {message}"
    );
    assert!(
        message.contains(expected),
        "{case}: the message names the problem: {message}"
    );
    assert!(
        !message.contains("eyJ") && !message.contains(&sign_in.nonce()),
        "{case}: no token or nonce in the message: {message}"
    );
    assert_eq!(
        issuer.server.requests_to("/token").len(),
        1,
        "{case}: refused after the code exchange, not before"
    );
    assert!(
        harness.services.store.list().expect("list").is_empty(),
        "{case}: no connection is saved"
    );
}

#[tokio::test]
async fn control_correct_claims_connect_the_account_keyed_by_issuer_and_subject() {
    let (issuer, harness, sign_in, outcome) = sign_in_with("id-token-control", |_| {}).await;
    let connection = harness.connected(outcome);
    assert_eq!(connection.account_label, EMAIL, "named by the id_token's email");
    assert_eq!(
        connection.account_id,
        format!("{}|{SUBJECT}", issuer.issuer),
        "keyed by (iss, sub)"
    );
    assert_eq!(harness.services.store.list().expect("list"), [connection]);
    assert!(!sign_in.nonce().is_empty(), "a nonce was sent");
    assert_eq!(
        issuer.server.requests_to("/jwks").len(),
        1,
        "the signature was checked with the JWKS"
    );
    let exchange = &issuer.server.requests_to("/token")[0];
    assert_eq!(exchange.form_value("client_id").as_deref(), Some(CLIENT_ID));
    assert!(exchange.form_value("code_verifier").is_some(), "PKCE verifier sent");
}

#[tokio::test]
async fn d1_an_id_token_from_another_issuer_is_refused() {
    let (issuer, harness, sign_in, outcome) = sign_in_with("id-token-d1", |claims| {
        claims["iss"] = json!("https://accounts.google.com");
    })
    .await;
    let expected = format!("was not issued by {}", issuer.issuer);
    assert_refused("D1 wrong iss", &issuer, &harness, &sign_in, outcome, &expected);
}

#[tokio::test]
async fn d3_an_id_token_without_a_nonce_is_refused() {
    let (issuer, harness, sign_in, outcome) = sign_in_with("id-token-d3-missing", |claims| {
        claims.as_object_mut().map(|object| object.remove("nonce"));
    })
    .await;
    let expected = "does not belong to this sign-in";
    assert_refused("D3 nonce missing", &issuer, &harness, &sign_in, outcome, expected);
}

#[tokio::test]
async fn d3_an_id_token_with_another_sign_ins_nonce_is_refused() {
    let issuer = FakeIssuer::start().await;
    let harness = issuer.harness("id-token-d3-other");
    let other = SignIn::start(&harness).await;
    let this = SignIn::start(&harness).await;
    assert_ne!(other.nonce(), this.nonce(), "each sign-in has its own nonce");
    issuer.answer_with(&issuer.claims(&other.nonce()));
    let outcome = this.finish(&harness).await;
    let expected = "does not belong to this sign-in";
    assert_refused("D3 another flow's nonce", &issuer, &harness, &this, outcome, expected);
    harness
        .services
        .sign_ins
        .cancel(&other.flow_id)
        .expect("the other sign-in is still waiting");
    assert_eq!(harness.outcome(&other.flow_id).await, FlowState::Cancelled);
}

#[tokio::test]
async fn d3_an_id_token_replayed_into_a_later_sign_in_is_refused() {
    let issuer = FakeIssuer::start().await;
    let harness = issuer.harness("id-token-d3-replay");
    let first = SignIn::start(&harness).await;
    let id_token = issuer.sign(&issuer.claims(&first.nonce()));
    issuer.answer_tokens(&id_token, "openid email");
    let connection = harness.connected(first.finish(&harness).await);
    let before = harness.services.store.list().expect("list");
    assert_eq!(before, [connection]);

    let second = SignIn::start(&harness).await;
    assert_ne!(first.nonce(), second.nonce(), "a fresh nonce per sign-in");
    // The same, validly signed and unexpired token again; a wider grant would show a re-save.
    issuer.answer_tokens(&id_token, "openid email https://www.googleapis.com/auth/drive.readonly");
    let FlowState::Failed { code, message } = second.finish(&harness).await else {
        panic!("D3 replay: the second sign-in must fail");
    };
    assert_eq!(code, ErrorCode::ProviderRejected, "{message}");
    assert!(
        message.contains("does not belong to this sign-in"),
        "D3 replay: the message names the problem: {message}"
    );
    assert_eq!(issuer.server.requests_to("/token").len(), 2, "one exchange per sign-in");
    assert_eq!(
        harness.services.store.list().expect("list"),
        before,
        "D3 replay: the saved connection is untouched"
    );
}

#[tokio::test]
async fn an_id_token_issued_to_another_client_is_refused() {
    let (issuer, harness, sign_in, outcome) = sign_in_with("id-token-aud", |claims| {
        claims["aud"] = json!("another-client.apps.example.com");
    })
    .await;
    let expected = "issued to another application";
    assert_refused("wrong aud", &issuer, &harness, &sign_in, outcome, expected);
}

#[tokio::test]
async fn an_id_token_without_a_subject_is_refused() {
    let (issuer, harness, sign_in, outcome) = sign_in_with("id-token-sub", |claims| {
        claims.as_object_mut().map(|object| object.remove("sub"));
    })
    .await;
    let expected = "does not name the account";
    assert_refused("sub missing", &issuer, &harness, &sign_in, outcome, expected);
}

#[tokio::test]
async fn an_id_token_expired_beyond_the_leeway_is_refused() {
    let (issuer, harness, sign_in, outcome) = sign_in_with("id-token-exp", |claims| {
        let expired = now() - LEEWAY_SECONDS - 60;
        claims["exp"] = json!(expired);
        claims["iat"] = json!(expired - 3600);
    })
    .await;
    let expected = "has expired";
    assert_refused("exp past leeway", &issuer, &harness, &sign_in, outcome, expected);
}
