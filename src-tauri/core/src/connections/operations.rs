//! What a person does to a connection once it exists: turn it off and on, name it, test it with
//! the provider's identity request, delete it (revoking at the provider first, then removing
//! its secrets and row whatever the provider said), and read or export the audit log. Renewal
//! is token renewal's and the revocation request `revocation`'s; nothing here draws UI, and
//! the service keeps no state beyond the folder exports go to.

mod probe;

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::error::ConnectionError as Error;
use super::events::Notifier;
use super::owners::{connection_context, SecretOwner};
use super::renewal::TokenRenewal;
use super::retry_schedule::retry_time;
use super::revocation::{attempt_detail, Attempt, Revocations, Target};
use super::store::ConnectionStore;
use super::{Connection, ConnectionView};
use crate::clock::format_utc;
use crate::context::CoreContext;
use crate::db::{self, audit::AuditEntry, revocations::NewRevocation};
use crate::ids::ConnectionId;
use crate::paths::{create_private_dir, create_private_file};
use crate::vault::{KeyHolder, SecretStore, Sensitive};

/// The longest label a person can give a connection.
pub const MAX_LABEL_CHARS: usize = 80;

/// What "Test" found.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTest {
    pub ok: bool,
    /// How long the provider took to answer, when a request was sent.
    pub latency_ms: Option<u64>,
    /// Plain words: who the provider answered as, or what went wrong.
    pub message: String,
    /// The connection as it stands after the test (a refused token marks it).
    pub connection: ConnectionView,
}

/// What became of a deleted connection's access at the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeleteOutcome {
    pub revocation: RevocationOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RevocationOutcome {
    /// The provider no longer accepts the tokens (revoked now, or already).
    Revoked,
    /// The provider has no revocation endpoint, or the token was pasted by the person (theirs
    /// to revoke where they made it).
    NotSupported,
    /// The provider could not be reached; Switchboard keeps trying and shows it meanwhile.
    Pending { message: String },
    /// The provider refused, or the token could not be read: it will not be retried.
    NotRevoked { message: String },
}

/// A revocation to try again later, recorded with the deletion.
struct Owed {
    name: &'static str,
    token: Sensitive<String>,
    message: String,
    next_attempt_at: i64,
}

pub struct ConnectionOperations {
    context: CoreContext,
    notifier: Notifier,
    store: Arc<ConnectionStore>,
    renewal: Arc<TokenRenewal>,
    revocations: Arc<Revocations>,
    keys: Arc<KeyHolder>,
    /// Where exported audit logs are written (`exports/` in the data directory).
    exports_dir: PathBuf,
}

impl ConnectionOperations {
    pub fn new(
        context: CoreContext,
        store: Arc<ConnectionStore>,
        renewal: Arc<TokenRenewal>,
        revocations: Arc<Revocations>,
        keys: Arc<KeyHolder>,
        exports_dir: PathBuf,
        notifier: Notifier,
    ) -> Self {
        Self {
            context,
            store,
            renewal,
            revocations,
            keys,
            exports_dir,
            notifier,
        }
    }

    /// Turns a connection on or off; off keeps its tokens but nothing may use them.
    pub fn set_enabled(&self, id: ConnectionId, enabled: bool) -> Result<Connection, Error> {
        let connection = self.store.get(id)?;
        let operation = if enabled { "enable" } else { "disable" };
        self.store.change_audited(
            &connection,
            operation,
            "ok",
            None,
            |db| match db::connections::set_enabled(db.conn(), id, enabled)? {
                true => Ok(()),
                false => Err(gone()),
            },
        )?;
        self.notifier.changed();
        self.store.get(id)
    }

    /// Names a connection ("work Gmail"); `None` or blank shows the account alone.
    pub fn rename(&self, id: ConnectionId, label: Option<String>) -> Result<Connection, Error> {
        let label = clean_label(label.as_deref())?;
        let connection = self.store.get(id)?;
        let detail = label
            .as_deref()
            .map_or("label removed".to_owned(), |label| format!("now “{label}”"));
        self.store.change_audited(
            &connection,
            "rename",
            "ok",
            Some(&detail),
            |db| match db::connections::set_label(db.conn(), id, label.as_deref())? {
                true => Ok(()),
                false => Err(gone()),
            },
        )?;
        self.notifier.changed();
        self.store.get(id)
    }

