//! Token responses as providers send them (SECURITY.md B3, B4, B5, B6, B7, B8, B10).

use super::*;

fn url() -> Url {
    Url::parse("https://auth.example.com/token").expect("a valid URL")
}

fn parse(status: u16, body: &str, quirk: TokenQuirk) -> Result<TokenSet, TokenError> {
    parse_token_response(&url(), status, body.as_bytes(), quirk)
}

#[test]
fn a_standard_response_gives_every_field() {
    let tokens = parse(
        200,
        r#"{"access_token":"at","refresh_token":"rt","id_token":"a.b.c","token_type":"Bearer","expires_in":3599,"scope":"openid email"}"#,
        TokenQuirk::Standard,
    )
    .expect("a valid response");
    assert_eq!(tokens.access_token.expose(), "at");
    assert_eq!(tokens.refresh_token.as_ref().map(|t| t.expose().as_str()), Some("rt"));
    assert_eq!(tokens.expires_in, Some(3599));
    assert_eq!(
        tokens.scope.as_deref(),
        Some("openid email"),
        "B10: the granted scopes are kept as granted"
    );
}

#[test]
fn expires_in_missing_or_odd_is_none_not_an_error() {
    for body in [
        r#"{"access_token":"at"}"#,
        r#"{"access_token":"at","expires_in":"abc"}"#,
        r#"{"access_token":"at","expires_in":null}"#,
        r#"{"access_token":"at","expires_in":[3600]}"#,
    ] {
        let tokens = parse(200, body, TokenQuirk::Standard).expect("B8: still a token");
        assert_eq!(tokens.expires_in, None, "{body}");
    }
    let tokens = parse(
        200,
        r#"{"access_token":"at","expires_in":"3600"}"#,
        TokenQuirk::Standard,
    )
    .expect("string seconds");
    assert_eq!(
        tokens.expires_in,
        Some(3600),
        "some providers send expires_in as a string"
    );
}

