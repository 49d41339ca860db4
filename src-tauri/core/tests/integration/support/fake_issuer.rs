//! An OpenID Connect issuer double on loopback, built on `FakeProvider`: a discovery document
//! naming the server's own base URL as the issuer, the JWKS of an Ed25519 key made for the
//! test, and a token endpoint answering with an id_token the test signs with the claims it
//! chooses. Also the app's side of a sign-in: start it through `browser_flow::start`, read the
//! nonce off the URL the browser was sent to, and play the browser coming back with a code.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use switchboard_core::connections::{ConnectMethod, ConnectRequest, FlowState};

use super::connector::Harness;
use super::fake_provider::{FakeProvider, Reply};
use super::keyring;

pub const CLIENT_ID: &str = "switchboard-test.apps.example.com";
pub const CLIENT_SECRET: &str = "test-client-secret";
pub const SUBJECT: &str = "108234567890123456789";
pub const EMAIL: &str = "ana@example.com";
const KID: &str = "test-key-1";

pub struct FakeIssuer {
    pub server: FakeProvider,
    /// The issuer identifier: the server's own base URL, as discovery states it.
    pub issuer: String,
    key: EncodingKey,
}

impl FakeIssuer {
    pub async fn start() -> Self {
        let server = FakeProvider::start().await;
        let issuer = server.url("");
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).expect("generate a test key");
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("read the test key");
        let jwk = json!({
            "kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA", "kid": KID,
            "x": URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
        });
        let discovery = json!({
            "issuer": issuer,
            "authorization_endpoint": server.url("/authorize"),
            "token_endpoint": server.url("/token"),
            "jwks_uri": server.url("/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "EdDSA"],
        });
        server.script(
            "/.well-known/openid-configuration",
            [Reply::json(200, &discovery.to_string())],
        );
        server.script("/jwks", [Reply::json(200, &json!({ "keys": [jwk] }).to_string())]);
        Self {
            server,
            issuer,
            key: EncodingKey::from_ed_der(pkcs8.as_ref()),
        }
    }

    /// Google, pointed at this issuer with this client.
    pub fn overrides(&self) -> String {
        let base = &self.issuer;
        format!(
            "[providers.google]\nclient_id = \"{CLIENT_ID}\"\nclient_secret = \"{CLIENT_SECRET}\"\n\
             [providers.google.oauth]\nauthorize_url = \"{base}/authorize\"\ntoken_url = \"{base}/token\"\n\
             revocation_url = \"{base}/revoke\"\nissuer = \"{base}\"\nscopes = [\"openid\", \"email\"]\n\
             redirect = [\"loopback\"]\n"
        )
    }

    /// The core as the app opens it, with Google pointed here and a private keyring slot.
    pub fn harness(&self, test: &str) -> Harness {
        keyring::require_session_bus();
        Harness::new(&self.overrides(), keyring::private_slot(test), Duration::from_secs(20))
    }

    /// The claims a sign-in that sent `nonce` should get: this issuer, this client, issued now
    /// and valid for an hour.
    pub fn claims(&self, nonce: &str) -> Value {
        let now = now();
        json!({
            "iss": self.issuer, "aud": CLIENT_ID, "sub": SUBJECT, "nonce": nonce,
            "iat": now, "exp": now + 3600, "email": EMAIL, "email_verified": true,
        })
    }

    /// An id_token with `claims`, signed (EdDSA) with the key the JWKS publishes.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(KID.into());
        encode(&header, claims, &self.key).expect("sign the test id_token")
    }

    /// Every code exchange from now on answers tokens with `id_token`, granting `scope`.
    pub fn answer_tokens(&self, id_token: &str, scope: &str) {
        let body = json!({
            "access_token": "ya29.test-access-token", "token_type": "Bearer", "expires_in": 3599,
            "scope": scope, "id_token": id_token,
        });
        self.server.script("/token", [Reply::json(200, &body.to_string())]);
    }

    /// `answer_tokens` with an id_token signed over `claims`, granting what was asked.
    pub fn answer_with(&self, claims: &Value) {
        self.answer_tokens(&self.sign(claims), "openid email");
    }
}

/// The system clock in Unix seconds: the core's clock.
pub fn now() -> i64 {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970");
    i64::try_from(elapsed.as_secs()).expect("seconds fit")
}

/// A Google sign-in started as the app starts one, waiting in the browser.
pub struct SignIn {
    pub flow_id: String,
    pub authorize_url: url::Url,
}

impl SignIn {
    pub async fn start(harness: &Harness) -> Self {
        let request = ConnectRequest {
            provider: "google".into(),
            products: vec!["gmail".into()],
            method: ConnectMethod::Browser,
            redirect: None,
            connection: None,
            scopes: vec![],
        };
        let started = harness
            .services
            .sign_ins
            .start(&request)
            .await
            .expect("the sign-in starts");
        let opened = harness.browser_url();
        Self {
            flow_id: started.flow_id,
            authorize_url: url::Url::parse(&opened).expect("the browser is sent to a URL"),
        }
    }

    pub fn param(&self, name: &str) -> Option<String> {
        self.authorize_url
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }

    /// The nonce the app sent in the authorization request.
    pub fn nonce(&self) -> String {
        self.param("nonce")
            .expect("an OpenID Connect sign-in sends a nonce in the authorization URL")
    }

    /// The browser returns to the app's loopback redirect with a code and this flow's state;
    /// then waits for how the sign-in ends.
    pub async fn finish(&self, harness: &Harness) -> FlowState {
        let redirect = self.param("redirect_uri").expect("redirect_uri");
        let mut back = url::Url::parse(&redirect).expect("a loopback redirect URI");
        back.query_pairs_mut()
            .append_pair("code", &format!("code-{}", self.flow_id))
            .append_pair("state", &self.param("state").expect("state"));
        super::connector::browse(back.as_str()).await;
        harness.outcome(&self.flow_id).await
    }
}
