//! The HTTP client every auth request goes through: follows no redirects (a token endpoint
//! that redirects is misconfigured or hostile), times out, verifies TLS with no override, and
//! reads at most `MAX_AUTH_RESPONSE_BYTES` of a body. Plain http is allowed only to loopback,
//! where tests and local servers live.

use std::time::Duration;

use url::Url;

/// Token responses are a few KB; anything past this is refused (SECURITY.md B13).
pub const MAX_AUTH_RESPONSE_BYTES: usize = 1024 * 1024;
/// How long one auth request may take, answer included, unless a policy says otherwise (B2).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0} is not a valid URL")]
    BadUrl(String),
    #[error("{0} must use https (plain http is only allowed to this computer)")]
    Insecure(String),
    #[error("could not reach {host}: {reason}")]
    Network { host: String, reason: String },
    #[error("the response from {host} was larger than {limit} bytes")]
    TooLarge { host: String, limit: usize },
}

pub fn auth_client() -> reqwest::Client {
    auth_client_with_timeout(REQUEST_TIMEOUT)
}

/// The auth client with another time limit per request (tests use a short one).
pub fn auth_client_with_timeout(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// Parses an endpoint and refuses plain http anywhere but loopback.
pub fn secure_url(text: &str) -> Result<Url, HttpError> {
    let url = Url::parse(text).map_err(|_| HttpError::BadUrl(text.to_owned()))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(HttpError::Insecure(text.to_owned())),
    }
}

/// The host of a URL, for messages (never the path or query, which can carry secrets).
pub fn host_of(url: &Url) -> String {
    url.host_str().unwrap_or("the server").to_owned()
}

pub fn network_error(url: &Url, error: &reqwest::Error) -> HttpError {
    let reason = if error.is_timeout() {
        "it did not answer in time".to_owned()
    } else if error.is_connect() && is_tls_failure(error) {
        "a secure connection could not be set up (TLS failed or the certificate is not trusted)".to_owned()
    } else if error.is_connect() {
        "the connection failed".to_owned()
    } else {
        // reqwest's Display can include the URL; keep only the kind.
        "the request failed".to_owned()
    };
    HttpError::Network {
        host: host_of(url),
        reason,
    }
}

/// rustls reports handshake and certificate failures as an `io::Error` of kind `InvalidData`,
/// which hyper wraps in another `io::Error`: look through the chain and into each wrapper.
fn is_tls_failure(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let mut wrapped = Some(cause);
        while let Some(io) = wrapped.and_then(|inner| inner.downcast_ref::<std::io::Error>()) {
            if io.kind() == std::io::ErrorKind::InvalidData {
                return true;
            }
            wrapped = io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static));
        }
        source = cause.source();
    }
    false
}

/// Reads the body chunk by chunk, stopping as soon as it passes the auth cap; a declared length
/// past the cap is refused before reading anything.
pub async fn read_capped(url: &Url, response: reqwest::Response) -> Result<Vec<u8>, HttpError> {
    read_capped_to(url, response, MAX_AUTH_RESPONSE_BYTES).await
}

/// As `read_capped`, with another cap (an API page can be larger than a token response).
pub async fn read_capped_to(url: &Url, mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, HttpError> {
    let too_large = || HttpError::TooLarge {
        host: host_of(url),
        limit,
    };
    if response.content_length().unwrap_or(0) > limit as u64 {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| network_error(url, &error))? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// GETs a JSON document (discovery, JWKS): status and capped body.
pub async fn get_capped(text: &str) -> Result<(u16, Vec<u8>), HttpError> {
    let url = secure_url(text)?;
    let response = auth_client()
        .get(url.clone())
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|error| network_error(&url, &error))?;
    let status = response.status().as_u16();
    Ok((status, read_capped(&url, response).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_refused_except_to_loopback() {
        assert!(
            secure_url("https://oauth2.googleapis.com/token").is_ok(),
            "https is fine"
        );
        assert!(
            secure_url("http://127.0.0.1:4000/token").is_ok(),
            "loopback http is fine"
        );
        for insecure in [
            "http://example.com/token",
            "ftp://example.com",
            "file:///etc/passwd",
            "not a url",
        ] {
            assert!(secure_url(insecure).is_err(), "{insecure} must be refused");
        }
    }
}
