//! id_token checks (OIDC Core 3.1.3.7), to name the account and key it by (iss, sub): the
//! signature with a published asymmetric key (never `none`, never HMAC: D4), then, against the
//! injected clock, `iss` (D1), `aud`/`azp`, `nonce` (D3), `exp` and `iat` with leeway and `sub`
//! (D8).

use jsonwebtoken::{decode, decode_header, Algorithm, Validation};
use serde::Deserialize;

use super::jwks::{JwksCache, JwksError};
use crate::sensitive::Sensitive;

/// Clock difference tolerated between this machine and the provider (SECURITY.md C6).
pub const LEEWAY_SECONDS: i64 = 5 * 60;

const ASYMMETRIC: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// What the token must match.
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    /// From discovery; empty means RS256 only (the OIDC default).
    pub algorithms: &'a [String],
    pub now: i64,
}

/// Who signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum IdTokenError {
    #[error("the sign-in's identity token is malformed")]
    Malformed,
    #[error("the identity token uses an algorithm Switchboard does not accept")]
    Algorithm,
    #[error(transparent)]
    Keys(#[from] JwksError),
    #[error("the identity token's signature is not valid")]
    Signature,
    #[error("the identity token was not issued by {0}")]
    Issuer(String),
    #[error("the identity token was issued to another application")]
    Audience,
    #[error("the identity token does not belong to this sign-in")]
    Nonce,
    #[error("the identity token has expired, or this computer's clock is far off")]
    Expired,
    #[error("the identity token is dated in the future; check this computer's clock")]
    IssuedInFuture,
    #[error("the identity token does not name the account")]
    NoSubject,
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: Option<String>,
    aud: Audience,
    azp: Option<String>,
    exp: i64,
    iat: i64,
    nonce: Option<String>,
    email: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

pub async fn verify_id_token(
    token: &Sensitive<String>,
    expected: &Expected<'_>,
    keys: &JwksCache,
) -> Result<Identity, IdTokenError> {
    let token = token.expose();
    let header = decode_header(token).map_err(|_| IdTokenError::Malformed)?;
    let allowed = allowed_algorithms(expected.algorithms);
    if !allowed.contains(&header.alg) {
        return Err(IdTokenError::Algorithm);
    }
    let key = keys.key(header.kid.as_deref(), expected.now).await?;
    // Only the header's algorithm, already checked against the allowed ones: jsonwebtoken
    // refuses a list that mixes key families.
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false; // checked below against the injected clock
    validation.validate_nbf = false;
    validation.validate_aud = false; // checked below, with azp
    validation.required_spec_claims.clear();
    let claims = decode::<Claims>(token, &key, &validation)
        .map_err(|error| match error.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => IdTokenError::Signature,
            _ => IdTokenError::Malformed,
        })?
        .claims;
    check_claims(claims, expected)
}

fn allowed_algorithms(advertised: &[String]) -> Vec<Algorithm> {
    if advertised.is_empty() {
        return vec![Algorithm::RS256];
    }
    ASYMMETRIC
        .into_iter()
        .filter(|alg| advertised.iter().any(|name| name == &format!("{alg:?}")))
        .collect()
}

fn check_claims(claims: Claims, expected: &Expected<'_>) -> Result<Identity, IdTokenError> {
    if claims.iss != expected.issuer {
        return Err(IdTokenError::Issuer(expected.issuer.to_owned()));
    }
    let audiences = match claims.aud {
        Audience::One(one) => vec![one],
        Audience::Many(many) => many,
    };
    let azp_ok = match (&claims.azp, audiences.len()) {
        (Some(azp), _) => azp == expected.client_id,
        (None, count) => count == 1,
    };
    if !audiences.iter().any(|aud| aud == expected.client_id) || !azp_ok {
        return Err(IdTokenError::Audience);
    }
    if claims.nonce.as_deref() != Some(expected.nonce) {
        return Err(IdTokenError::Nonce);
    }
    if claims.exp + LEEWAY_SECONDS < expected.now {
        return Err(IdTokenError::Expired);
    }
    if claims.iat - LEEWAY_SECONDS > expected.now {
        return Err(IdTokenError::IssuedInFuture);
    }
    let subject = claims
        .sub
        .filter(|sub| !sub.is_empty())
        .ok_or(IdTokenError::NoSubject)?;
    Ok(Identity {
        issuer: claims.iss,
        subject,
        email: claims.email,
        name: claims.name,
    })
}

#[cfg(test)]
#[path = "id_token_tests.rs"]
mod tests;
