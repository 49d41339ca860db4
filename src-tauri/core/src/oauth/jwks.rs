//! A provider's signing keys (JWKS), cached. An unknown `kid` triggers one refetch, at most
//! once a minute (key rotation, SECURITY.md D6); when the endpoint fails, keys fetched within
//! the last day are still used, older ones are not (fail closed, D9).

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::DecodingKey;
use tokio::sync::Mutex;

use super::http::{get_capped, HttpError};

/// Refetches for unknown keys happen at most this often.
pub const REFETCH_INTERVAL_SECONDS: i64 = 60;
/// Cached keys stand in for an unreachable endpoint for this long.
pub const KEYS_USABLE_FOR_SECONDS: i64 = 24 * 60 * 60;

#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("the provider's signing keys could not be fetched: {0}")]
    Http(#[from] HttpError),
    #[error("the provider's signing keys could not be read (HTTP {status})")]
    Unreadable { status: u16 },
    #[error("the id_token was signed with a key the provider does not publish")]
    UnknownKey,
}

pub struct JwksCache {
    uri: String,
    cached: Mutex<Cached>,
}

#[derive(Default)]
struct Cached {
    keys: Option<JwkSet>,
    fetched_at: i64,
    tried_at: Option<i64>,
}

impl JwksCache {
    pub fn new(uri: &str) -> Self {
        Self {
            uri: uri.to_owned(),
            cached: Mutex::new(Cached::default()),
        }
    }

    /// The key named `kid` (or the only key, when the token names none).
    pub async fn key(&self, kid: Option<&str>, now: i64) -> Result<DecodingKey, JwksError> {
        let mut cached = self.cached.lock().await;
        let fresh = cached.keys.is_some() && now - cached.fetched_at < KEYS_USABLE_FOR_SECONDS;
        if fresh {
            if let Some(jwk) = cached.keys.as_ref().and_then(|keys| find(keys, kid)) {
                return decoding_key(jwk);
            }
            if cached.tried_at.is_some_and(|at| now - at < REFETCH_INTERVAL_SECONDS) {
                return Err(JwksError::UnknownKey);
            }
        }
        cached.tried_at = Some(now);
        match self.fetch().await {
            Ok(keys) => {
                cached.keys = Some(keys);
                cached.fetched_at = now;
            }
            Err(error) if !fresh => {
                cached.keys = None;
                return Err(error);
            }
            Err(_) => {} // fresh keys stay in use while the endpoint is down
        }
        let keys = cached.keys.as_ref().ok_or(JwksError::UnknownKey)?;
        find(keys, kid).map_or(Err(JwksError::UnknownKey), decoding_key)
    }

    async fn fetch(&self) -> Result<JwkSet, JwksError> {
        let (status, body) = get_capped(&self.uri).await?;
        match (status, serde_json::from_slice(&body)) {
            (200, Ok(keys)) => Ok(keys),
            _ => Err(JwksError::Unreadable { status }),
        }
    }
}

fn find<'a>(keys: &'a JwkSet, kid: Option<&str>) -> Option<&'a Jwk> {
    match kid {
        Some(kid) => keys.find(kid),
        None if keys.keys.len() == 1 => keys.keys.first(),
        None => None,
    }
}

fn decoding_key(jwk: &Jwk) -> Result<DecodingKey, JwksError> {
    DecodingKey::from_jwk(jwk).map_err(|_| JwksError::UnknownKey)
}
