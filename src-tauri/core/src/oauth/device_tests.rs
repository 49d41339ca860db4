//! Device authorization responses as providers send them (RFC 8628 §3.2, SECURITY.md C11):
//! parsing only; polling runs against servers in tests/oauth_device.rs.

use super::*;

fn parse(status: u16, body: &str) -> Result<DeviceAuthorization, TokenError> {
    parse_device_authorization("auth.example.com".into(), status, body.as_bytes())
}

#[test]
fn a_json_response_gives_every_field() {
    let authorization = parse(
        200,
        r#"{"device_code":"dc","user_code":"WDJB-MJHT","verification_uri":"https://example.com/device",
            "verification_uri_complete":"https://example.com/device?user_code=WDJB-MJHT","expires_in":1800,"interval":7}"#,
    )
    .expect("a valid response");
    assert_eq!(authorization.device_code.expose(), "dc");
    assert_eq!(authorization.user_code, "WDJB-MJHT");
    assert_eq!(authorization.verification_uri, "https://example.com/device");
    assert!(authorization.verification_uri_complete.is_some(), "kept when offered");
    assert_eq!(
        (authorization.expires_in, authorization.interval),
        (1800, 7),
        "as the server said"
    );
}

#[test]
fn a_missing_interval_means_five_seconds() {
    let authorization = parse(
        200,
        r#"{"device_code":"dc","user_code":"U","verification_uri":"https://example.com/device","expires_in":600}"#,
    )
    .expect("a valid response");
    assert_eq!(authorization.interval, 5, "C11: RFC 8628 §3.2 says clients MUST use 5");
}

#[test]
fn githubs_form_encoded_default_and_googles_verification_url_are_read() {
    let github = parse(
        200,
        "device_code=dc&expires_in=899&interval=5&user_code=ABCD-1234&verification_uri=https%3A%2F%2Fgithub.com%2Flogin%2Fdevice",
    )
    .expect("GitHub answers form-encoded when Accept is not honored");
    assert_eq!(github.verification_uri, "https://github.com/login/device");
    assert_eq!(github.expires_in, 899, "numbers come as strings in a form");
    let google = parse(
        200,
        r#"{"device_code":"dc","user_code":"U","verification_url":"https://www.google.com/device","expires_in":1800,"interval":5}"#,
    )
    .expect("Google says verification_url");
    assert_eq!(google.verification_uri, "https://www.google.com/device");
}

#[test]
fn a_verification_address_that_is_not_https_is_refused() {
    for uri in [
        "javascript:alert(1)",
        "http://evil.example/device",
        "file:///etc/passwd",
    ] {
        let body = format!(r#"{{"device_code":"dc","user_code":"U","verification_uri":"{uri}"}}"#);
        let outcome = parse(200, &body);
        assert!(
            matches!(outcome, Err(TokenError::Malformed { .. })),
            "the person is sent to this address; {uri} must be refused, got {outcome:?}"
        );
    }
}

#[test]
fn errors_and_non_responses_are_errors_without_the_body() {
    let client = parse(401, r#"{"error":"invalid_client"}"#);
    assert!(
        matches!(client, Err(TokenError::InvalidClient { .. })),
        "a wrong client ID is a Settings problem: {client:?}"
    );
    let disabled = parse(200, r#"{"error":"device_flow_disabled"}"#);
    assert!(
        matches!(&disabled, Err(TokenError::Rejected { error, .. }) if error == "device_flow_disabled"),
        "an error field is never a success, whatever the status: {disabled:?}"
    );
    for (status, body) in [(200, "<html>secret-page</html>"), (200, ""), (502, "secret-page")] {
        let message = parse(status, body)
            .err()
            .map(|error| error.to_string())
            .expect("an error");
        assert!(!message.contains("secret-page"), "the body is never echoed: {message}");
    }
}

#[test]
fn debug_hides_the_codes() {
    let authorization = parse(
        200,
        r#"{"device_code":"dc-s3cret","user_code":"USER-C0DE","verification_uri":"https://example.com/device",
            "verification_uri_complete":"https://example.com/device?user_code=USER-C0DE"}"#,
    )
    .expect("a valid response");
    let printed = format!("{authorization:?}");
    assert!(
        !printed.contains("s3cret") && !printed.contains("USER-C0DE"),
        "codes must not reach logs through Debug: {printed}"
    );
    assert!(
        printed.contains("https://example.com/device"),
        "the address is not secret: {printed}"
    );
}

#[test]
fn device_errors_say_what_to_do() {
    assert_eq!(
        DeviceError::Expired.to_string(),
        "The code expired before it was entered; start again"
    );
    let denied = DeviceError::Denied {
        host: "github.com".into(),
    }
    .to_string();
    assert!(denied.starts_with("You declined access to github.com"), "{denied}");
}

#[test]
fn starting_and_polling_can_run_on_a_spawned_task() {
    fn assert_send<T: Send>(_: &T) {}
    let authorization = parse(
        200,
        r#"{"device_code":"dc","user_code":"U","verification_uri":"https://example.com/device"}"#,
    )
    .expect("a valid response");
    let client = TokenClient {
        token_url: "https://example.com/token",
        client_id: "id",
        client_secret: None,
        quirk: crate::catalog::TokenQuirk::Standard,
        auth: crate::catalog::TokenAuth::Post,
    };
    let policy = RequestPolicy::standard();
    let (_keep_open, cancel) = watch::channel(false);
    assert_send(&poll(&client, &authorization, &policy, cancel));
    assert_send(&start("https://example.com/device", "id", &[], " "));
}
