//! Strict parsing of `switchboard://oauth/callback/{provider}?…`: deep links are attacker
//! input, so anything outside the allow-list (scheme, host, path, parameters, length,
//! encoding) is rejected, and unknown parameters are dropped, never reflected.

use percent_encoding::percent_decode_str;

use crate::sensitive::Sensitive;

/// Longest deep link accepted, in bytes; real callbacks are well under 2 KB.
pub const MAX_CALLBACK_URL_BYTES: usize = 8 * 1024;

/// A callback that passed parsing; it still means nothing until a pending flow claims it.
#[derive(Debug)]
pub struct AuthorizationCallback {
    pub provider: String,
    pub state: Option<String>,
    pub code: Option<Sensitive<String>>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub iss: Option<String>,
}

impl AuthorizationCallback {
    /// The URL without its query: safe to log and to show.
    pub fn route(&self) -> String {
        format!("{}://oauth/callback/{}", crate::DEEP_LINK_SCHEME, self.provider)
    }
}

/// Why a callback link was refused, worded to follow "The link" (each reads as a predicate:
/// "The link is empty.", "The link repeats the parameter `code`.").
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CallbackRejected {
    #[error("is empty")]
    Empty,
    #[error("is longer than {MAX_CALLBACK_URL_BYTES} bytes")]
    TooLong,
    #[error("is not valid UTF-8")]
    NotUtf8,
    #[error("contains control characters or spaces")]
    ControlCharacter,
    #[error("is not a switchboard:// link")]
    WrongScheme,
    #[error("is not an OAuth callback link")]
    WrongPath,
    #[error("names no known provider")]
    UnknownProvider,
    #[error("has a fragment")]
    Fragment,
    #[error("has malformed percent-encoding")]
    BadEncoding,
    #[error("repeats the parameter `{0}`")]
    DuplicateParameter(&'static str),
}

/// Parses a callback URL given as raw bytes (argv, D-Bus and URL handlers can all deliver
/// garbage). `is_provider` says which provider ids exist.
pub fn parse_callback_url(
    raw: &[u8],
    is_provider: impl Fn(&str) -> bool,
) -> Result<AuthorizationCallback, CallbackRejected> {
    if raw.is_empty() {
        return Err(CallbackRejected::Empty);
    }
    if raw.len() > MAX_CALLBACK_URL_BYTES {
        return Err(CallbackRejected::TooLong);
    }
    let text = std::str::from_utf8(raw).map_err(|_| CallbackRejected::NotUtf8)?;
    if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(CallbackRejected::ControlCharacter);
    }
    let (scheme, rest) = text.split_once("://").ok_or(CallbackRejected::WrongScheme)?;
    if !scheme.eq_ignore_ascii_case(crate::DEEP_LINK_SCHEME) {
        return Err(CallbackRejected::WrongScheme);
    }
    if rest.contains('#') {
        return Err(CallbackRejected::Fragment);
    }
    let (location, query) = rest.split_once('?').unwrap_or((rest, ""));
    let provider = parse_location(location)?;
    if !is_provider(provider) {
        return Err(CallbackRejected::UnknownProvider);
    }
    parse_callback_query(provider, query)
}

/// The query of a callback already routed to `provider` (a deep link, or a loopback request):
/// allow-listed parameters only, each at most once.
pub fn parse_callback_query(provider: &str, query: &str) -> Result<AuthorizationCallback, CallbackRejected> {
    let mut callback = AuthorizationCallback {
        provider: provider.to_owned(),
        state: None,
        code: None,
        error: None,
        error_description: None,
        iss: None,
    };
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match decode(key)?.as_str() {
            "state" => Slot::Plain("state", &mut callback.state),
            "error" => Slot::Plain("error", &mut callback.error),
            "error_description" => Slot::Plain("error_description", &mut callback.error_description),
            "iss" => Slot::Plain("iss", &mut callback.iss),
            "code" => Slot::Secret(&mut callback.code),
            _ => continue, // anything else is ignored, never reflected
        };
        slot.fill(decode(value)?)?;
    }
    Ok(callback)
}

/// Where one allow-listed parameter's value goes; a second value is an error.
enum Slot<'a> {
    Plain(&'static str, &'a mut Option<String>),
    Secret(&'a mut Option<Sensitive<String>>),
}

impl Slot<'_> {
    fn fill(self, value: String) -> Result<(), CallbackRejected> {
        match self {
            Slot::Plain(name, slot) if slot.is_some() => Err(CallbackRejected::DuplicateParameter(name)),
            Slot::Plain(_, slot) => {
                *slot = Some(value);
                Ok(())
            }
            Slot::Secret(slot) if slot.is_some() => Err(CallbackRejected::DuplicateParameter("code")),
            Slot::Secret(slot) => {
                *slot = Some(Sensitive::new(value));
                Ok(())
            }
        }
    }
}

/// `oauth/callback/{provider}` (host `oauth`, no user, port or extra segments) → provider.
fn parse_location(location: &str) -> Result<&str, CallbackRejected> {
    let (host, path) = location.split_once('/').ok_or(CallbackRejected::WrongPath)?;
    if !host.eq_ignore_ascii_case("oauth") {
        return Err(CallbackRejected::WrongPath);
    }
    let provider = path.strip_prefix("callback/").ok_or(CallbackRejected::WrongPath)?;
    let provider = provider.strip_suffix('/').unwrap_or(provider);
    let is_slug = !provider.is_empty()
        && provider.len() <= 32
        && provider
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
    if is_slug {
        Ok(provider)
    } else {
        Err(CallbackRejected::WrongPath)
    }
}

/// Form decoding (`+` is a space) that refuses invalid UTF-8 and decoded control characters.
fn decode(component: &str) -> Result<String, CallbackRejected> {
    let bytes = component.as_bytes();
    let malformed_escape = bytes.iter().enumerate().any(|(at, &byte)| {
        byte == b'%'
            && !matches!(bytes.get(at + 1..at + 3), Some([a, b]) if a.is_ascii_hexdigit() && b.is_ascii_hexdigit())
    });
    if malformed_escape {
        return Err(CallbackRejected::BadEncoding);
    }
    let spaced = component.replace('+', " ");
    let decoded = percent_decode_str(&spaced)
        .decode_utf8()
        .map_err(|_| CallbackRejected::BadEncoding)?;
    if decoded.chars().any(char::is_control) {
        return Err(CallbackRejected::BadEncoding);
    }
    Ok(decoded.into_owned())
}

#[cfg(test)]
#[path = "callback_tests.rs"]
mod tests;
