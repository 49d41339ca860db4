//! The request an action sends, planned before anything is sent: shown to the person for
//! approval exactly as it will go out (credentials left out), then sent as planned.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// Sending it twice does what sending it once does (RFC 9110 §9.2.2).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Self::Post | Self::Patch)
    }

    pub fn as_reqwest(self) -> reqwest::Method {
        match self {
            Self::Get => reqwest::Method::GET,
            Self::Post => reqwest::Method::POST,
            Self::Put => reqwest::Method::PUT,
            Self::Patch => reqwest::Method::PATCH,
            Self::Delete => reqwest::Method::DELETE,
        }
    }
}

#[derive(Clone, PartialEq)]
pub enum CallBody {
    Json(serde_json::Value),
    /// Bytes of their own type (an upload); `shown` is what the approval shows instead of them.
    Bytes {
        content_type: String,
        bytes: Vec<u8>,
        shown: String,
    },
}

impl std::fmt::Debug for CallBody {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Json(json) => formatter.debug_tuple("Json").field(json).finish(),
            Self::Bytes {
                content_type, bytes, ..
            } => write!(formatter, "Bytes({content_type}, {} bytes)", bytes.len()),
        }
    }
}

/// One HTTP request to the provider's API, without its credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub method: Method,
    pub url: Url,
    /// Headers of this action's own (the provider's API headers are added when sent).
    pub headers: Vec<(String, String)>,
    pub body: Option<CallBody>,
}

impl Call {
    pub fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Some(CallBody::Json(body));
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// What the person approves: the exact request, with `provider_headers` and without the
    /// credential (its header named, never shown; `None` when it goes in the URL's `{token}`).
    pub fn preview(&self, provider_headers: &BTreeMap<String, String>, credential: Option<&str>) -> RequestPreview {
        let mut headers: Vec<(String, String)> = provider_headers
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        headers.extend(self.headers.iter().cloned());
        if let Some(credential) = credential {
            headers.push(("Authorization".into(), format!("{credential} (not shown)")));
        }
        let body = match &self.body {
            None => None,
            Some(CallBody::Json(json)) => {
                if !headers
                    .iter()
                    .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                {
                    headers.push(("Content-Type".into(), "application/json".into()));
                }
                Some(serde_json::to_string_pretty(json).unwrap_or_default())
            }
            Some(CallBody::Bytes {
                content_type, shown, ..
            }) => {
                headers.push(("Content-Type".into(), content_type.clone()));
                Some(shown.clone())
            }
        };
        RequestPreview {
            method: self.method,
            url: self.url.to_string(),
            headers,
            body,
        }
    }
}

/// The request as the person sees it before approving it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RequestPreview {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}
