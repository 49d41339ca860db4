//! Google sign-ins through the core's services that must not connect: declined in the browser (A6),
//! an answer from another issuer or naming none (A12, A13), never finished (A19), cancelled,
//! and not set up (no client ID).

use crate::support::connector;
use crate::support::google_flow;
use crate::support::keyring;
use crate::support::oidc;

use std::net::TcpStream;
use std::time::Duration;

use connector::Harness;
use google_flow::{failure, google, harness, loopback_port, query_value, DEEP_LINK, LOOPBACK};
use oidc::{decline_in_browser, OidcServer};
use switchboard_core::connections::FlowState;
use switchboard_core::error::ErrorCode;
use switchboard_core::oauth::{receive_deep_link, DeepLinkOutcome};

#[tokio::test]
async fn declining_in_the_browser_says_so() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "decline", Duration::from_secs(30));
    let started = harness
        .services
        .sign_ins
        .start(&google())
        .await
        .expect("the sign-in starts");
    decline_in_browser(&harness.browser_url()).await;
    let message = failure(harness.outcome(&started.flow_id).await);
    assert!(
        message.contains("declined"),
        "A6: plain words for access_denied: {message}"
    );
    assert!(
        harness.services.store.list().expect("list").is_empty(),
        "nothing connected"
    );
}

#[tokio::test]
async fn a_callback_from_another_issuer_or_naming_none_is_refused() {
    let server = OidcServer::start();
    let harness = harness(&server, DEEP_LINK, "issuer", Duration::from_secs(30));
    let cases = [
        (
            "&iss=https%3A%2F%2Fevil.example",
            "unexpected issuer",
            "A12: a different iss",
        ),
        (
            "",
            "did not say which server",
            "A13: no iss from a server that advertises it",
        ),
    ];
    for (iss, expected, why) in cases {
        let started = harness
            .services
            .sign_ins
            .start(&google())
            .await
            .expect("the sign-in starts");
        let state = query_value(&harness.browser_url(), "state");
        let link = format!("switchboard://oauth/callback/google?code=forged&state={state}{iss}");
        let receipt = receive_deep_link(
            link.as_bytes(),
            harness.services.context.catalog(),
            harness.services.sign_ins.pending(),
            0,
        );
        assert_eq!(
            receipt.outcome,
            DeepLinkOutcome::Delivered,
            "the state matches, so the flow checks it"
        );
        let message = failure(harness.outcome(&started.flow_id).await);
        assert!(
            message.contains(expected),
            "{why} must be refused before the code is used: {message}"
        );
    }
    assert!(
        harness.services.store.list().expect("list").is_empty(),
        "nothing connected"
    );
}

#[tokio::test]
async fn a_sign_in_never_finished_times_out_and_closes_its_port() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "timeout", Duration::from_millis(500));
    let started = harness
        .services
        .sign_ins
        .start(&google())
        .await
        .expect("the sign-in starts");
    let port = loopback_port(&harness.browser_url());
    let message = failure(harness.outcome(&started.flow_id).await);
    assert!(
        message.contains("in time"),
        "A19: the flow says it timed out: {message}"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "A19: the port is closed after the timeout"
    );
}

#[tokio::test]
async fn cancel_ends_the_wait_and_closes_the_port() {
    let server = OidcServer::start();
    let harness = harness(&server, LOOPBACK, "cancel", Duration::from_secs(30));
    let started = harness
        .services
        .sign_ins
        .start(&google())
        .await
        .expect("the sign-in starts");
    let port = loopback_port(&harness.browser_url());
    harness
        .services
        .sign_ins
        .cancel(&started.flow_id)
        .expect("cancel a running sign-in");
    assert_eq!(
        harness.outcome(&started.flow_id).await,
        FlowState::Cancelled,
        "Cancel ends the flow"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the port is closed after Cancel"
    );
    let again = harness
        .services
        .sign_ins
        .cancel(&started.flow_id)
        .expect_err("cancelled once");
    assert_eq!(
        again.code(),
        ErrorCode::NotFound,
        "an ended flow cannot be cancelled again"
    );
}

#[tokio::test]
async fn without_a_client_id_the_sign_in_does_not_start() {
    keyring::require_session_bus();
    let harness = Harness::new("", keyring::private_slot("unconfigured"), Duration::from_secs(5));
    let error = harness
        .services
        .sign_ins
        .start(&google())
        .await
        .expect_err("no client ID");
    assert_eq!(
        error.code(),
        ErrorCode::NotConfigured,
        "the UI offers Settings for this code"
    );
    assert!(
        error.to_string().contains("Settings"),
        "the message says where to fix it: {}",
        error
    );
    assert!(
        harness.opened.try_recv().is_err(),
        "no browser is opened for a sign-in that cannot work"
    );
}

#[tokio::test]
async fn a_deep_link_sign_in_never_finished_times_out_and_stops_waiting() {
    let server = OidcServer::start();
    let harness = harness(&server, DEEP_LINK, "deep-link-timeout", Duration::from_millis(500));
    let started = harness
        .services
        .sign_ins
        .start(&google())
        .await
        .expect("the sign-in starts");
    let state = query_value(&harness.browser_url(), "state");
    let message = failure(harness.outcome(&started.flow_id).await);
    assert!(
        message.contains("in time"),
        "A19: the flow says it timed out: {message}"
    );
    let late = format!("switchboard://oauth/callback/google?code=c&state={state}");
    let receipt = receive_deep_link(
        late.as_bytes(),
        harness.services.context.catalog(),
        harness.services.sign_ins.pending(),
        0,
    );
    assert_eq!(
        receipt.outcome,
        DeepLinkOutcome::NoPendingFlow,
        "A19: a late answer finds nothing waiting"
    );
}
