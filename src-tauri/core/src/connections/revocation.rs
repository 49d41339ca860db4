//! Revoking a deleted connection's grant at the provider, as its catalogue entry says (RFC 7009,
//! GitHub's grant endpoint, Slack's bearer `auth.revoke`), and trying again later those that
//! failed for a reason that may pass (5xx, 429, the network). It deletes nothing of the
//! connection itself (`operations` does), and reads nothing of an answer but its status, an
//! error code and Slack's `ok`: no token ever reaches an error, a log or the audit. The
//! `Revocations` service keeps no state of its own: what is owed lives in the database.

mod answer;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::sync::Arc;

use rusqlite::Connection as Sqlite;

use super::error::ConnectionError as Error;
use super::events::Notifier;
use super::owners::{connection_context, SecretOwner};
use super::provider_apps::ProviderApps;
use super::retry_schedule::retry_time;
use super::store::ConnectionStore;
use super::Connection;
use crate::catalog::{AuthKind, Provider, Revocation, TokenAuth};
use crate::context::CoreContext;
use crate::db::{self, audit::NewAuditEntry, revocations::PendingRevocation};
use crate::error::UserError;
use crate::oauth::http::{host_of, secure_url};
use crate::oauth::retry::{send_with_retry, RequestPolicy, RetryPolicy};
use crate::vault::{KeyHolder, SecretStore, Sensitive};
pub(super) use answer::{attempt_detail, Attempt};
use answer::{failed_to_reach, read_answer};

/// What a client ID may not hold unencoded in a URL path (RFC 3986 unreserved stay as they are).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The token a deletion revokes, or why none is.
pub(super) enum Target {
    Token {
        provider: Box<Provider>,
        name: &'static str,
        token: Sensitive<String>,
    },
    NotSupported {
        why: String,
    },
    Unreadable {
        message: String,
    },
}

/// What the retries of due revocations came to (for the scheduler's log).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RevocationRetries {
    /// Revoked, or found already revoked: nothing more to do.
    pub revoked: usize,
    /// Refused for good, or their token could not be read: dropped (the audit says why).
    pub given_up: usize,
    pub still_pending: usize,
}

pub struct Revocations {
    context: CoreContext,
    notifier: Notifier,
    store: Arc<ConnectionStore>,
    apps: Arc<ProviderApps>,
    keys: Arc<KeyHolder>,
    request_policy: RequestPolicy,
}

impl Revocations {
    pub fn new(
        context: CoreContext,
        store: Arc<ConnectionStore>,
        apps: Arc<ProviderApps>,
        keys: Arc<KeyHolder>,
        request_policy: RequestPolicy,
        notifier: Notifier,
    ) -> Self {
        Self {
            context,
            store,
            apps,
            keys,
            request_policy,
            notifier,
        }
    }

    /// Revocations still owed to providers, soonest retry first.
    pub fn pending(&self) -> Result<Vec<PendingRevocation>, Error> {
        Ok(db::revocations::list(self.context.db().conn())?)
    }

    /// Tries again every pending revocation due at `now`; called by the scheduler. A keyring
    /// that cannot give the key leaves them all pending (`KeyringUnavailable`).
    #[tracing::instrument(skip_all, fields(now), err(level = "warn"))]
    pub async fn retry_due(&self, now: i64) -> Result<RevocationRetries, Error> {
        let due = db::revocations::due(self.context.db().conn(), now)?;
        let mut retries = RevocationRetries::default();
        if due.is_empty() {
            return Ok(retries);
        }
        let key = self.keys.key()?;
        for pending in due {
            let owner = SecretOwner::Revocation(pending.id).key();
            let context = connection_context(&pending.provider, &pending.account_id);
            let token = {
                let db = self.context.db();
                let store = SecretStore::new(&db, &key);
                ["refresh_token", "access_token"]
                    .into_iter()
                    .find_map(|name| Some((name, store.get(&owner, &context, name).ok().flatten()?)))
            };
            let attempt = match (&token, self.context.catalog().provider(&pending.provider)) {
                (Some((name, token)), Some(provider)) => self.revoke_at_provider(provider, name, token).await,
                (None, _) => Attempt::Refused {
                    message: "its saved token could not be read any more".to_owned(),
                },
                (_, None) => Attempt::Refused {
                    message: format!("{} is no longer in the catalogue", pending.provider),
                },
            };
            let outcome = attempt.audit_outcome();
            match &attempt {
                Attempt::Failed { message, retry_after } => {
                    let next = retry_time(now, pending.attempts, *retry_after);
                    db::revocations::record_failure(self.context.db().conn(), pending.id, message, next)?;
                    retries.still_pending += 1;
                }
                finished => {
                    let db = self.context.db();
                    let transaction = db.conn().unchecked_transaction().map_err(db::DbError::from)?;
                    db::secrets::delete_owner(&transaction, &owner)?;
                    db::revocations::delete(&transaction, pending.id)?;
                    transaction.commit().map_err(db::DbError::from)?;
                    match finished {
                        Attempt::Revoked { .. } => retries.revoked += 1,
                        _ => retries.given_up += 1,
                    }
                }
            }
            audit_revocation(
                self.context.db().conn(),
                &pending,
                now,
                outcome,
                attempt_detail(&attempt).as_deref(),
            );
        }
        self.notifier.changed();
        Ok(retries)
    }

