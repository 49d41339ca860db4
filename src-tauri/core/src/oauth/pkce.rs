//! PKCE (RFC 7636, S256 only) and the random values a flow is keyed by (`state`, `nonce`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::OsRng;
use sha2::{Digest, Sha256};

use crate::sensitive::Sensitive;

/// 32 random bytes, base64url: 43 characters, 256 bits; for `state`, `nonce` and verifiers.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A code verifier (kept secret until the token request) and its S256 challenge.
pub struct Pkce {
    verifier: Sensitive<String>,
    challenge: String,
}

impl Pkce {
    pub const METHOD: &'static str = "S256";

    pub fn generate() -> Self {
        Self::from_verifier(random_token())
    }

    fn from_verifier(verifier: String) -> Self {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier: Sensitive::new(verifier),
            challenge,
        }
    }

    pub fn challenge(&self) -> &str {
        &self.challenge
    }

    pub fn verifier(&self) -> &Sensitive<String> {
        &self.verifier
    }
}

impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkce")
            .field("challenge", &self.challenge)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_matches_rfc_7636_appendix_b() {
        let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(
            pkce.challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "S256 must be BASE64URL(SHA256(verifier)) without padding"
        );
    }

    #[test]
    fn verifiers_are_fresh_and_of_legal_length() {
        let (a, b) = (Pkce::generate(), Pkce::generate());
        assert_ne!(
            a.verifier().expose(),
            b.verifier().expose(),
            "each flow needs its own verifier"
        );
        let length = a.verifier().expose().len();
        assert!(
            (43..=128).contains(&length),
            "RFC 7636 allows 43 to 128 characters, got {length}"
        );
        assert!(
            !format!("{a:?}").contains(a.verifier().expose().as_str()),
            "Debug hides the verifier"
        );
    }
}
