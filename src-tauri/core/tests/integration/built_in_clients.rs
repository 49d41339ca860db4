//! A build's own OAuth clients (the built-in clients file): Google connects with one click
//! through the built-in client (oidc-provider standing in for Google, its endpoints from an
//! overrides file that names no client), GitHub's public built-in client signs in by device code
//! rather than the browser, and a person's own app saved in Settings takes precedence and can be
//! removed to go back to the built-in one. Each source is said as Settings and the Integrations
//! page show it.

use crate::support::connector::Harness;
use crate::support::google_flow::google;
use crate::support::keyring;
use crate::support::oidc::{approve_in_browser, OidcServer};

use std::time::Duration;

use switchboard_core::catalog::{BuiltInClients, RedirectKind};
use switchboard_core::connections::{ClientIdSource, Integration, ProviderSetupUpdate};

/// Google's endpoints at the server, with no client: the client is the build's.
fn endpoints_only(server: &OidcServer) -> String {
    let issuer = &server.issuer;
    format!(
        "[providers.google.oauth]\nauthorize_url = \"{issuer}/auth\"\ntoken_url = \"{issuer}/token\"\n\
         issuer = \"{issuer}\"\nscopes = [\"openid\", \"email\", \"offline_access\"]\n"
    )
}

fn built_in(server: &OidcServer) -> BuiltInClients {
    let text = format!(
        "[providers.google]\nclient_id = \"{}\"\nclient_secret = \"{}\"\n[providers.github]\nclient_id = \"Ov23li-built-in\"\n",
        server.google_client_id, server.google_client_secret
    );
    BuiltInClients::from_text("clients.toml", &text).expect("a valid built-in clients file")
}

fn integration<'a>(all: &'a [Integration], provider: &str) -> &'a Integration {
    all.iter().find(|shown| shown.provider.id == provider).expect("listed")
}

#[tokio::test]
async fn the_built_in_client_connects_in_one_click_and_a_persons_own_app_comes_first() {
    keyring::require_session_bus();
    let server = OidcServer::start();
    let clients = built_in(&server);
    let harness = Harness::configured(
        tempfile::tempdir().expect("a data directory"),
        &endpoints_only(&server),
        keyring::private_slot("built-in-clients"),
        Duration::from_secs(30),
        |options| options.built_in_clients = clients,
    );
    let services = &harness.services;

    let shown = services.integrations().expect("the integrations");
    let google_card = integration(&shown, "google");
    assert!(
        google_card.client_ready && google_card.browser_ready,
        "Google: nothing to set up"
    );
    assert_eq!(google_card.client_from, Some(ClientIdSource::BuiltIn));
    let github = integration(&shown, "github");
    assert!(
        github.client_ready && !github.browser_ready,
        "GitHub's built-in client is public: its device flow, not the browser (which needs a secret)"
    );
    assert_eq!(integration(&shown, "slack").client_from, None, "Slack ships no client");
    let setup = services.apps.provider_setup("google").expect("Google's setup");
    assert!(setup.built_in && setup.has_client_secret, "{setup:?}");
    assert_eq!(setup.client_id_from, Some(ClientIdSource::BuiltIn));

    let started = services
        .sign_ins
        .start(&google())
        .await
        .expect("one click starts the sign-in");
    let url = harness.browser_url();
    assert!(
        url.contains(&format!("client_id={}", server.google_client_id)),
        "the built-in client signs in: {url}"
    );
    let (approved, printed) = approve_in_browser(&url, "ana").await;
    assert!(approved, "the browser stand-in finishes:\n{printed}");
    let connection = harness.connected(harness.outcome(&started.flow_id).await);
    assert_eq!(
        connection.account_label, "ana@example.com",
        "connected through the built-in client, its secret sent to the token endpoint"
    );

    let own = ProviderSetupUpdate {
        provider: "google".into(),
        client_id: "my-own-app.apps.googleusercontent.com".into(),
        client_secret: Some("my-own-secret".into()),
        redirect: RedirectKind::Loopback,
    };
    let setup = services
        .apps
        .save_provider_setup(&own)
        .expect("the person's own app is saved");
    assert_eq!(
        setup.client_id_from,
        Some(ClientIdSource::Settings),
        "their app comes first"
    );
    assert_eq!(
        setup.client_id.as_deref(),
        Some("my-own-app.apps.googleusercontent.com")
    );
    services
        .sign_ins
        .start(&google())
        .await
        .expect("a sign-in with their app starts");
    assert!(
        harness
            .browser_url()
            .contains("client_id=my-own-app.apps.googleusercontent.com"),
        "the person's own app signs in"
    );

    let back = ProviderSetupUpdate {
        client_id: String::new(),
        client_secret: Some(String::new()),
        ..own
    };
    let setup = services.apps.save_provider_setup(&back).expect("their app is removed");
    assert_eq!(
        setup.client_id_from,
        Some(ClientIdSource::BuiltIn),
        "without their app, the built-in client again"
    );
}