    /// One revocation request for `token` (secret `name`: `refresh_token` or `access_token`),
    /// shaped as the provider's catalogue entry says. A single try: failures are retried later.
    pub(super) async fn revoke_at_provider(
        &self,
        provider: &Provider,
        name: &str,
        token: &Sensitive<String>,
    ) -> Attempt {
        let Some((oauth, endpoint)) = provider
            .oauth
            .as_ref()
            .and_then(|oauth| Some((oauth, oauth.revocation_url.as_deref()?)))
        else {
            return Attempt::Refused {
                message: format!("{} has no revocation endpoint", provider.name),
            };
        };
        // As configured now, if it can be read (RFC 7009 servers may not need it).
        let client = self.apps.oauth_client(provider, None, false).ok();
        let shape = match oauth.revocation {
            Revocation::Rfc7009 => {
                let mut form = vec![("token", token.expose().as_str()), ("token_type_hint", name)];
                let mut basic = None;
                if let Some(client) = &client {
                    let secret = client.client_secret.as_ref().map(|secret| secret.expose().as_str());
                    match oauth.token_auth {
                        TokenAuth::Basic => basic = Some((client.client_id.as_str(), secret)),
                        TokenAuth::Post => {
                            form.push(("client_id", client.client_id.as_str()));
                            form.extend(secret.map(|secret| ("client_secret", secret)));
                        }
                    }
                }
                Shape::Form { form, basic }
            }
            Revocation::GithubGrant => {
                let Some((client_id, secret)) = client
                    .as_ref()
                    .and_then(|client| Some((client.client_id.as_str(), client.client_secret.as_ref()?)))
                else {
                    return Attempt::Refused {
                        message: format!(
                            "revoking at {} needs the client ID and secret, which are not set in Settings",
                            provider.name
                        ),
                    };
                };
                Shape::GithubGrant {
                    client_id,
                    secret: secret.expose(),
                    body: serde_json::json!({ "access_token": token.expose() }).to_string(),
                }
            }
            Revocation::Bearer => Shape::Bearer { token: token.expose() },
        };
        let endpoint = match &shape {
            Shape::GithubGrant { client_id, .. } => {
                endpoint.replace("{client_id}", &utf8_percent_encode(client_id, PATH_SEGMENT).to_string())
            }
            _ => endpoint.to_owned(),
        };
        let Ok(url) = secure_url(&endpoint) else {
            return bad_endpoint(provider);
        };
        // One try: a failure is kept and retried later, not now.
        let single_try = RequestPolicy {
            retry: RetryPolicy {
                attempts: 1,
                ..self.request_policy.retry
            },
            clock: self.context.clock().clone(),
            ..self.request_policy.clone()
        };
        match send_with_retry(&url, &single_try, |http| shape.request(http, &url)).await {
            Ok(answer) => read_answer(
                oauth.revocation,
                &host_of(&url),
                answer.status,
                &answer.body,
                answer.retry_after,
            ),
            Err(error) => failed_to_reach(error.to_string()),
        }
    }

