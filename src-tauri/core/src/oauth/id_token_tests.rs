//! id_tokens signed with a key made for the test and served as a JWKS over loopback
//! (SECURITY.md D1, D3, D4, D6, D8, D9).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;
use crate::oauth::jwks::{KEYS_USABLE_FOR_SECONDS, REFETCH_INTERVAL_SECONDS};

const ISSUER: &str = "https://id.example.com";
const CLIENT: &str = "client-1";
const NONCE: &str = "n-0S6_WzA2Mj";
const NOW: i64 = 1_800_000_000;

struct SigningKey {
    kid: String,
    private: EncodingKey,
    /// The raw 32-byte Ed25519 public key, as published (base64url) in `jwk.x`.
    public: Vec<u8>,
    jwk: Value,
}

fn signing_key(kid: &str) -> SigningKey {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).expect("generate a test key");
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("read the test key");
    let x = URL_SAFE_NO_PAD.encode(pair.public_key().as_ref());
    SigningKey {
        kid: kid.into(),
        private: EncodingKey::from_ed_der(pkcs8.as_ref()),
        public: pair.public_key().as_ref().to_vec(),
        jwk: json!({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"}),
    }
}

fn claims() -> Value {
    json!({"iss": ISSUER, "sub": "248289761001", "aud": CLIENT, "exp": NOW + 3600, "iat": NOW, "nonce": NONCE, "email": "ana@example.com"})
}

fn sign(key: &SigningKey, claims: &Value) -> Sensitive<String> {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(key.kid.clone());
    Sensitive::new(encode(&header, claims, &key.private).expect("sign the test token"))
}

/// A loopback JWKS endpoint whose answer the test changes, counting requests.
struct JwksServer {
    uri: String,
    answer: Arc<Mutex<(u16, String)>>,
    requests: Arc<AtomicUsize>,
}

impl JwksServer {
    async fn start(keys: &[&SigningKey]) -> Self {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let uri = format!("http://127.0.0.1:{}/jwks", listener.local_addr().expect("addr").port());
        let server = Self {
            uri,
            answer: Arc::new(Mutex::new((200, String::new()))),
            requests: Arc::default(),
        };
        server.serve(200, &jwks(keys));
        let (answer, requests) = (server.answer.clone(), server.requests.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer).await;
                requests.fetch_add(1, Ordering::SeqCst);
                let (status, body) = answer.lock().map(|a| a.clone()).unwrap_or_default();
                let response = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            }
        });
        server
    }

    fn serve(&self, status: u16, body: &str) {
        if let Ok(mut answer) = self.answer.lock() {
            *answer = (status, body.to_owned());
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn jwks(keys: &[&SigningKey]) -> String {
    json!({"keys": keys.iter().map(|key| key.jwk.clone()).collect::<Vec<_>>()}).to_string()
}

async fn verify(token: &Sensitive<String>, cache: &JwksCache, now: i64) -> Result<Identity, IdTokenError> {
    verify_advertising(token, cache, now, &["EdDSA", "RS256"]).await
}

/// `verify` for a provider whose discovery document lists `advertised` as its
/// `id_token_signing_alg_values_supported`.
async fn verify_advertising(
    token: &Sensitive<String>,
    cache: &JwksCache,
    now: i64,
    advertised: &[&str],
) -> Result<Identity, IdTokenError> {
    let algorithms: Vec<String> = advertised.iter().map(|alg| (*alg).to_owned()).collect();
    let expected = Expected {
        issuer: ISSUER,
        client_id: CLIENT,
        nonce: NONCE,
        algorithms: &algorithms,
        now,
    };
    verify_id_token(token, &expected, cache).await
}

/// The standard claims, issued at `at`.
fn claims_at(at: i64) -> Value {
    let mut claims = claims();
    claims["iat"] = json!(at);
    claims["exp"] = json!(at + 3600);
    claims
}

#[tokio::test]
async fn a_valid_token_names_the_account() {
    let key = signing_key("k1");
    let server = JwksServer::start(&[&key]).await;
    let identity = verify(&sign(&key, &claims()), &JwksCache::new(&server.uri), NOW)
        .await
        .expect("valid");
    assert_eq!(identity.subject, "248289761001", "the account is keyed by sub");
    assert_eq!(identity.email.as_deref(), Some("ana@example.com"));
}

#[tokio::test]
async fn claims_that_do_not_match_are_refused() {
    let key = signing_key("k1");
    let server = JwksServer::start(&[&key]).await;
    let cache = JwksCache::new(&server.uri);
    let with = |field: &str, value: Value| {
        let mut claims = claims();
        claims[field] = value;
        claims
    };
    let without = |field: &str| {
        let mut claims = claims();
        claims.as_object_mut().map(|object| object.remove(field));
        claims
    };
    let cases: Vec<(Value, &str)> = vec![
        (with("iss", json!("https://evil.example")), "D1: wrong iss"),
        (without("nonce"), "D3: nonce missing"),
        (with("nonce", json!("another-flows-nonce")), "D3: wrong nonce"),
        (with("aud", json!("someone-else")), "issued to another client"),
        (with("aud", json!([CLIENT, "other"])), "several audiences and no azp"),
        (with("exp", json!(NOW - LEEWAY_SECONDS - 1)), "D8: expired past leeway"),
        (
            with("iat", json!(NOW + LEEWAY_SECONDS + 60)),
            "D8: issued in the future",
        ),
        (without("sub"), "D8: no sub"),
    ];
    for (claims, why) in cases {
        let outcome = verify(&sign(&key, &claims), &cache, NOW).await;
        assert!(outcome.is_err(), "{why} must be refused, got {outcome:?}");
    }
    let within_leeway = with("exp", json!(NOW - 60));
    assert!(
        verify(&sign(&key, &within_leeway), &cache, NOW).await.is_ok(),
        "C6: a minute of clock skew is tolerated"
    );
}

#[tokio::test]
async fn unsigned_and_hmac_tokens_are_refused() {
    let key = signing_key("k1");
    let server = JwksServer::start(&[&key]).await;
    let cache = JwksCache::new(&server.uri);
    let body = URL_SAFE_NO_PAD.encode(claims().to_string());
    let none = Sensitive::new(format!(
        "{}.{body}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"k1"}"#)
    ));
    assert!(verify(&none, &cache, NOW).await.is_err(), "D4: alg none");
    let public_as_secret = key.jwk["x"].as_str().unwrap_or_default().as_bytes().to_vec();
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("k1".into());
    let hmac = encode(&header, &claims(), &EncodingKey::from_secret(&public_as_secret)).expect("sign");
    let outcome = verify(&Sensitive::new(hmac), &cache, NOW).await;
    assert!(
        matches!(outcome, Err(IdTokenError::Algorithm)),
        "D4: HS256 keyed with the public key, got {outcome:?}"
    );
    let mut tampered = sign(&key, &claims()).expose().clone();
    tampered.insert(tampered.len() - 2, 'A');
    assert!(
        verify(&Sensitive::new(tampered), &cache, NOW).await.is_err(),
        "a changed signature"
    );
}

/// The Ed25519 public key as a PEM `PUBLIC KEY` (SubjectPublicKeyInfo): what an HS256
/// key-confusion attack feeds a library that takes "the verification key" as the HMAC secret.
fn public_key_pem(public: &[u8]) -> String {
    // SEQUENCE { SEQUENCE { OID 1.3.101.112 (Ed25519) }, BIT STRING (0 unused bits) { key } }
    let mut der = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
    der.extend_from_slice(public);
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(der)
    )
}

/// The standard claims, MACed with HS256 under `secret`, naming the key `kid`.
fn hmac_signed(secret: &[u8], kid: &str) -> Sensitive<String> {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(kid.into());
    Sensitive::new(encode(&header, &claims(), &EncodingKey::from_secret(secret)).expect("MAC the test token"))
}

/// The standard claims with an `alg` of `alg` and an empty signature.
fn unsigned(alg: &str, kid: &str) -> Sensitive<String> {
    let header = json!({"alg": alg, "typ": "JWT", "kid": kid}).to_string();
    Sensitive::new(format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims().to_string())
    ))
}

