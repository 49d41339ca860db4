//! `Sensitive<T>`: a value that must never be printed or sent anywhere by accident. Debug and
//! Display print `<redacted>`, it implements no `Serialize`, and its memory is zeroed on drop.
//! Reading it takes an explicit `expose()`.
//!
//! ```compile_fail
//! // A secret cannot reach JSON (an event, an IPC reply, the model's context) by accident.
//! let secret = switchboard_core::sensitive::Sensitive::new(String::from("token"));
//! serde_json::to_string(&secret).unwrap();
//! ```

use zeroize::Zeroize;

pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself; every call site is a place a reviewer should look at.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> std::fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Zeroize> std::fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Zeroize + PartialEq> PartialEq for Sensitive<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

/// Reading a secret from configuration is fine; writing one out (Serialize) is not offered.
impl<'de, T: Zeroize + serde::Deserialize<'de>> serde::Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    #[allow(dead_code)] // only read through Debug
    struct TokenRow {
        provider: &'static str,
        access_token: Sensitive<String>,
    }

    #[test]
    fn debug_of_a_struct_holding_a_secret_is_redacted() {
        let row = TokenRow {
            provider: "github",
            access_token: Sensitive::new("gho_s3cret".into()),
        };
        let printed = format!("{row:?} {row:#?} {}", row.access_token);
        assert!(
            !printed.contains("gho_s3cret"),
            "a secret leaked through Debug/Display: {printed}"
        );
        assert!(
            printed.contains("<redacted>"),
            "the secret's place should say it was redacted: {printed}"
        );
        assert!(printed.contains("github"), "non-secret fields still print: {printed}");
    }

    #[test]
    fn expose_gives_the_value_back() {
        let secret = Sensitive::new(vec![1u8, 2, 3]);
        assert_eq!(
            secret.expose(),
            &vec![1u8, 2, 3],
            "expose must return the wrapped value unchanged"
        );
    }
}