    /// What deleting `connection` revokes. Pasted keys and tokens are the person's to revoke
    /// where they made them; a keyring that cannot give the key refuses (`KeyringUnavailable`),
    /// since deleting now would lose the token before it was revoked.
    pub(super) fn target(&self, connection: &Connection) -> Result<Target, Error> {
        let provider = self.context.catalog().provider(&connection.provider);
        let Some((provider, oauth)) = provider.and_then(|provider| {
            let oauth = provider.oauth.as_ref().filter(|oauth| oauth.revocation_url.is_some())?;
            Some((provider, oauth))
        }) else {
            return Ok(Target::NotSupported {
                why: format!("{} offers no way to revoke access", connection.provider),
            });
        };
        if !matches!(connection.auth_kind, AuthKind::Oauth2 | AuthKind::DeviceCode) {
            return Ok(Target::NotSupported {
                why: "a pasted key or token is revoked where it was made".to_owned(),
            });
        }
        let cannot_read = || {
            Target::Unreadable {
            message: format!(
                "Switchboard could not read this connection's saved sign-in, so it could not revoke its access; remove it in your {} account's settings.",
                provider.name
            ),
        }
        };
        for name in token_names(oauth.revocation) {
            match self.store.read_secret(connection, name) {
                Ok(Some(token)) => {
                    return Ok(Target::Token {
                        provider: Box::new(provider.clone()),
                        name,
                        token,
                    })
                }
                Ok(None) => {}
                Err(Error::Key(error)) => {
                    return Err(Error::KeyNeededToRevoke {
                        key: UserError::from(error).message,
                        provider: provider.name.clone(),
                    })
                }
                Err(_) => return Ok(cannot_read()),
            }
        }
        Ok(cannot_read())
    }
}

/// The request a provider's revocation takes.
enum Shape<'a> {
    /// RFC 7009: a form, the client in it or as HTTP Basic.
    Form {
        form: Vec<(&'a str, &'a str)>,
        basic: Option<(&'a str, Option<&'a str>)>,
    },
    /// GitHub: `DELETE` with the client as HTTP Basic and the token in a JSON body.
    GithubGrant {
        client_id: &'a str,
        secret: &'a str,
        body: String,
    },
    /// Slack: the token itself as bearer.
    Bearer { token: &'a str },
}

impl Shape<'_> {
    fn request(&self, http: &reqwest::Client, url: &url::Url) -> reqwest::RequestBuilder {
        match self {
            Self::Form { form, basic } => {
                let request = http.post(url.clone()).header("Accept", "application/json").form(form);
                match basic {
                    Some((id, secret)) => request.basic_auth(id, *secret),
                    None => request,
                }
            }
            Self::GithubGrant {
                client_id,
                secret,
                body,
            } => http
                .delete(url.clone())
                .basic_auth(client_id, Some(secret))
                .header("Accept", "application/vnd.github+json")
                .header("Content-Type", "application/json")
                .body(body.clone()),
            Self::Bearer { token } => http
                .post(url.clone())
                .header("Accept", "application/json")
                .bearer_auth(token),
        }
    }
}

/// Which stored token a revocation sends: RFC 7009 prefers the refresh token (revoking it ends
/// the whole grant at Google and most servers); GitHub and Slack take the access token.
fn token_names(kind: Revocation) -> &'static [&'static str] {
    match kind {
        Revocation::Rfc7009 => &["refresh_token", "access_token"],
        Revocation::GithubGrant | Revocation::Bearer => &["access_token"],
    }
}

fn bad_endpoint(provider: &Provider) -> Attempt {
    Attempt::Refused {
        message: format!("{}'s revocation endpoint is not a valid https URL", provider.name),
    }
}

fn audit_revocation(conn: &Sqlite, pending: &PendingRevocation, now: i64, outcome: &str, detail: Option<&str>) {
    let entry = NewAuditEntry {
        at: now,
        connection_id: None,
        provider: &pending.provider,
        account_label: &pending.account_label,
        operation: "revoke",
        outcome,
        detail,
    };
    if let Err(error) = db::audit::append(conn, &entry) {
        tracing::warn!(%error, "could not write the audit log");
    }
}
