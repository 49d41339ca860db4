//! `switchboard-cli connection <id> <op>` and `audit`: what can be done to a connection once it
//! exists (get, enable, disable, refresh, test, rename, reauthorize, delete) and the audit log,
//! through the same services as the app. Re-authorizing signs in as `connect` does; nothing
//! here prints a secret.

use std::path::Path;

use switchboard_core::clock::format_utc;
use switchboard_core::connections::operations::audit_json_lines;
use switchboard_core::connections::{ConnectionView, DeleteOutcome, RevocationOutcome};
use switchboard_core::ids::ConnectionId;

use crate::connect::{block_on, open_core, print_connections, sign_in};
use crate::report::{print_json, said};

/// One operation on one connection.
#[derive(Debug, PartialEq, Eq, clap::Subcommand)]
pub enum Operation {
    /// Print the connection.
    Get,
    /// Turn it on.
    Enable,
    /// Turn it off (its tokens are kept; nothing may use them).
    Disable,
    /// Renew its access token now.
    Refresh,
    /// Ask the provider who the token belongs to; a failed test exits 1.
    Test,
    /// Name it ("work Gmail"); "" removes the name.
    Rename { label: String },
    /// Sign in again on this connection, as the window's Re-authorize does (the authorization
    /// URL is printed first), then print it.
    Reauthorize {
        /// Print the URL without opening it.
        #[arg(long)]
        no_browser: bool,
        /// Also ask for this scope (repeatable), e.g. one an action needs (see `actions --connection`).
        #[arg(long = "scope", value_name = "SCOPE")]
        scopes: Vec<String>,
    },
    /// Delete it, revoking its access at the provider first.
    Delete,
}

pub fn run(id: ConnectionId, operation: Operation, overrides: Option<&Path>, json: bool) -> Result<(), String> {
    block_on(async {
        let open_browser = matches!(operation, Operation::Reauthorize { no_browser: false, .. });
        let (services, mut events) = open_core(overrides, open_browser)?;
        let operations = &services.operations;
        let connection = match operation {
            Operation::Get => services.store.get(id),
            Operation::Enable => operations.set_enabled(id, true),
            Operation::Disable => operations.set_enabled(id, false),
            Operation::Refresh => services.renewal.refresh_now(id).await,
            Operation::Rename { label } => operations.rename(id, Some(label)),
            Operation::Reauthorize { scopes, .. } => {
                let mut request = services.sign_ins.reauthorization(id).map_err(said)?;
                request.scopes = scopes;
                return sign_in(&services, &mut events, request, json).await;
            }
            Operation::Test => {
                let test = operations.test_connection(id).await.map_err(said)?;
                if json {
                    print_json(&test)?;
                } else if test.ok {
                    println!("{}", test.message);
                }
                return if test.ok { Ok(()) } else { Err(test.message) };
            }
            Operation::Delete => {
                let outcome = operations.delete_connection(id).await.map_err(said)?;
                return match json {
                    true => print_json(&outcome),
                    false => {
                        println!("{}", deleted(id, &outcome));
                        Ok(())
                    }
                };
            }
        };
        let connection = ConnectionView::from(&connection.map_err(said)?);
        match json {
            true => print_json(&connection),
            false => print_connections(std::slice::from_ref(&connection), false),
        }
    })
}

pub fn audit(connection: Option<ConnectionId>, overrides: Option<&Path>, jsonl: bool) -> Result<(), String> {
    let (services, _events) = open_core(overrides, false)?;
    let entries = services.operations.audit_entries(connection).map_err(said)?;
    if jsonl {
        print!("{}", audit_json_lines(&entries).map_err(said)?);
        return Ok(());
    }
    for entry in entries {
        let id = entry
            .connection_id
            .map(|id| id.to_string())
            .unwrap_or_else(|| "-".into());
        println!(
            "{} {:<4} {:<10} {:<24} {:<8} {:<16} {}",
            format_utc(entry.at),
            id,
            entry.provider,
            entry.account_label,
            entry.operation,
            entry.outcome,
            entry.detail.unwrap_or_default()
        );
    }
    Ok(())
}

fn deleted(id: ConnectionId, outcome: &DeleteOutcome) -> String {
    match &outcome.revocation {
        RevocationOutcome::Revoked => format!("connection {id} deleted; its access was revoked at the provider"),
        RevocationOutcome::NotSupported => {
            format!("connection {id} deleted; nothing to revoke at the provider (no endpoint, or a pasted key)")
        }
        RevocationOutcome::Pending { message } => format!("connection {id} deleted; revocation pending: {message}"),
        RevocationOutcome::NotRevoked { message } => format!("connection {id} deleted; not revoked: {message}"),
    }
}