#[tokio::test]
async fn hmac_is_refused_even_when_the_provider_advertises_it() {
    let key = signing_key("k1");
    let server = JwksServer::start(&[&key]).await;
    let cache = JwksCache::new(&server.uri);
    // Some providers list HS256 (for clients with a secret) beside their public-key algorithms.
    let advertised = ["HS256", "EdDSA"];
    let x = key.jwk["x"].as_str().expect("the JWK has x").to_owned();
    let secrets: [(&str, Vec<u8>); 4] = [
        ("the public key's PEM", public_key_pem(&key.public).into_bytes()),
        ("the raw public key bytes", key.public.clone()),
        ("the JWK's x", x.into_bytes()),
        ("the whole JWK", key.jwk.to_string().into_bytes()),
    ];
    for (what, secret) in secrets {
        let outcome = verify_advertising(&hmac_signed(&secret, "k1"), &cache, NOW, &advertised).await;
        assert!(
            matches!(outcome, Err(IdTokenError::Algorithm)),
            "D4: an HS256 token keyed with {what} must be refused for its algorithm although the provider advertises HS256, got {outcome:?}"
        );
    }
    assert_eq!(
        server.requests(),
        0,
        "D4: an HMAC token is refused from its header, before any key is fetched"
    );
    verify_advertising(&sign(&key, &claims()), &cache, NOW, &advertised)
        .await
        .expect(
            "the same advertised list still accepts the provider's EdDSA token: the refusals above were about HS256",
        );
    assert_eq!(server.requests(), 1, "the EdDSA token fetched the keys once");
}

