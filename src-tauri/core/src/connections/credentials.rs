//! Connecting with a pasted key or token: the form's values are checked against the
//! catalogue's credential fields, verified with the provider's identity request (Telegram
//! `getMe`, GitHub `/user`…) before anything is saved, then sealed in the vault. Also the
//! warnings shown while typing (a Supabase key that bypasses row-level security).

use std::collections::BTreeMap;

use base64::Engine;

use super::error::ConnectionError as Error;
use super::identity::{identify, pasted_site};
use super::saving::NewConnection;
use super::sign_ins::SignIns;
use super::{Connection, CredentialsRequest};
use crate::catalog::{AuthKind, Provider};
use crate::sensitive::Sensitive;

/// Longest value accepted in a credential field.
const MAX_FIELD_CHARS: usize = 4096;

pub(super) async fn connect_with_credentials(
    sign_ins: &SignIns,
    request: &CredentialsRequest,
) -> Result<Connection, Error> {
    let provider = sign_ins.context().provider(&request.provider)?.clone();
    let auth_kind = pasted_kind(&provider)?;
    let products = super::chosen_products(&provider, &request.products)?;
    let (public, secret) = split_fields(&provider, &request.values)?;
    sign_ins.keys().key()?; // before asking the provider: a token that cannot be saved is not checked
    let identity_request = provider.identity_for(auth_kind).ok_or_else(|| Error::NoVerification {
        provider: provider.name.clone(),
    })?;
    let token = secret.first().map(|(_, value)| value).ok_or(Error::NoSecretField)?;
    let identity = identify(&provider, identity_request, token, &public)
        .await
        .map_err(|error| Error::NotVerified {
            provider: provider.name.clone(),
            error,
        })?;
    let mut config = serde_json::to_value(&public).unwrap_or_default();
    if let (Some(request), Some(settings)) = (&identity_request.site, config.as_object_mut()) {
        // Recorded as a sign-in records the sites it reaches: the same ids either way.
        let site = pasted_site(request, &public)
            .await
            .map_err(|error| Error::NotVerified {
                provider: provider.name.clone(),
                error,
            })?;
        settings.insert("site".into(), site.id.clone().into());
        settings.insert("sites".into(), serde_json::json!([site]));
    }
    sign_ins.store().save(&NewConnection {
        provider: &provider.id,
        products: &products,
        auth_kind,
        identity: &identity,
        scopes: &[],
        expires_at: None,
        config,
        secrets: secret.iter().map(|(name, value)| (name.as_str(), value)).collect(),
    })
}

/// Cautions about what was typed, before it is submitted.
pub fn credential_warnings(provider: &Provider, values: &BTreeMap<String, String>) -> Vec<String> {
    let mut warnings = Vec::new();
    if provider.id == "supabase" {
        if let Some(key) = values.get("api_key").map(|key| key.trim()) {
            if key.starts_with("sb_secret_") || jwt_role(key).as_deref() == Some("service_role") {
                warnings.push(
                    "This is a secret (service-role) key: it bypasses row-level security and can read and change every row. Prefer the publishable (anon) key unless you mean to give Switchboard full access."
                        .to_owned(),
                );
            }
        }
    }
    warnings
}

fn pasted_kind(provider: &Provider) -> Result<AuthKind, Error> {
    [AuthKind::ApiKey, AuthKind::BotToken]
        .into_iter()
        .find(|kind| provider.auth.contains(kind))
        .ok_or_else(|| Error::SignInProvider {
            provider: provider.name.clone(),
        })
}

type Fields = (BTreeMap<String, String>, Vec<(String, Sensitive<String>)>);

