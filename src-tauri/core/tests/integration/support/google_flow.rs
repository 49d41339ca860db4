//! The Google sign-in against oidc-provider as the sign-in tests drive it: the request, a
//! harness with Google pointed at the server, and reading how a flow ended.

#![allow(dead_code)] // also compiled into the tests that need a process of their own, which use parts of it

use std::time::Duration;

use switchboard_core::connections::{ConnectMethod, ConnectRequest, FlowState};

use super::connector::{google_overrides, Harness};
use super::keyring;
use super::oidc::OidcServer;

pub const LOOPBACK: &str = "\"loopback\"";
pub const DEEP_LINK: &str = "\"deep_link\"";

pub fn google() -> ConnectRequest {
    ConnectRequest {
        provider: "google".into(),
        products: vec!["gmail".into(), "drive".into()],
        method: ConnectMethod::Browser,
        redirect: None,
        connection: None,
        scopes: vec![],
    }
}

pub fn harness(server: &OidcServer, redirect: &str, test: &str, timeout: Duration) -> Harness {
    keyring::require_session_bus();
    Harness::new(
        &google_overrides(server, redirect),
        keyring::private_slot(test),
        timeout,
    )
}

pub fn failure(state: FlowState) -> String {
    match state {
        FlowState::Failed { message, .. } => message,
        other => panic!("the sign-in must fail, got {other:?}"),
    }
}

pub fn query_value(url: &str, name: &str) -> String {
    let url = url::Url::parse(url).expect("a URL");
    let value = url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned());
    value.unwrap_or_else(|| panic!("{name} missing from {url}"))
}

pub fn loopback_port(authorize_url: &str) -> u16 {
    let redirect = url::Url::parse(&query_value(authorize_url, "redirect_uri")).expect("redirect_uri");
    redirect.port().expect("a loopback port")
}