#[test]
fn a_lifetime_of_zero_or_less_is_kept_so_the_token_counts_as_due_not_as_never_expiring() {
    for (body, lifetime) in [
        (r#"{"access_token":"at","expires_in":0}"#, 0),
        (r#"{"access_token":"at","expires_in":-5}"#, -5),
        (r#"{"access_token":"at","expires_in":"0"}"#, 0),
        (r#"{"access_token":"at","expires_in":"-5"}"#, -5),
        (r#"{"access_token":"at","expires_in":3599.7}"#, 3599),
        (r#"{"access_token":"at","expires_in":-0.5}"#, -1),
    ] {
        let tokens = parse(200, body, TokenQuirk::Standard).expect("still a token");
        assert_eq!(
            tokens.expires_in,
            Some(lifetime),
            "C13: a lifetime the provider gave is kept, even when it is zero or less: {body}"
        );
    }
}

#[test]
fn github_errors_with_http_200_are_errors() {
    let outcome = parse(
        200,
        r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#,
        TokenQuirk::ErrorWithOk,
    );
    assert!(
        matches!(outcome, Err(TokenError::InvalidGrant { .. })),
        "B4: got {outcome:?}"
    );
    let outcome = parse(200, r#"{"error":"bad_refresh_token"}"#, TokenQuirk::ErrorWithOk);
    assert!(
        matches!(outcome, Err(TokenError::InvalidGrant { .. })),
        "GitHub's refused refresh token needs re-authorization: got {outcome:?}"
    );
}

#[test]
fn slack_ok_false_is_an_error() {
    let outcome = parse(200, r#"{"ok":false,"error":"invalid_code"}"#, TokenQuirk::SlackOk);
    assert!(
        matches!(&outcome, Err(TokenError::Rejected { error, .. }) if error == "invalid_code"),
        "B5: got {outcome:?}"
    );
    let outcome = parse(200, r#"{"access_token":"xoxb"}"#, TokenQuirk::SlackOk);
    assert!(
        matches!(outcome, Err(TokenError::Malformed { .. })),
        "Slack without ok:true is not a success"
    );
    let tokens = parse(200, r#"{"ok":true,"access_token":"xoxb-1"}"#, TokenQuirk::SlackOk).expect("ok:true");
    assert_eq!(tokens.access_token.expose(), "xoxb-1");
}

#[test]
fn slacks_sign_in_for_the_person_gives_the_token_under_authed_user() {
    let body = r#"{"ok":true,"app_id":"A1","team":{"id":"T1","name":"Acme"},
        "authed_user":{"id":"U1","scope":"chat:write,users.profile:write","access_token":"xoxp-1",
        "token_type":"user","refresh_token":"xoxe-1-r","expires_in":43200}}"#;
    let tokens = parse(200, body, TokenQuirk::SlackOk).expect("a user_scope sign-in is a token");
    assert_eq!(
        tokens.access_token.expose(),
        "xoxp-1",
        "the person's token, not a bot's"
    );
    assert_eq!(
        tokens.refresh_token.as_ref().map(|token| token.expose().as_str()),
        Some("xoxe-1-r"),
        "its rotating refresh token comes with it"
    );
    assert_eq!(tokens.scope.as_deref(), Some("chat:write,users.profile:write"));
    assert_eq!(tokens.expires_in, Some(43200));
    let refreshed = parse(
        200,
        r#"{"ok":true,"access_token":"xoxe.xoxp-2","token_type":"user","refresh_token":"xoxe-1-s","expires_in":43200}"#,
        TokenQuirk::SlackOk,
    )
    .expect("a refresh answers at the top level");
    assert_eq!(refreshed.access_token.expose(), "xoxe.xoxp-2");
    let github = parse(
        200,
        r#"{"access_token":"gho_1","authed_user":{"access_token":"other"}}"#,
        TokenQuirk::ErrorWithOk,
    )
    .expect("a token");
    assert_eq!(github.access_token.expose(), "gho_1", "authed_user is Slack's alone");
}

#[test]
fn oauth_errors_are_classified() {
    let grant = parse(
        403,
        r#"{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}"#,
        TokenQuirk::Standard,
    );
    assert!(
        matches!(grant, Err(TokenError::InvalidGrant { .. })),
        "B6: Atlassian's 403 invalid_grant, got {grant:?}"
    );
    let client = parse(401, r#"{"error":"invalid_client"}"#, TokenQuirk::Standard);
    assert!(
        matches!(client, Err(TokenError::InvalidClient { .. })),
        "B7: got {client:?}"
    );
}

#[test]
fn bodies_that_are_not_token_responses_fail_without_leaking_them() {
    let cases = [
        (200, "<html><body>Sign in</body></html>"),
        (200, ""),
        (200, "{\"access_token\": "),
        (200, r#"{"token_type":"Bearer"}"#),
        (502, "<html>Bad gateway secret-looking-body</html>"),
    ];
    for (status, body) in cases {
        let outcome = parse(status, body, TokenQuirk::Standard);
        let message = outcome.as_ref().err().map(ToString::to_string).unwrap_or_default();
        assert!(outcome.is_err(), "B3: {status} {body:?} is not a token response");
        assert!(
            !message.contains("secret-looking-body") && !message.contains("Sign in"),
            "the body is never echoed: {message}"
        );
    }
}

#[test]
fn a_standard_200_with_an_error_field_and_a_token_is_a_token() {
    let tokens = parse(200, r#"{"access_token":"at","error":null}"#, TokenQuirk::Standard);
    assert!(tokens.is_ok(), "a null error field is not an error: {tokens:?}");
}

#[test]
fn unavailable_says_what_happened_and_when_to_try_again() {
    let busy = TokenError::Unavailable {
        host: "auth.example.com".into(),
        status: 429,
        retry_after: Some(60),
    }
    .to_string();
    assert_eq!(
        busy,
        "auth.example.com is receiving too many requests (HTTP 429); it asked to wait 60 seconds, try again after that",
        "B1: the server's own wait is passed on"
    );
    let down = TokenError::Unavailable {
        host: "auth.example.com".into(),
        status: 503,
        retry_after: None,
    }
    .to_string();
    assert!(
        down.contains("HTTP 503") && down.ends_with("try again in a few minutes"),
        "B1: a plain message with what to do: {down}"
    );
}
