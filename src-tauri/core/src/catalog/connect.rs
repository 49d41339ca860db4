//! How a provider is connected, as catalogue data: the OAuth client definition (endpoints,
//! redirect kinds, scopes, extra parameters, token quirks), the device-code endpoint, the
//! request that names the account, and the fields of key and token forms. Validated with the
//! provider; nothing here runs a request.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::InvalidEntry;

/// Where the browser sends the person back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RedirectKind {
    /// `http://127.0.0.1:{port}/callback/{provider}` (RFC 8252 §7.3).
    Loopback,
    /// `switchboard://oauth/callback/{provider}`.
    DeepLink,
}

/// Whether the token endpoint wants a client secret from a desktop client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientSecret {
    Required,
    None,
}

/// How a provider's token endpoint reports errors besides standard OAuth (RFC 6749 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenQuirk {
    #[default]
    Standard,
    /// HTTP 200 with `{"error": …}` (GitHub).
    ErrorWithOk,
    /// `{"ok": false, "error": …}` (Slack).
    SlackOk,
}

/// Which authorization URL parameter carries the scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeParam {
    /// `scope` (RFC 6749 §3.3).
    #[default]
    Scope,
    /// Slack's `user_scope`: the token acts as the person who signs in, not as an app's bot,
    /// and comes back under `authed_user`.
    UserScope,
}

impl ScopeParam {
    pub fn name(self) -> &'static str {
        match self {
            Self::Scope => "scope",
            Self::UserScope => "user_scope",
        }
    }
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenAuth {
    /// `client_id` (and `client_secret`) in the form body.
    #[default]
    Post,
    /// HTTP Basic with the client ID and secret (Notion).
    Basic,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthConfig {
    pub authorize_url: String,
    pub token_url: String,
    #[serde(default)]
    pub revocation_url: Option<String>,
    /// OpenID Connect issuer: discovery, `iss` and the id_token are checked against it.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Allowed redirect kinds; the first is the default.
    pub redirect: Vec<RedirectKind>,
    #[serde(default = "space")]
    pub scope_separator: String,
    #[serde(default)]
    pub scope_param: ScopeParam,
    /// Scopes asked for whatever the products.
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub extra_params: BTreeMap<String, String>,
    #[serde(default)]
    pub token_quirk: TokenQuirk,
    #[serde(default)]
    pub token_auth: TokenAuth,
    pub client_secret: ClientSecret,
    /// Whether a build may ship its own client for this provider (see `clients_file`).
    #[serde(default)]
    pub built_in_client: super::BuiltInClient,
    /// Where a person creates the OAuth app for their own client ID.
    pub setup_url: String,
    /// RFC 8628 device authorization endpoint, for providers offering device code.
    #[serde(default)]
    pub device_authorization_url: Option<String>,
    /// How `revocation_url` is called when a connection is deleted.
    #[serde(default)]
    pub revocation: Revocation,
    /// Refresh tokens left unused this many days stop working (Atlassian: 90); the scheduler
    /// renews before then.
    #[serde(default)]
    pub refresh_token_idle_days: Option<u32>,
}

/// The shape of a provider's revocation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Revocation {
    /// RFC 7009: POST `token` (the refresh token, else the access token) to the endpoint
    /// (Google, any standard server).
    #[default]
    Rfc7009,
    /// GitHub: `DELETE /applications/{client_id}/grant` with the client as HTTP Basic and
    /// `{"access_token": …}`; the URL holds `{client_id}`.
    GithubGrant,
    /// Slack: `auth.revoke` called with the token itself as bearer.
    Bearer,
}

fn space() -> String {
    " ".to_owned()
}

/// Where a credential goes in the identity request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialPlacement {
    /// `Authorization: Bearer {token}`.
    #[default]
    Bearer,
    /// In the URL path as `{token}` (Telegram's bot API).
    Path,
    /// `apikey: {token}` and `Authorization: Bearer {token}` (Supabase).
    ApiKeyHeader,
    /// HTTP Basic: the form's `basic_user` field as the user name, the token as the password
    /// (Atlassian's API tokens, with the account's email).
    Basic,
}

/// The request that names the account (and verifies a pasted key or token).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityRequest {
    /// Absolute, or relative to the provider's `api_base_url`; may hold `{field}` placeholders
    /// for credential fields.
    pub url: String,
    #[serde(default)]
    pub placement: CredentialPlacement,
    /// Dotted path to the account's stable id in the JSON response.
    pub id_field: String,
    /// Dotted path to a human label (email, login, workspace name).
    pub label_field: String,
    /// Where the sites a token reaches are listed (Atlassian's accessible-resources); the
    /// connection remembers them and uses the first until another is chosen.
    #[serde(default)]
    pub sites_url: Option<String>,
    /// For `basic`: the non-secret form field that is the user name.
    #[serde(default)]
    pub basic_user: Option<String>,
    /// The one site a pasted token is for, asked for its id (Atlassian's `tenant_info`): the
    /// connection records it as its site, as a sign-in records the first site it reaches.
    #[serde(default)]
    pub site: Option<SiteIdRequest>,
}

/// Where a site says its id; `url` may hold `{field}` placeholders, and needs no credential.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteIdRequest {
    pub url: String,
    pub id_field: String,
}

