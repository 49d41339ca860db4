//! OpenID Connect discovery: a provider's metadata, accepted only when the `issuer` it states
//! is exactly the one it was fetched for (SECURITY.md D10).

use serde::Deserialize;

use super::http::{get_capped, HttpError};

#[derive(Debug, Clone, Deserialize)]
pub struct ServerMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub device_authorization_endpoint: Option<String>,
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("the provider's configuration could not be read (HTTP {status})")]
    Unreadable { status: u16 },
    #[error("the provider's configuration names the issuer {found}, not {expected}; it was refused")]
    IssuerMismatch { expected: String, found: String },
}

pub async fn discover(issuer: &str) -> Result<ServerMetadata, DiscoveryError> {
    let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
    let (status, body) = get_capped(&url).await?;
    let metadata: ServerMetadata = match (status, serde_json::from_slice(&body)) {
        (200, Ok(metadata)) => metadata,
        _ => return Err(DiscoveryError::Unreadable { status }),
    };
    if metadata.issuer != issuer {
        return Err(DiscoveryError::IssuerMismatch {
            expected: issuer.to_owned(),
            found: metadata.issuer,
        });
    }
    Ok(metadata)
}
