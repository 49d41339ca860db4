//! Token responses that are not what they should be, and providers' quirks, over real HTTP
//! (SECURITY.md B3-B10), and where client credentials go (Notion's HTTP Basic).

use super::*;

#[tokio::test]
async fn b3_malformed_json_html_and_empty_bodies_are_provider_errors_that_do_not_echo_them() {
    for (what, reply) in [
        ("malformed JSON", Reply::json(200, r#"{"access_token": "leak-me-1"#)),
        (
            "an HTML page",
            Reply::html(200, "<html><body>leak-me-2 Sign in</body></html>"),
        ),
        ("an empty body", Reply::empty(200)),
        ("an HTML error page", Reply::html(400, "<html>leak-me-3</html>")),
    ] {
        let (_provider, outcome) = refresh_against(vec![reply], TokenQuirk::Standard).await;
        let error = outcome.expect_err(what);
        assert!(
            matches!(error, TokenError::Malformed { .. } | TokenError::Status { .. }),
            "B3: {what} is the provider's fault, got {error:?}"
        );
        let printed = format!("{error} {error:?}");
        assert!(
            !printed.contains("leak-me") && !printed.contains("Sign in"),
            "B3: {what}: the body never reaches an error (or a log through it): {printed}"
        );
    }
}

#[tokio::test]
async fn b4_github_http_200_with_bad_verification_code_is_invalid_grant() {
    let provider = FakeProvider::start().await;
    provider.script(
        "/login/oauth/access_token",
        [Reply::json(
            200,
            r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired.","error_uri":"https://docs.github.com"}"#,
        )],
    );
    let url = provider.url("/login/oauth/access_token");
    let outcome = exchange_code_with(
        &client(&url, TokenQuirk::ErrorWithOk),
        &Sensitive::new("code-1".into()),
        "http://127.0.0.1:1234/callback/github",
        &Sensitive::new("v".repeat(43)),
        &policy(),
    )
    .await;
    assert!(
        matches!(outcome, Err(TokenError::InvalidGrant { .. })),
        "B4: GitHub's HTTP 200 error means the code is bad; sign in again, got {outcome:?}"
    );
}

#[tokio::test]
async fn b5_slack_ok_false_is_an_error() {
    let (_provider, outcome) = refresh_against(
        vec![Reply::json(200, r#"{"ok":false,"error":"invalid_code"}"#)],
        TokenQuirk::SlackOk,
    )
    .await;
    assert!(
        matches!(&outcome, Err(TokenError::Rejected { error, .. }) if error == "invalid_code"),
        "B5: Slack's ok:false with HTTP 200 is a refusal, got {outcome:?}"
    );
}

#[tokio::test]
async fn b6_atlassian_403_invalid_grant_on_refresh_needs_reauthorization() {
    let (provider, outcome) = refresh_against(
        vec![Reply::json(
            403,
            r#"{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}"#,
        )],
        TokenQuirk::Standard,
    )
    .await;
    assert!(
        matches!(outcome, Err(TokenError::InvalidGrant { .. })),
        "B6: a 403 invalid_grant means connect again, got {outcome:?}"
    );
    assert_eq!(provider.requests_to("/token").len(), 1, "and is not retried");
}

#[tokio::test]
async fn b7_invalid_client_is_a_settings_problem_not_a_consent_loop() {
    let (provider, outcome) = refresh_against(
        vec![Reply::json(
            401,
            r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
        )],
        TokenQuirk::Standard,
    )
    .await;
    let error = outcome.expect_err("a wrong client is an error");
    assert!(matches!(error, TokenError::InvalidClient { .. }), "B7: got {error:?}");
    assert!(
        error.to_string().contains("Settings"),
        "B7: the message sends the person to Settings, not to sign in again: {error}"
    );
    assert_eq!(provider.requests_to("/token").len(), 1, "not retried");
}

#[tokio::test]
async fn b8_a_missing_expires_in_is_none() {
    let (_provider, outcome) = refresh_against(
        vec![Reply::json(200, r#"{"access_token":"at","token_type":"bearer"}"#)],
        TokenQuirk::Standard,
    )
    .await;
    let tokens = outcome.expect("B8: a token without expires_in is still a token");
    assert_eq!(
        tokens.expires_in, None,
        "B8: unknown expiry, for the caller to default or refresh on 401"
    );
}

#[tokio::test]
async fn b10_fewer_scopes_than_asked_are_kept_as_granted() {
    let provider = FakeProvider::start().await;
    provider.script(
        "/token",
        [Reply::json(
            200,
            r#"{"access_token":"at","token_type":"Bearer","scope":"https://www.googleapis.com/auth/drive.readonly"}"#,
        )],
    );
    let url = provider.url("/token");
    let tokens = exchange_code_with(
        &client(&url, TokenQuirk::Standard),
        &Sensitive::new("code".into()),
        "http://127.0.0.1:1/callback/google",
        &Sensitive::new("v".repeat(43)),
        &policy(),
    )
    .await
    .expect("a partial grant is still a grant");
    assert_eq!(
        tokens.scope.as_deref(),
        Some("https://www.googleapis.com/auth/drive.readonly"),
        "B10: the scopes granted, not the scopes asked, are what the connection records"
    );
}

#[tokio::test]
async fn basic_client_auth_puts_credentials_in_the_header_and_not_the_body() {
    let provider = FakeProvider::start().await;
    provider.script("/v1/oauth/token", [Reply::json(200, TOKEN)]);
    let url = provider.url("/v1/oauth/token");
    let secret = Sensitive::new("n0tion-secret".to_owned());
    let notion = TokenClient {
        client_secret: Some(&secret),
        auth: TokenAuth::Basic,
        ..client(&url, TokenQuirk::Standard)
    };
    let code = Sensitive::new("code".into());
    let verifier = Sensitive::new("v".repeat(43));
    let redirect = "http://127.0.0.1:1/callback/notion";
    exchange_code_with(&notion, &code, redirect, &verifier, &policy())
        .await
        .expect("tokens");
    let request = &provider.requests_to("/v1/oauth/token")[0];
    let expected = format!("Basic {}", STANDARD.encode("client-1:n0tion-secret"));
    assert_eq!(
        request.header("authorization"),
        Some(expected.as_str()),
        "Notion wants HTTP Basic"
    );
    let form = request.form();
    assert!(
        form.iter()
            .all(|(name, _)| name != "client_secret" && name != "client_id"),
        "with Basic, the credentials stay out of the body: {:?}",
        form.iter().map(|(name, _)| name).collect::<Vec<_>>()
    );
    assert_eq!(request.form_value("grant_type").as_deref(), Some("authorization_code"));

    let post = TokenClient {
        auth: TokenAuth::Post,
        ..notion
    };
    exchange_code_with(&post, &code, redirect, &verifier, &policy())
        .await
        .expect("tokens");
    let request = &provider.requests_to("/v1/oauth/token")[1];
    assert_eq!(
        request.header("authorization"),
        None,
        "with Post, no Authorization header"
    );
    assert_eq!(
        request.form_value("client_secret").as_deref(),
        Some("n0tion-secret"),
        "with Post, the secret is in the form"
    );
}
