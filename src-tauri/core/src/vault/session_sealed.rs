//! A secret kept in memory for this session only, sealed under the master key like a stored
//! one (bound to its owner and name), so it sits in memory as ciphertext and is opened only at
//! the moment it is used.

use super::cipher::{open, seal, Binding, CipherError};
use super::{MasterKey, Sensitive};

/// Binds in-memory seals to a "table" of their own: never opened as a stored row.
const IN_MEMORY: &str = "memory";

#[derive(Clone)]
pub struct SealedForSession {
    sealed: Vec<u8>,
}

impl SealedForSession {
    pub fn seal(key: &MasterKey, owner: &str, name: &str, value: &Sensitive<String>) -> Result<Self, CipherError> {
        let sealed = seal(key, binding(owner, name), value.expose().as_bytes())?;
        Ok(Self { sealed })
    }

    pub fn open(&self, key: &MasterKey, owner: &str, name: &str) -> Result<Sensitive<String>, CipherError> {
        let plain = open(key, binding(owner, name), &self.sealed)?;
        let text = std::str::from_utf8(plain.expose()).map_err(|_| CipherError::CannotOpen)?;
        Ok(Sensitive::new(text.to_owned()))
    }
}

impl std::fmt::Debug for SealedForSession {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("SealedForSession(…)")
    }
}

fn binding<'a>(owner: &'a str, name: &'a str) -> Binding<'a> {
    Binding {
        table: IN_MEMORY,
        owner,
        context: "",
        name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_as_itself_under_its_key() {
        let key = MasterKey::session_only();
        let value = Sensitive::new("rotated-refresh-token".to_owned());
        let sealed = SealedForSession::seal(&key, "connection:1", "refresh_token", &value).expect("seal");
        let opened = sealed.open(&key, "connection:1", "refresh_token").expect("open");
        assert_eq!(opened.expose(), value.expose(), "it opens to what was sealed");
        assert!(
            sealed.open(&key, "connection:2", "refresh_token").is_err(),
            "bound to its owner"
        );
        assert!(
            sealed
                .open(&MasterKey::session_only(), "connection:1", "refresh_token")
                .is_err(),
            "and to its key"
        );
        assert!(
            !format!("{sealed:?}").contains("rotated"),
            "its Debug shows nothing of the value"
        );
    }
}
