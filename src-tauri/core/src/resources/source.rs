//! What a provider's listing code provides: the first request for a query (and any entries
//! that lead it, such as Drive's "My Drive"), and how to read one answer into resources and
//! the way to the next page. Sources do no I/O; `listing` sends, pages, caps and caches.

use url::Url;

use super::error::ResourceError;
use super::kinds::KindId;
use super::model::Resource;
use crate::catalog::Provider;
use crate::oauth::http::secure_url;

/// One listing as asked, with the filter resolved to the kind's default when none was given.
#[derive(Debug, Clone)]
pub struct Query<'a> {
    pub kind: KindId,
    pub location: Option<&'a str>,
    /// Trimmed, never empty.
    pub search: Option<&'a str>,
    /// One of the kind's filter ids; empty when the kind has none.
    pub filter: &'a str,
    pub provider: &'a Provider,
    /// The connection's non-secret settings (Supabase's `project_url`).
    pub config: &'a serde_json::Value,
}

/// A GET to send: its URL with every query parameter already in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    pub url: Url,
}

/// How a listing starts.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Entries shown before anything the provider answers (Drive's places), or the whole
    /// listing when `request` is `None`.
    pub leading: Vec<Resource>,
    pub request: Option<ApiRequest>,
}

impl Plan {
    /// A listing that is just what one GET (and its next pages) answers.
    pub fn get(url: Url) -> Self {
        Plan {
            leading: Vec::new(),
            request: Some(ApiRequest { url }),
        }
    }
}

/// What an answer says.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub items: Vec<Resource>,
    pub next: Next,
}

/// Where the next page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Done,
    /// The same request with this query parameter set (a page token, a cursor, an offset).
    Param {
        name: &'static str,
        value: String,
    },
    /// This URL (a Link header's `rel="next"`); it must be on the request's origin.
    Url(String),
}

/// A successful (2xx) answer, read.
#[derive(Debug, Clone)]
pub struct ApiAnswer {
    pub json: serde_json::Value,
    /// The Link header's `rel="next"` target, if any.
    pub link_next: Option<String>,
}

pub trait Source: Send + Sync {
    /// The first request (or the whole listing) for `query`; a location it cannot read is
    /// `InvalidInput`.
    fn plan(&self, query: &Query) -> Result<Plan, ResourceError>;

    /// Reads one answer. Anything unexpected in it is skipped, not trusted.
    fn parse(&self, query: &Query, answer: &ApiAnswer) -> Result<Parsed, ResourceError>;

    /// Whether the provider applied `query.search` itself; otherwise the listing keeps the
    /// items whose names contain it (case-insensitively).
    fn searches(&self, query: &Query) -> bool;
}

/// A location the source cannot read.
pub fn bad_location(location: &str) -> ResourceError {
    let place: String = location.chars().filter(|c| !c.is_control()).take(80).collect();
    ResourceError::BadLocation { place }
}

/// A provider's base URL joined with `path` (which starts with `/`), checked (https, or http
/// to loopback).
pub fn api_url(base: &str, path: &str) -> Result<Url, ResourceError> {
    let text = format!("{}{path}", base.trim_end_matches('/'));
    secure_url(&text).map_err(ResourceError::BadApiAddress)
}

/// Text for a resource's name or detail: control characters dropped, at most 500 characters.
pub fn clean_text(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(500).collect()
}

/// A string field of a JSON object, cleaned; numbers as decimal text.
pub fn text_field(json: &serde_json::Value, name: &str) -> Option<String> {
    match json.get(name)? {
        serde_json::Value::String(text) => Some(clean_text(text)).filter(|text| !text.is_empty()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The elements of a JSON object's array field; none when it is missing or not an array.
pub fn array<'a>(json: &'a serde_json::Value, name: &str) -> impl Iterator<Item = &'a serde_json::Value> {
    json.get(name)
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
}

/// Whether a JSON object's field is `true` (missing or anything else is false).
pub fn flag(json: &serde_json::Value, name: &str) -> bool {
    json.get(name).and_then(serde_json::Value::as_bool) == Some(true)
}

/// The next page as a query parameter when the answer gave a (non-empty) token, else done.
pub fn next_param(name: &'static str, token: Option<String>) -> Next {
    match token {
        Some(value) if !value.is_empty() => Next::Param { name, value },
        _ => Next::Done,
    }
}

/// A second line from the parts that are there, joined with " · "; none when none is.
pub fn joined_detail(parts: impl IntoIterator<Item = Option<String>>) -> Option<String> {
    let parts: Vec<String> = parts.into_iter().flatten().filter(|part| !part.is_empty()).collect();
    (!parts.is_empty()).then(|| clean_text(&parts.join(" · ")))
}

/// "1 column", "12 columns".
pub fn count_of(count: u64, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// Whether `text` is a plain identifier: 1 to `max_len` ASCII letters and digits, plus the
/// bytes in `also`. Ids from a location or an answer that fail this are refused or skipped.
pub fn plain_id(text: &str, max_len: usize, also: &[u8]) -> bool {
    !text.is_empty()
        && text.len() <= max_len
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || also.contains(&byte))
}