    /// Deletes a connection: revokes its grant at the provider where the catalogue says how,
    /// then deletes its secrets and row in one transaction whatever the provider answered. A
    /// revocation that failed for a reason that may pass is kept, sealed, and retried later
    /// (`Revocations::retry_due`). A locked keyring refuses the deletion (`KeyringUnavailable`).
    #[tracing::instrument(skip_all, fields(id), err(level = "warn"))]
    pub async fn delete_connection(&self, id: ConnectionId) -> Result<DeleteOutcome, Error> {
        let _no_renewal_meanwhile = self.renewal.hold(id).await;
        let connection = self.store.get(id)?;
        let (revocation, owed) = match self.revocations.target(&connection)? {
            Target::NotSupported { why } => {
                self.store.audit(&connection, "revoke", "not supported", Some(&why));
                (RevocationOutcome::NotSupported, None)
            }
            Target::Unreadable { message } => {
                self.store.audit(&connection, "revoke", "failed", Some(&message));
                (RevocationOutcome::NotRevoked { message }, None)
            }
            Target::Token { provider, name, token } => {
                let attempt = self.revocations.revoke_at_provider(&provider, name, &token).await;
                self.store.audit(
                    &connection,
                    "revoke",
                    attempt.audit_outcome(),
                    attempt_detail(&attempt).as_deref(),
                );
                match attempt {
                    Attempt::Revoked { .. } => (RevocationOutcome::Revoked, None),
                    Attempt::Refused { message } => {
                        let message = format!(
                            "{name} did not revoke Switchboard's access ({message}); you can remove it in your {name} account's settings.",
                            name = provider.name
                        );
                        (RevocationOutcome::NotRevoked { message }, None)
                    }
                    Attempt::Failed { message, retry_after } => {
                        let pending = format!(
                            "Could not revoke Switchboard's access at {}: {message}. Switchboard will keep trying.",
                            provider.name
                        );
                        let next_attempt_at = retry_time(self.context.now(), 0, retry_after);
                        let owed = Owed {
                            name,
                            token,
                            message,
                            next_attempt_at,
                        };
                        (RevocationOutcome::Pending { message: pending }, Some(owed))
                    }
                }
            }
        };
        self.delete_locally(&connection, owed.as_ref())?;
        self.renewal.forget(id);
        self.notifier.changed();
        Ok(DeleteOutcome { revocation })
    }

    /// The row, its secrets and (if owed) the revocation to retry with its sealed token: all
    /// in one transaction, so no secret outlives its connection unaccounted for.
    fn delete_locally(&self, connection: &Connection, owed: Option<&Owed>) -> Result<(), Error> {
        let key = owed.map(|_| self.keys.key()).transpose()?;
        let now = self.context.now();
        let storage = |error: &dyn std::fmt::Display| Error::NotDeleted(error.to_string());
        let deleted = self.store.change_audited(connection, "delete", "ok", None, |db| {
            db::secrets::delete_owner(db.conn(), &SecretOwner::Connection(connection.id).key())
                .map_err(|e| storage(&e))?;
            db::connections::delete(db.conn(), connection.id).map_err(|e| storage(&e))?;
            db::action_policies::forget_connection(db.conn(), connection.id).map_err(|e| storage(&e))?;
            if let (Some(owed), Some(key)) = (owed, key) {
                let new = NewRevocation {
                    provider: &connection.provider,
                    account_label: &connection.account_label,
                    account_id: &connection.account_id,
                    next_attempt_at: owed.next_attempt_at,
                    last_error: &owed.message,
                    created_at: now,
                };
                let pending = db::revocations::insert(db.conn(), &new).map_err(|e| storage(&e))?;
                let context = connection_context(&connection.provider, &connection.account_id);
                SecretStore::new(db, &key)
                    .put(
                        &SecretOwner::Revocation(pending).key(),
                        &context,
                        owed.name,
                        &owed.token,
                        now,
                    )
                    .map_err(|e| storage(&e))?;
            }
            Ok(())
        });
        deleted.map_err(|error| match error {
            Error::Database(error) => storage(&error),
            other => other,
        })
    }