#[tokio::test]
async fn alg_none_is_refused_even_when_the_provider_advertises_it() {
    let key = signing_key("k1");
    let server = JwksServer::start(&[&key]).await;
    let cache = JwksCache::new(&server.uri);
    for alg in ["none", "None", "NONE"] {
        let advertised = [alg, "EdDSA"];
        let outcome = verify_advertising(&unsigned(alg, "k1"), &cache, NOW, &advertised).await;
        assert!(
            matches!(outcome, Err(IdTokenError::Algorithm | IdTokenError::Malformed)),
            "D4: an unsigned token (alg {alg:?}) must be refused from its header although the provider advertises {alg:?}, got {outcome:?}"
        );
    }
    assert_eq!(
        server.requests(),
        0,
        "D4: an unsigned token is refused before any key is fetched"
    );
}

#[tokio::test]
async fn a_rotated_key_is_found_by_one_refetch_and_refetches_are_rate_limited() {
    let old = signing_key("old");
    let new = signing_key("new");
    let server = JwksServer::start(&[&old]).await;
    let cache = JwksCache::new(&server.uri);
    verify(&sign(&old, &claims()), &cache, NOW)
        .await
        .expect("the old key works");
    server.serve(200, &jwks(&[&old, &new]));
    verify(&sign(&new, &claims_at(NOW + 120)), &cache, NOW + 120)
        .await
        .expect("D6: one refetch finds the new key");
    assert_eq!(server.requests(), 2, "one fetch at first, one for the new kid");
    let stranger = signing_key("stranger");
    for _ in 0..3 {
        let outcome = verify(&sign(&stranger, &claims_at(NOW + 200)), &cache, NOW + 200).await;
        assert!(
            matches!(outcome, Err(IdTokenError::Keys(JwksError::UnknownKey))),
            "unknown kid: {outcome:?}"
        );
    }
    assert_eq!(server.requests(), 3, "unknown kids refetch at most once a minute");
}

