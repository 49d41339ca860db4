//! SECURITY.md E12: every type that holds a secret prints it redacted in Debug (which is what
//! logs, panics and error chains use): token sets, callbacks with a code, device codes, client
//! credentials (from the overrides file or Settings), pasted keys, and the PKCE verifier.

use crate::catalog::{apply_overrides, Catalog, TokenQuirk};
use crate::oauth::parse_callback_url;
use crate::oauth::token::parse_token_response;

const SECRETS: [&str; 6] = [
    "at-SECRET",
    "rt-SECRET",
    "idt-SECRET",
    "code-SECRET",
    "dc-SECRET",
    "cs-SECRET",
];

fn assert_redacted(printed: &str, what: &str) {
    for secret in SECRETS {
        assert!(
            !printed.contains(secret),
            "Debug of {what} must not print {secret}: {printed}"
        );
    }
}

#[test]
fn debug_never_prints_a_secret() {
    let url = url::Url::parse("https://oauth2.example.com/token").expect("url");
    let body = br#"{"access_token":"at-SECRET","refresh_token":"rt-SECRET","id_token":"idt-SECRET","expires_in":3600}"#;
    let tokens = parse_token_response(&url, 200, body, TokenQuirk::Standard).expect("a token response");
    assert_redacted(&format!("{tokens:?}"), "a TokenSet");

    let callback = parse_callback_url(b"switchboard://oauth/callback/github?code=code-SECRET&state=s", |_| {
        true
    })
    .expect("a callback");
    assert_redacted(&format!("{callback:?}"), "a callback");

    let device = crate::oauth::device::parse_device_authorization(
        "github.com".into(),
        200,
        br#"{"device_code":"dc-SECRET","user_code":"ABCD-EFGH","verification_uri":"https://github.com/login/device"}"#,
    )
    .expect("a device authorization");
    assert_redacted(&format!("{device:?}"), "a device authorization");

    let text = "[providers.github]\nclient_id = \"id\"\nclient_secret = \"cs-SECRET\"\n";
    let overridden = apply_overrides(&Catalog::builtin().expect("catalog"), "o.toml", text).expect("overrides");
    assert_redacted(&format!("{overridden:?}"), "the overrides' client credentials");

    let pasted = crate::connections::CredentialsRequest {
        provider: "telegram".into(),
        products: vec![],
        values: [("token".to_owned(), "cs-SECRET".to_owned())].into(),
    };
    assert_redacted(&format!("{pasted:?}"), "a pasted key or token");
    let saved = crate::connections::ProviderSetupUpdate {
        provider: "github".into(),
        client_id: "id".into(),
        client_secret: Some("cs-SECRET".into()),
        redirect: crate::catalog::RedirectKind::Loopback,
    };
    assert_redacted(&format!("{saved:?}"), "a client secret from Settings");

    let endpoint = crate::oauth::authorize::AuthorizeEndpoint {
        authorize_url: "https://accounts.example.com/auth".into(),
        client_id: "id".into(),
        ..Default::default()
    };
    let request = crate::oauth::authorize::AuthorizationRequest::new(&endpoint, "http://127.0.0.1:1/callback/google")
        .expect("a request");
    let verifier = request.verifier().expose().clone();
    let printed = format!("{:?}", request.verifier());
    assert!(
        !printed.contains(&verifier),
        "the PKCE verifier prints redacted: {printed}"
    );
}
