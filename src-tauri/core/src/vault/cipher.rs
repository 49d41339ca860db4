//! Sealing with XChaCha20-Poly1305: a random 24-byte nonce per seal, and associated data that
//! binds the ciphertext to its table, owner (and what the owner is), name and key, so a blob copied to another row, or
//! opened with another key, fails instead of decrypting.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::{MasterKey, Sensitive};

const NONCE_LEN: usize = 24;

/// Where a sealed value lives; part of what it is bound to.
#[derive(Debug, Clone, Copy)]
pub struct Binding<'a> {
    pub table: &'a str,
    pub owner: &'a str,
    /// What the owner is, beyond its id (for a connection: provider and account), so a row
    /// re-labelled as another account's does not open.
    pub context: &'a str,
    pub name: &'a str,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CipherError {
    #[error("the sealed value is damaged, was moved from another place, or needs another key")]
    CannotOpen,
    #[error("the value is too large to seal")]
    TooLarge,
}

/// `nonce || ciphertext+tag`.
pub fn seal(key: &MasterKey, binding: Binding<'_>, plaintext: &[u8]) -> Result<Vec<u8>, CipherError> {
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let aad = associated_data(binding, key.id());
    let ciphertext = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .map_err(|_| CipherError::TooLarge)?;
    let mut sealed = nonce.to_vec();
    sealed.extend_from_slice(&ciphertext);
    Ok(sealed)
}

pub fn open(key: &MasterKey, binding: Binding<'_>, sealed: &[u8]) -> Result<Sensitive<Vec<u8>>, CipherError> {
    if sealed.len() < NONCE_LEN {
        return Err(CipherError::CannotOpen);
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    let aad = associated_data(binding, key.id());
    cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .map(Sensitive::new)
        .map_err(|_| CipherError::CannotOpen)
}

/// Each field length-prefixed, so ("ab", "c") and ("a", "bc") bind differently.
fn associated_data(binding: Binding<'_>, key_id: &str) -> Vec<u8> {
    let mut aad = b"switchboard-v1".to_vec();
    for field in [binding.table, binding.owner, binding.context, binding.name, key_id] {
        aad.extend_from_slice(&(field.len() as u32).to_be_bytes());
        aad.extend_from_slice(field.as_bytes());
    }
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: Binding<'static> = Binding {
        table: "secrets",
        owner: "connection:1",
        context: "google|https://accounts.google.com|ana",
        name: "access_token",
    };

    #[test]
    fn what_is_sealed_opens_with_the_same_key_and_place() {
        let key = MasterKey::session_only();
        let sealed = seal(&key, HERE, b"gho_token").expect("seal");
        assert!(
            !sealed.windows(9).any(|w| w == b"gho_token"),
            "the plaintext must not appear in the blob"
        );
        let opened = open(&key, HERE, &sealed).expect("the same key and binding open it");
        assert_eq!(opened.expose().as_slice(), b"gho_token", "round trip must be exact");
    }

    #[test]
    fn sealing_twice_gives_different_blobs() {
        let key = MasterKey::session_only();
        assert_ne!(
            seal(&key, HERE, b"x").expect("seal"),
            seal(&key, HERE, b"x").expect("seal"),
            "every seal needs a fresh nonce"
        );
    }

    #[test]
    fn a_blob_moved_to_another_row_or_opened_with_another_key_fails() {
        let key = MasterKey::session_only();
        let sealed = seal(&key, HERE, b"secret").expect("seal");
        let elsewhere = [
            Binding {
                owner: "connection:2",
                ..HERE
            },
            Binding {
                name: "refresh_token",
                ..HERE
            },
            Binding { table: "other", ..HERE },
            Binding {
                context: "google|https://accounts.google.com|bob",
                ..HERE
            },
            Binding {
                owner: "connection:1access_token",
                name: "",
                ..HERE
            },
        ];
        for binding in elsewhere {
            assert_eq!(
                open(&key, binding, &sealed).err(),
                Some(CipherError::CannotOpen),
                "moved to {binding:?}"
            );
        }
        let other_key = MasterKey::session_only();
        assert_eq!(
            open(&other_key, HERE, &sealed).err(),
            Some(CipherError::CannotOpen),
            "another key must fail"
        );
    }

    #[test]
    fn damaged_or_truncated_blobs_fail_without_panicking() {
        let key = MasterKey::session_only();
        let mut sealed = seal(&key, HERE, b"secret").expect("seal");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert_eq!(
            open(&key, HERE, &sealed).err(),
            Some(CipherError::CannotOpen),
            "a flipped bit must fail"
        );
        for length in [0, 5, NONCE_LEN, NONCE_LEN + 3] {
            assert_eq!(
                open(&key, HERE, &sealed[..length]).err(),
                Some(CipherError::CannotOpen),
                "length {length}"
            );
        }
    }
}