#[tokio::test]
async fn while_the_jwks_endpoint_fails_fresh_keys_verify_and_unknown_kids_refetch_and_fail() {
    let known = signing_key("k1");
    let rotated_in = signing_key("k2");
    let server = JwksServer::start(&[&known]).await;
    let cache = JwksCache::new(&server.uri);
    verify(&sign(&known, &claims()), &cache, NOW)
        .await
        .expect("the first token fetches the keys");
    assert_eq!(server.requests(), 1, "the first verification fetches the JWKS once");

    server.serve(500, "oops");
    let later = NOW + 3600; // past the refetch interval, well within the keys' freshness
    assert!(
        later - NOW >= REFETCH_INTERVAL_SECONDS && later - NOW < KEYS_USABLE_FOR_SECONDS,
        "the test needs a time past the refetch interval while the cached keys are fresh"
    );
    verify(&sign(&known, &claims_at(later)), &cache, later)
        .await
        .expect("D9: a known kid verifies from fresh cached keys");
    assert_eq!(server.requests(), 1, "a known kid in fresh keys needs no request");

    let outcome = verify(&sign(&rotated_in, &claims_at(later)), &cache, later).await;
    assert!(
        matches!(outcome, Err(IdTokenError::Keys(JwksError::UnknownKey))),
        "D9: an unknown kid whose refetch fails is an unknown key (not a hard failure of the cache), got {outcome:?}"
    );
    assert_eq!(
        server.requests(),
        2,
        "the unknown kid, past the refetch interval, triggered exactly one refetch"
    );
    verify(&sign(&known, &claims_at(later)), &cache, later)
        .await
        .expect("D9: the failed refetch keeps the fresh cached keys in use");
    assert_eq!(server.requests(), 2, "the known kid still needs no request");

    let soon = later + REFETCH_INTERVAL_SECONDS - 1;
    let outcome = verify(&sign(&rotated_in, &claims_at(soon)), &cache, soon).await;
    assert!(
        matches!(outcome, Err(IdTokenError::Keys(JwksError::UnknownKey))),
        "an unknown kid right after a failed refetch, got {outcome:?}"
    );
    assert_eq!(
        server.requests(),
        2,
        "a failed refetch counts toward the rate limit: no second request within the interval"
    );

    let next = later + REFETCH_INTERVAL_SECONDS;
    let outcome = verify(&sign(&rotated_in, &claims_at(next)), &cache, next).await;
    assert!(
        matches!(outcome, Err(IdTokenError::Keys(JwksError::UnknownKey))),
        "the endpoint still fails: still an unknown key, got {outcome:?}"
    );
    assert_eq!(server.requests(), 3, "one more refetch once the interval has passed");
    verify(&sign(&known, &claims_at(next)), &cache, next)
        .await
        .expect("D9: a second failed refetch still keeps the fresh keys");

    server.serve(200, &jwks(&[&known, &rotated_in]));
    let recovered = next + REFETCH_INTERVAL_SECONDS;
    verify(&sign(&rotated_in, &claims_at(recovered)), &cache, recovered)
        .await
        .expect("D6: once the endpoint answers again, the next refetch finds the new key");
    assert_eq!(server.requests(), 4, "exactly one refetch found it");
}

#[tokio::test]
async fn a_failing_jwks_endpoint_uses_fresh_keys_and_fails_closed_on_stale_ones() {
    let key = signing_key("k1");
    let server = JwksServer::start(&[&key]).await;
    let cache = JwksCache::new(&server.uri);
    verify(&sign(&key, &claims()), &cache, NOW).await.expect("first fetch");
    server.serve(500, "oops");
    let later = NOW + 3600;
    verify(&sign(&key, &claims_at(later)), &cache, later)
        .await
        .expect("D9: fresh cached keys are used");
    let two_days = NOW + 2 * KEYS_USABLE_FOR_SECONDS;
    let outcome = verify(&sign(&key, &claims_at(two_days)), &cache, two_days).await;
    assert!(
        matches!(outcome, Err(IdTokenError::Keys(JwksError::Unreadable { status: 500 }))),
        "D9: stale keys fail closed, got {outcome:?}"
    );
    for body in ["not json", "{\"keys\": 5}"] {
        let cache = JwksCache::new(&server.uri);
        server.serve(200, body);
        let outcome = verify(&sign(&key, &claims()), &cache, NOW).await;
        assert!(
            matches!(outcome, Err(IdTokenError::Keys(_))),
            "D9: malformed JWKS {body:?}, got {outcome:?}"
        );
    }
    server.serve(200, &"x".repeat(2 * 1024 * 1024));
    let outcome = verify(&sign(&key, &claims()), &JwksCache::new(&server.uri), NOW).await;
    assert!(
        matches!(outcome, Err(IdTokenError::Keys(JwksError::Http(_)))),
        "D9: a huge JWKS is refused, got {outcome:?}"
    );
}
