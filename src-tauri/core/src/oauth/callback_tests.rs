//! Deep-link parsing against garbage and attacks (SECURITY.md A2, A7, A9, A11, A16).

use super::*;

fn known(provider: &str) -> bool {
    matches!(provider, "github" | "google")
}

fn parse(url: &str) -> Result<AuthorizationCallback, CallbackRejected> {
    parse_callback_url(url.as_bytes(), known)
}

#[test]
fn a_well_formed_callback_is_parsed() {
    let callback = parse("switchboard://oauth/callback/github?code=abc%2F1&state=s-1&iss=https%3A%2F%2Fgithub.com")
        .expect("a valid callback parses");
    assert_eq!(callback.provider, "github");
    assert_eq!(callback.state.as_deref(), Some("s-1"));
    assert_eq!(
        callback.code.as_ref().map(|code| code.expose().as_str()),
        Some("abc/1"),
        "the code is percent-decoded"
    );
    assert_eq!(callback.iss.as_deref(), Some("https://github.com"));
    assert_eq!(
        callback.route(),
        "switchboard://oauth/callback/github",
        "the route never carries the query"
    );
}

#[test]
fn the_code_never_prints() {
    let callback = parse("switchboard://oauth/callback/github?code=secret-code-123&state=s").expect("parses");
    let printed = format!("{callback:?}");
    assert!(
        !printed.contains("secret-code-123"),
        "the authorization code leaked through Debug: {printed}"
    );
}

#[test]
fn an_error_response_is_decoded_with_plus_as_space() {
    let callback =
        parse("switchboard://oauth/callback/google?error=access_denied&error_description=User+said+no&state=x")
            .expect("an error response is still a callback");
    assert_eq!(callback.error.as_deref(), Some("access_denied"));
    assert_eq!(callback.error_description.as_deref(), Some("User said no"));
    assert!(callback.code.is_none(), "no code was sent");
}

#[test]
fn a_missing_state_parses_but_carries_none() {
    let callback = parse("switchboard://oauth/callback/github?code=abc").expect("parses");
    assert!(
        callback.state.is_none(),
        "A2: a callback without state can never match a flow"
    );
}

#[test]
fn extra_parameters_are_ignored_never_kept() {
    let callback = parse(
        "switchboard://oauth/callback/github?state=s&redirect_uri=https%3A%2F%2Fevil.example&access_token=stolen&code=c",
    )
    .expect("extra parameters do not make a callback invalid");
    let printed = format!("{callback:?}");
    assert!(
        !printed.contains("evil.example") && !printed.contains("stolen"),
        "A11: extra parameters must be dropped: {printed}"
    );
}

#[test]
fn garbage_is_rejected_with_a_reason() {
    let huge = format!("switchboard://oauth/callback/github?state={}", "a".repeat(1024 * 1024));
    let cases: Vec<(&[u8], CallbackRejected)> = vec![
        (b"", CallbackRejected::Empty),
        (huge.as_bytes(), CallbackRejected::TooLong),
        (
            b"switchboard://oauth/callback/github?state=\xff\xfe",
            CallbackRejected::NotUtf8,
        ),
        (
            b"switchboard://oauth/callback/github?state=a\0b",
            CallbackRejected::ControlCharacter,
        ),
        (
            b"switchboard://oauth/callback/github?state=a b",
            CallbackRejected::ControlCharacter,
        ),
        (b"https://oauth/callback/github?code=x", CallbackRejected::WrongScheme),
        (b"switchboard:oauth/callback/github", CallbackRejected::WrongScheme),
        (b"not a url at all", CallbackRejected::ControlCharacter),
        (b"switchboard://evil/callback/github", CallbackRejected::WrongPath),
        (b"switchboard://user@oauth/callback/github", CallbackRejected::WrongPath),
        (b"switchboard://oauth:80/callback/github", CallbackRejected::WrongPath),
        (
            b"switchboard://oauth/callback/github/extra",
            CallbackRejected::WrongPath,
        ),
        (b"switchboard://oauth/callback/", CallbackRejected::WrongPath),
        (b"switchboard://oauth/callback/../settings", CallbackRejected::WrongPath),
        (b"switchboard://oauth/callback/GitHub", CallbackRejected::WrongPath),
        (
            b"switchboard://oauth/callback/gitlab?code=x",
            CallbackRejected::UnknownProvider,
        ),
        (
            b"switchboard://oauth/callback/github?code=x#frag",
            CallbackRejected::Fragment,
        ),
        (
            b"switchboard://oauth/callback/github?state=%zz",
            CallbackRejected::BadEncoding,
        ),
        (
            b"switchboard://oauth/callback/github?state=%4",
            CallbackRejected::BadEncoding,
        ),
        (
            b"switchboard://oauth/callback/github?state=%ff",
            CallbackRejected::BadEncoding,
        ),
        (
            b"switchboard://oauth/callback/github?state=%00",
            CallbackRejected::BadEncoding,
        ),
        (
            b"switchboard://oauth/callback/github?state=a&state=b",
            CallbackRejected::DuplicateParameter("state"),
        ),
        (
            b"switchboard://oauth/callback/github?code=a&code=b",
            CallbackRejected::DuplicateParameter("code"),
        ),
    ];
    for (raw, expected) in cases {
        let outcome = parse_callback_url(raw, known).map(|callback| callback.route());
        assert_eq!(
            outcome,
            Err(expected),
            "input {:?} must be rejected",
            String::from_utf8_lossy(&raw[..raw.len().min(80)])
        );
    }
}

#[test]
fn scheme_and_host_are_case_insensitive_as_urls_are() {
    assert!(
        parse("SwitchBoard://OAuth/callback/github?state=s").is_ok(),
        "scheme and host are case-insensitive (RFC 3986)"
    );
}

/// A small deterministic generator, so the fuzz run is the same every time.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_and_mutated_input_never_panics_and_never_yields_an_unknown_provider() {
    let seed = b"switchboard://oauth/callback/github?code=c%20d&state=s+t&error_description=%E2%9C%93";
    let alphabet = b"%/?#&=:+ \0\xff\xc3abAZ09-_.";
    let mut random = XorShift(0x5eed_1234_abcd_ef01);
    for round in 0..20_000 {
        let mut input = if round % 2 == 0 { seed.to_vec() } else { Vec::new() };
        let edits = 1 + random.next() % 8;
        for _ in 0..edits {
            let byte = alphabet[(random.next() % alphabet.len() as u64) as usize];
            let at = if input.is_empty() {
                0
            } else {
                (random.next() % (input.len() as u64 + 1)) as usize
            };
            match random.next() % 3 {
                0 if at < input.len() => input[at] = byte,
                1 if at < input.len() => {
                    input.remove(at);
                }
                _ => input.insert(at, byte),
            }
        }
        if let Ok(callback) = parse_callback_url(&input, known) {
            assert!(
                known(&callback.provider),
                "parsed a callback for an unknown provider from {input:?}"
            );
            assert!(!callback.route().contains('?'), "a route must never carry a query");
        }
    }
}
