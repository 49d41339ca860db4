//! Naming the account behind a token or key, for providers without an id_token: the
//! catalogue's identity request (GitHub `GET /user`, Slack `auth.test`, Telegram `getMe`,
//! Notion `/users/me`, Supabase's REST root), read for a stable id and a human label. Also
//! verifies a pasted key or token before it is saved. The response is untrusted: only the two
//! named fields are read, and nothing of it reaches an error but its status.

use std::collections::BTreeMap;

use super::request_auth::RequestAuth;
use crate::catalog::{IdentityRequest, Provider, SiteIdRequest};
use crate::oauth::http::{auth_client, host_of, network_error, read_capped, secure_url, HttpError};
use crate::sensitive::Sensitive;

/// Who the token or key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountIdentity {
    pub id: String,
    pub label: String,
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("{host} did not accept the credentials (HTTP {status}); check them and try again")]
    Rejected { host: String, status: u16 },
    #[error("{host} did not accept the credentials; check them and try again")]
    NotOk { host: String },
    #[error("{host} answered in a way Switchboard could not read")]
    Unreadable { host: String },
    #[error("the {0} field is missing")]
    MissingField(String),
}

/// Calls the identity request with `token` (and the non-secret `fields`, e.g. a project URL).
pub async fn identify(
    provider: &Provider,
    request: &IdentityRequest,
    token: &Sensitive<String>,
    fields: &BTreeMap<String, String>,
) -> Result<AccountIdentity, IdentityError> {
    let mut url_text = fill(&request.url, fields);
    if url_text.starts_with('/') {
        url_text = format!("{}{url_text}", provider.api_base_url.trim_end_matches('/'));
    }
    let public_url = secure_url(&url_text)?; // checked before the token is put in a path
    let auth = RequestAuth::for_identity(request, fields);
    if auth.in_path() {
        url_text = url_text.replace("{token}", token.expose());
    }
    let url = secure_url(&url_text).map_err(|_| HttpError::BadUrl(host_of(&public_url)))?;
    let mut call = auth_client().get(url).header("Accept", "application/json");
    for (name, value) in &provider.api_headers {
        call = call.header(name, value);
    }
    let response = auth
        .apply(call, token)
        .send()
        .await
        .map_err(|error| network_error(&public_url, &error))?;
    let status = response.status().as_u16();
    let body = read_capped(&public_url, response).await?;
    let host = host_of(&public_url);
    if !(200..300).contains(&status) {
        return Err(IdentityError::Rejected { host, status });
    }
    let json: serde_json::Value =
        serde_json::from_slice(&body).map_err(|_| IdentityError::Unreadable { host: host.clone() })?;
    if json.get("ok") == Some(&serde_json::Value::Bool(false)) {
        return Err(IdentityError::NotOk { host }); // Slack and Telegram say no with HTTP 200
    }
    let id = field(&json, &request.id_field).ok_or_else(|| IdentityError::MissingField(request.id_field.clone()))?;
    let label = field(&json, &request.label_field).unwrap_or_else(|| id.clone());
    Ok(AccountIdentity { id, label })
}

/// A site a token reaches (an Atlassian cloud site).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub url: String,
}

/// The sites the token reaches, in the provider's order (Atlassian's accessible-resources:
/// a JSON array of `{id, name, url, scopes, avatarUrl}`).
pub async fn list_sites(
    provider: &Provider,
    sites_url: &str,
    token: &Sensitive<String>,
) -> Result<Vec<Site>, IdentityError> {
    let text = if sites_url.starts_with('/') {
        format!("{}{sites_url}", provider.api_base_url.trim_end_matches('/'))
    } else {
        sites_url.to_owned()
    };
    let listed = get_json(&text, Some(token)).await?;
    let listed = listed.as_array().cloned().unwrap_or_default();
    Ok(listed
        .iter()
        .filter_map(|site| {
            Some(Site {
                id: field(site, "id")?,
                name: field(site, "name")?,
                url: field(site, "url")?,
            })
        })
        .collect())
}

/// The one site a pasted token is for, named by the site itself (Atlassian's `tenant_info`,
/// which needs no credential): its id, its host as its name, its origin.
pub async fn pasted_site(request: &SiteIdRequest, fields: &BTreeMap<String, String>) -> Result<Site, IdentityError> {
    let url = secure_url(&fill(&request.url, fields))?;
    let host = host_of(&url);
    let json = get_json(url.as_str(), None).await?;
    let id = field(&json, &request.id_field).ok_or_else(|| IdentityError::Unreadable { host: host.clone() })?;
    Ok(Site {
        id,
        name: host,
        url: url.origin().ascii_serialization(),
    })
}

/// GETs a JSON document, with the token (if any) as bearer: the parsed body, or why not
/// (status only).
pub(super) async fn get_json(
    url_text: &str,
    token: Option<&Sensitive<String>>,
) -> Result<serde_json::Value, IdentityError> {
    let url = secure_url(url_text)?;
    let host = host_of(&url);
    let mut call = auth_client().get(url.clone()).header("Accept", "application/json");
    if let Some(token) = token {
        call = call.bearer_auth(token.expose());
    }
    let response = call.send().await.map_err(|error| network_error(&url, &error))?;
    let status = response.status().as_u16();
    let body = read_capped(&url, response).await?;
    if !(200..300).contains(&status) {
        return Err(IdentityError::Rejected { host, status });
    }
    serde_json::from_slice(&body).map_err(|_| IdentityError::Unreadable { host })
}

/// `{field}` placeholders replaced by the form's non-secret values (never `{token}`).
fn fill(template: &str, fields: &BTreeMap<String, String>) -> String {
    fields.iter().fold(template.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value.trim_end_matches('/'))
    })
}

/// A dotted path's value as text: strings as they are, numbers in decimal; at most 200 chars.
fn field(json: &serde_json::Value, path: &str) -> Option<String> {
    let value = path.split('.').try_fold(json, |node, key| node.get(key))?;
    let text = match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Number(number) => number.to_string(),
        _ => return None,
    };
    let clean: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
    (!clean.is_empty()).then_some(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_by_dotted_path_and_numbers_become_text() {
        let json = serde_json::json!({"result": {"id": 123456, "username": "ana_bot"}, "login": "ana\u{7}"});
        assert_eq!(
            field(&json, "result.id").as_deref(),
            Some("123456"),
            "GitHub and Telegram ids are numbers"
        );
        assert_eq!(field(&json, "result.username").as_deref(), Some("ana_bot"));
        assert_eq!(
            field(&json, "login").as_deref(),
            Some("ana"),
            "control characters are dropped"
        );
        assert_eq!(field(&json, "result.missing"), None);
        assert_eq!(field(&json, "result"), None, "an object is not a label");
    }

    #[test]
    fn placeholders_take_form_values_but_never_the_token() {
        let fields = BTreeMap::from([("project_url".to_owned(), "https://abc.supabase.co/".to_owned())]);
        assert_eq!(
            fill("{project_url}/rest/v1/", &fields),
            "https://abc.supabase.co/rest/v1/"
        );
        assert_eq!(
            fill("/bot{token}/getMe", &fields),
            "/bot{token}/getMe",
            "the token is placed separately"
        );
    }
}