/// One input of a key or token form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CredentialField {
    pub id: String,
    pub label: String,
    /// Stored in the vault and shown masked.
    pub secret: bool,
    #[serde(default)]
    pub hint: Option<String>,
}

/// Checks the connection sections of one provider against its `auth` kinds.
pub(super) fn validate(provider: &super::Provider) -> Result<(), InvalidEntry> {
    use super::AuthKind;
    let wants = |kind: AuthKind| provider.auth.contains(&kind);
    check_url("api_base_url", &provider.api_base_url)?;
    for (name, url) in &provider.api_bases {
        check_url(&format!("api_bases.{name}"), url)?;
    }
    match (&provider.oauth, wants(AuthKind::Oauth2) || wants(AuthKind::DeviceCode)) {
        (None, true) => return Err(InvalidEntry("oauth: required for oauth2 and device_code".into())),
        (Some(_), false) => {
            return Err(InvalidEntry(
                "oauth: only for providers with oauth2 or device_code".into(),
            ))
        }
        (Some(oauth), true) => validate_oauth(oauth, wants(AuthKind::DeviceCode))?,
        (None, false) => {}
    }
    let pasted = wants(AuthKind::ApiKey) || wants(AuthKind::BotToken);
    if pasted == provider.credentials.is_empty() {
        return Err(InvalidEntry(
            "credentials: list the form's fields exactly when auth has api_key or bot_token".into(),
        ));
    }
    for (index, field) in provider.credentials.iter().enumerate() {
        if field.id.is_empty() || field.label.trim().is_empty() {
            return Err(InvalidEntry(format!("credentials[{index}]: needs an id and a label")));
        }
    }
    let asked = provider.oauth.iter().flat_map(|oauth| &oauth.scopes);
    let undescribed = asked
        .chain(provider.products.iter().flat_map(|product| &product.scopes))
        .find(|scope| !provider.scope_descriptions.contains_key(*scope));
    if let Some(scope) = undescribed {
        return Err(InvalidEntry(format!(
            "scope_descriptions: say in plain words what `{scope}` allows"
        )));
    }
    let oidc = provider.oauth.as_ref().is_some_and(|oauth| oauth.issuer.is_some());
    if provider.identity.is_none() && !oidc {
        return Err(InvalidEntry(
            "identity: required unless oauth.issuer names the account".into(),
        ));
    }
    if provider.key_identity.is_some() && !pasted {
        return Err(InvalidEntry(
            "key_identity: only for providers with api_key or bot_token".into(),
        ));
    }
    for (key, identity) in [
        ("identity", &provider.identity),
        ("key_identity", &provider.key_identity),
    ] {
        if let Some(identity) = identity {
            validate_identity(key, identity, provider)?;
        }
    }
    Ok(())
}

fn validate_identity(key: &str, identity: &IdentityRequest, provider: &super::Provider) -> Result<(), InvalidEntry> {
    if identity.id_field.is_empty() || identity.label_field.is_empty() {
        return Err(InvalidEntry(format!(
            "{key}: id_field and label_field must not be empty"
        )));
    }
    let public_field = |name: &str| {
        provider
            .credentials
            .iter()
            .any(|field| field.id == name && !field.secret)
    };
    match (identity.placement, identity.basic_user.as_deref()) {
        (CredentialPlacement::Basic, Some(user)) if public_field(user) => Ok(()),
        (CredentialPlacement::Basic, _) => Err(InvalidEntry(format!(
            "{key}.basic_user: name the non-secret credential field that is the user name"
        ))),
        (_, Some(_)) => Err(InvalidEntry(format!(
            "{key}.basic_user: only with placement = \"basic\""
        ))),
        (_, None) => Ok(()),
    }
}

fn validate_oauth(oauth: &OAuthConfig, device: bool) -> Result<(), InvalidEntry> {
    check_url("oauth.authorize_url", &oauth.authorize_url)?;
    check_url("oauth.token_url", &oauth.token_url)?;
    check_url("oauth.setup_url", &oauth.setup_url)?;
    for (key, value) in [
        ("oauth.revocation_url", &oauth.revocation_url),
        ("oauth.issuer", &oauth.issuer),
        ("oauth.device_authorization_url", &oauth.device_authorization_url),
    ] {
        if let Some(url) = value {
            check_url(key, url)?;
        }
    }
    if oauth.redirect.is_empty() {
        return Err(InvalidEntry("oauth.redirect: list at least one redirect kind".into()));
    }
    if device != oauth.device_authorization_url.is_some() {
        return Err(InvalidEntry(
            "oauth.device_authorization_url: set exactly when auth has device_code".into(),
        ));
    }
    if oauth.scope_separator.is_empty() {
        return Err(InvalidEntry("oauth.scope_separator: must not be empty".into()));
    }
    Ok(())
}

/// Catalogue URLs are https (plain http only to this computer, for tests and local servers);
/// a `{field}` placeholder may stand for a whole origin.
fn check_url(key: &str, value: &str) -> Result<(), InvalidEntry> {
    let loopback = [
        "http://127.0.0.1:",
        "http://127.0.0.1/",
        "http://localhost:",
        "http://localhost/",
    ];
    if value.starts_with("https://")
        || value.starts_with('{')
        || value.starts_with('/')
        || loopback.iter().any(|prefix| value.starts_with(prefix))
    {
        Ok(())
    } else {
        Err(InvalidEntry(format!("{key}: `{value}` must be an https URL")))
    }
}