    /// The audit log, oldest first: one connection's entries, or all of them.
    pub fn audit_entries(&self, connection: Option<ConnectionId>) -> Result<Vec<AuditEntry>, Error> {
        Ok(db::audit::list(self.context.db().conn(), connection)?)
    }

    /// Writes the audit log (one connection's, or all) as JSON Lines to a new owner-only file
    /// `audit-<UTC time>.jsonl` in the exports folder (created owner-only if missing); returns
    /// its path.
    pub fn export_audit(&self, connection: Option<ConnectionId>) -> Result<PathBuf, Error> {
        let dir = self.exports_dir.as_path();
        let text = audit_json_lines(&self.audit_entries(connection)?)?;
        let failed = |error: std::io::Error| Error::ExportFailed {
            dir: dir.to_path_buf(),
            error,
        };
        create_private_dir(dir).map_err(failed)?;
        let stamp = format_utc(self.context.now());
        for copy in 0..100 {
            let name = match copy {
                0 => format!("audit-{stamp}.jsonl"),
                n => format!("audit-{stamp}-{n}.jsonl"),
            };
            let path = dir.join(name);
            match create_private_file(&path) {
                Ok(mut file) => {
                    use std::io::Write;
                    file.write_all(text.as_bytes())
                        .and_then(|()| file.sync_all())
                        .map_err(failed)?;
                    return Ok(path);
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(failed(error)),
            }
        }
        Err(failed(std::io::Error::other("too many exports in the same second")))
    }
}

/// One JSON object per line, each ending in a newline (JSON Lines).
pub fn audit_json_lines(entries: &[AuditEntry]) -> Result<String, Error> {
    let mut text = String::new();
    for entry in entries {
        let line = serde_json::to_string(entry).map_err(Error::AuditNotEncoded)?;
        text.push_str(&line);
        text.push('\n');
    }
    Ok(text)
}

/// Trimmed, at most `MAX_LABEL_CHARS`, no control characters; empty means none.
fn clean_label(label: Option<&str>) -> Result<Option<String>, Error> {
    let label = label.map(str::trim).filter(|label| !label.is_empty());
    match label {
        Some(label) if label.chars().count() > MAX_LABEL_CHARS => Err(Error::LabelTooLong),
        Some(label) if label.chars().any(char::is_control) => Err(Error::LabelControlCharacters),
        other => Ok(other.map(str::to_owned)),
    }
}

fn gone() -> Error {
    Error::ConnectionGone
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn labels_are_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(
            clean_label(Some("  work Gmail ")).expect("valid"),
            Some("work Gmail".into())
        );
        assert_eq!(clean_label(Some("   ")).expect("valid"), None, "blank means no label");
        assert_eq!(clean_label(None).expect("valid"), None);
        assert!(
            clean_label(Some(&"é".repeat(MAX_LABEL_CHARS))).is_ok(),
            "the limit counts characters, not bytes"
        );
        for bad in ["x".repeat(MAX_LABEL_CHARS + 1), "a\tb".into(), "a\u{1b}[31m".into()] {
            let error = clean_label(Some(&bad)).expect_err("refused");
            assert_eq!(error.code(), ErrorCode::InvalidInput, "{bad:?} is refused as input");
        }
    }

    #[test]
    fn the_audit_exports_one_json_object_per_line() {
        let entry = |id| AuditEntry {
            id,
            at: 1,
            connection_id: Some(ConnectionId(3)),
            provider: "github".into(),
            account_label: "octocat".into(),
            operation: "test".into(),
            outcome: "ok".into(),
            detail: Some("line one\nline two".into()),
        };
        let text = audit_json_lines(&[entry(1), entry(2)]).expect("encoded");
        assert_eq!(
            text.lines().count(),
            2,
            "a newline in a detail stays escaped inside its line"
        );
        assert!(text.ends_with('\n'), "every line ends with a newline");
        let first: serde_json::Value = serde_json::from_str(text.lines().next().expect("a line")).expect("JSON");
        assert_eq!(first["accountLabel"], "octocat", "the UI's field names");
    }
}
