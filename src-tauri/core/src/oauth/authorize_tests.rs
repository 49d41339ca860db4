//! Authorization URLs and the callback checks (SECURITY.md A5–A8, A12, A13).

use super::*;

fn endpoint() -> AuthorizeEndpoint {
    AuthorizeEndpoint {
        authorize_url: "https://accounts.example.com/o/oauth2/auth?hd=example.com".into(),
        client_id: "client-1".into(),
        scopes: vec!["openid".into(), "email".into()],
        scope_separator: " ".into(),
        scope_param: Default::default(),
        extra_params: vec![("access_type".into(), "offline".into())],
        issuer: Some("https://accounts.example.com".into()),
        iss_parameter_supported: true,
        openid: true,
    }
}

fn callback(request: &AuthorizationRequest, fields: &[(&str, &str)]) -> AuthorizationCallback {
    let mut query: Vec<String> = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect();
    if !fields.iter().any(|(k, _)| *k == "state") {
        query.push(format!("state={}", request.state()));
    }
    super::super::callback::parse_callback_query("google", &query.join("&")).expect("a well-formed callback")
}

#[test]
fn the_url_carries_pkce_state_nonce_scopes_and_extras() {
    let request = AuthorizationRequest::new(&endpoint(), "http://127.0.0.1:5000/callback/google").expect("valid");
    let url = Url::parse(request.url()).expect("a URL");
    let pairs: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(pairs["hd"], "example.com", "the endpoint's own query is kept");
    assert_eq!(pairs["code_challenge_method"], "S256");
    assert_eq!(pairs["state"], request.state());
    assert_eq!(pairs["nonce"], request.nonce().unwrap_or_default());
    assert_eq!(pairs["scope"], "openid email");
    assert_eq!(pairs["access_type"], "offline");
    assert_eq!(pairs["redirect_uri"], "http://127.0.0.1:5000/callback/google");
    assert!(
        !request.url().contains(request.verifier().expose().as_str()),
        "the verifier never leaves"
    );
}

#[test]
fn a_good_callback_gives_the_code() {
    let request = AuthorizationRequest::new(&endpoint(), "http://127.0.0.1/cb").expect("valid");
    let code = request
        .accept(callback(
            &request,
            &[("code", "abc"), ("iss", "https://accounts.example.com")],
        ))
        .expect("accepted");
    assert_eq!(code.expose(), "abc");
}

/// A callback's query parameters, the error it must meet, and why.
type CallbackCase<'a> = (Vec<(&'a str, &'a str)>, CallbackError, &'a str);

#[test]
fn callbacks_are_checked_in_order() {
    let request = AuthorizationRequest::new(&endpoint(), "http://127.0.0.1/cb").expect("valid");
    let iss = ("iss", "https://accounts.example.com");
    let cases: Vec<CallbackCase> = vec![
        (
            vec![("code", "abc"), iss],
            CallbackError::StateMismatch,
            "another flow's state",
        ),
        (vec![iss], CallbackError::MissingCode, "A5: no code"),
        (
            vec![("error", "access_denied"), iss],
            CallbackError::Declined,
            "A6: declined",
        ),
        (
            vec![("code", "abc"), ("iss", "https://evil.example")],
            CallbackError::WrongIssuer,
            "A12",
        ),
        (vec![("code", "abc")], CallbackError::MissingIssuer, "A13"),
    ];
    for (index, (fields, expected, why)) in cases.into_iter().enumerate() {
        let mut fields = fields;
        if index == 0 {
            fields.push(("state", "someone-elses"));
        }
        let outcome = request.accept(callback(&request, &fields));
        assert_eq!(outcome.err(), Some(expected), "{why}");
    }
}

#[test]
fn provider_error_text_is_plain_and_short() {
    let request = AuthorizationRequest::new(&endpoint(), "http://127.0.0.1/cb").expect("valid");
    let long = format!("<script>alert(1)</script>{}", "x".repeat(2 * 1024 * 1024));
    let outcome = request.accept(callback(
        &request,
        &[
            ("error", "server_error"),
            ("error_description", &long),
            ("iss", "https://accounts.example.com"),
        ],
    ));
    let Err(CallbackError::Provider(text)) = outcome else {
        panic!("A8: a provider error, got {outcome:?}");
    };
    assert!(
        text.chars().count() <= MAX_ERROR_TEXT_CHARS + 1,
        "A8: truncated, got {} chars",
        text.chars().count()
    );
    assert!(
        text.starts_with("<script>"),
        "markup is kept as text, for the UI to show as text"
    );
}

#[test]
fn plain_http_authorize_urls_are_refused() {
    let insecure = AuthorizeEndpoint {
        authorize_url: "http://accounts.example.com/auth".into(),
        ..endpoint()
    };
    assert!(
        AuthorizationRequest::new(&insecure, "http://127.0.0.1/cb").is_err(),
        "no plain http off loopback"
    );
}

#[test]
fn slacks_scopes_for_the_person_go_in_user_scope() {
    let slack = AuthorizeEndpoint {
        scopes: vec!["chat:write".into(), "users.profile:write".into()],
        scope_separator: ",".into(),
        scope_param: crate::catalog::ScopeParam::UserScope,
        issuer: None,
        openid: false,
        ..endpoint()
    };
    let request = AuthorizationRequest::new(&slack, "http://127.0.0.1/cb").expect("a request");
    let url = url::Url::parse(request.url()).expect("a URL");
    let value = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(
        value("user_scope").as_deref(),
        Some("chat:write,users.profile:write"),
        "Slack gives a token that acts as the person only for scopes asked in user_scope"
    );
    assert_eq!(value("scope"), None, "no bot scopes are asked for");
}
