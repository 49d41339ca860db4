//! One authorization request: the URL the browser opens (PKCE S256, a fresh `state`, a `nonce`
//! for OIDC, the provider's extra parameters) and the check of the callback that answers it:
//! its `state`, RFC 9207 `iss` where the server advertises it, and errors in plain words.

use url::Url;

use super::callback::AuthorizationCallback;
use super::http::{secure_url, HttpError};
use super::pkce::{random_token, Pkce};
use crate::catalog::ScopeParam;
use crate::sensitive::Sensitive;

/// The longest provider error text shown to a person (SECURITY.md A8).
pub const MAX_ERROR_TEXT_CHARS: usize = 300;

/// What a provider needs to build its authorization URL.
#[derive(Debug, Clone, Default)]
pub struct AuthorizeEndpoint {
    pub authorize_url: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub scope_separator: String,
    /// The parameter the scopes go in.
    pub scope_param: ScopeParam,
    pub extra_params: Vec<(String, String)>,
    /// The issuer `iss` must equal, for OIDC providers and RFC 9207 servers.
    pub issuer: Option<String>,
    /// The server advertises `authorization_response_iss_parameter_supported`.
    pub iss_parameter_supported: bool,
    /// Ask for an id_token bound to a `nonce`.
    pub openid: bool,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("you declined access in the browser, so nothing was connected")]
    Declined,
    #[error("the provider could not complete the sign-in: {0}")]
    Provider(String),
    #[error("the provider's answer had no authorization code")]
    MissingCode,
    #[error("the answer came from an unexpected issuer, so it was refused")]
    WrongIssuer,
    #[error("the answer did not say which server sent it, so it was refused")]
    MissingIssuer,
    #[error("the answer belongs to another sign-in")]
    StateMismatch,
}

pub struct AuthorizationRequest {
    url: Url,
    state: String,
    pkce: Pkce,
    nonce: Option<String>,
    redirect_uri: String,
    expected_issuer: Option<String>,
    require_iss: bool,
}

impl AuthorizationRequest {
    pub fn new(endpoint: &AuthorizeEndpoint, redirect_uri: &str) -> Result<Self, HttpError> {
        let mut url = secure_url(&endpoint.authorize_url)?;
        let (state, pkce) = (random_token(), Pkce::generate());
        let nonce = endpoint.openid.then(random_token);
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &endpoint.client_id)
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("state", &state)
                .append_pair("code_challenge", pkce.challenge())
                .append_pair("code_challenge_method", Pkce::METHOD);
            if !endpoint.scopes.is_empty() {
                query.append_pair(
                    endpoint.scope_param.name(),
                    &endpoint.scopes.join(&endpoint.scope_separator),
                );
            }
            if let Some(nonce) = &nonce {
                query.append_pair("nonce", nonce);
            }
            for (key, value) in &endpoint.extra_params {
                query.append_pair(key, value);
            }
        }
        Ok(Self {
            url,
            state,
            pkce,
            nonce,
            redirect_uri: redirect_uri.to_owned(),
            expected_issuer: endpoint.issuer.clone(),
            require_iss: endpoint.iss_parameter_supported,
        })
    }

    /// What the browser opens. Carries no secret: the verifier stays here.
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    pub fn state(&self) -> &str {
        &self.state
    }

    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    pub fn verifier(&self) -> &Sensitive<String> {
        self.pkce.verifier()
    }

    /// Checks the callback this request's flow received and returns its code.
    pub fn accept(&self, callback: AuthorizationCallback) -> Result<Sensitive<String>, CallbackError> {
        if callback.state.as_deref() != Some(self.state.as_str()) {
            return Err(CallbackError::StateMismatch);
        }
        match (&callback.iss, &self.expected_issuer) {
            (Some(iss), Some(expected)) if iss != expected => return Err(CallbackError::WrongIssuer),
            (None, Some(_)) if self.require_iss => return Err(CallbackError::MissingIssuer),
            _ => {}
        }
        if let Some(error) = callback.error {
            return Err(match error.as_str() {
                "access_denied" => CallbackError::Declined,
                _ => CallbackError::Provider(plain_text(callback.error_description.as_deref().unwrap_or(&error))),
            });
        }
        callback.code.ok_or(CallbackError::MissingCode)
    }
}

/// Provider text for a person: control characters dropped, cut at `MAX_ERROR_TEXT_CHARS`.
/// It is shown as text (never HTML) by the UI.
fn plain_text(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    match clean.char_indices().nth(MAX_ERROR_TEXT_CHARS) {
        Some((cut, _)) => format!("{}…", &clean[..cut]),
        None => clean,
    }
}

#[cfg(test)]
#[path = "authorize_tests.rs"]
mod tests;