/// Every catalogue field present and sane, nothing else; public values apart from secrets.
fn split_fields(provider: &Provider, values: &BTreeMap<String, String>) -> Result<Fields, Error> {
    if let Some(unknown) = values
        .keys()
        .find(|name| !provider.credentials.iter().any(|field| &field.id == *name))
    {
        return Err(Error::UnknownField {
            provider: provider.name.clone(),
            field: unknown.clone(),
        });
    }
    let (mut public, mut secret) = (BTreeMap::new(), Vec::new());
    for field in &provider.credentials {
        let value = values.get(&field.id).map(|value| value.trim()).unwrap_or_default();
        if value.is_empty() {
            return Err(Error::MissingField {
                label: field.label.clone(),
            });
        }
        let invalid = || Error::InvalidField {
            label: field.label.clone(),
        };
        if value.chars().count() > MAX_FIELD_CHARS || value.chars().any(char::is_control) {
            return Err(invalid());
        }
        if field.secret {
            secret.push((field.id.clone(), Sensitive::new(value.to_owned())));
        } else {
            if value.contains(['{', '}']) {
                return Err(invalid());
            }
            public.insert(field.id.clone(), public_value(&field.id, value));
        }
    }
    Ok((public, secret))
}

/// A non-secret value as it is kept: a URL field (`project_url`, `site_url`) typed without a
/// scheme is taken as https, and loses its trailing `/`.
fn public_value(field: &str, value: &str) -> String {
    if !field.ends_with("_url") {
        return value.to_owned();
    }
    let value = value.trim_end_matches('/');
    match value.contains("://") {
        true => value.to_owned(),
        false => format!("https://{value}"),
    }
}

/// The `role` claim of a JWT-shaped key, read without verifying (only to warn).
fn jwt_role(key: &str) -> Option<String> {
    let payload = key.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("role")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::error::ErrorCode;

    fn jwt(role: &str) -> String {
        let encode = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        format!(
            "{}.{}.sig",
            encode(r#"{"alg":"HS256"}"#),
            encode(&format!(r#"{{"role":"{role}"}}"#))
        )
    }

    #[test]
    fn a_service_role_or_secret_supabase_key_is_warned_about() {
        let catalog = Catalog::builtin().expect("catalog");
        let supabase = catalog.provider("supabase").expect("supabase");
        let warn = |key: &str| credential_warnings(supabase, &BTreeMap::from([("api_key".to_owned(), key.to_owned())]));
        assert_eq!(
            warn(&jwt("service_role")).len(),
            1,
            "a service_role JWT bypasses row-level security"
        );
        assert_eq!(warn("sb_secret_abc123").len(), 1, "new-style secret keys too");
        assert!(warn(&jwt("anon")).is_empty(), "the anon key is the expected one");
        assert!(warn("sb_publishable_abc").is_empty(), "publishable keys are fine");
    }

    #[test]
    fn fields_must_match_the_catalogue() {
        let catalog = Catalog::builtin().expect("catalog");
        let supabase = catalog.provider("supabase").expect("supabase");
        let values = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let cases: [(BTreeMap<String, String>, &str); 4] = [
            (values(&[("project_url", "https://a.supabase.co")]), "API key"),
            (
                values(&[
                    ("project_url", "https://a.supabase.co"),
                    ("api_key", "k"),
                    ("extra", "x"),
                ]),
                "extra",
            ),
            (
                values(&[("project_url", "https://a.supabase.co"), ("api_key", "k\u{0}")]),
                "API key",
            ),
            (
                values(&[("project_url", "https://{api_key}"), ("api_key", "k")]),
                "Project URL",
            ),
        ];
        for (given, named) in cases {
            let Err(error) = split_fields(supabase, &given) else {
                panic!("fields naming `{named}` wrongly must be refused");
            };
            assert_eq!(error.code(), ErrorCode::InvalidInput);
            assert!(
                error.to_string().contains(named),
                "the message names `{named}`: {}",
                error
            );
        }
        let (public, secret) = split_fields(
            supabase,
            &values(&[("project_url", " https://a.supabase.co "), ("api_key", "k")]),
        )
        .expect("valid");
        assert_eq!(public["project_url"], "https://a.supabase.co", "values are trimmed");
        let (public, _) = split_fields(
            supabase,
            &values(&[("project_url", "a.supabase.co/"), ("api_key", "k")]),
        )
        .expect("a URL typed without its scheme");
        assert_eq!(
            public["project_url"], "https://a.supabase.co",
            "a URL without a scheme is taken as https, without its trailing slash"
        );
        assert_eq!(secret.len(), 1, "the key is kept apart as a secret");
    }
}
