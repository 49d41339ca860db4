//! `switchboard-cli connection <id> <op>` and `audit`: what can be done to a connection once it
//! exists (get, enable, disable, refresh, test, rename, delete) and the audit log, through the
//! same connector as the app. Signing in is `connect`'s; nothing here prints a secret.

use std::path::Path;

use switchboard_core::clock::format_utc;
use switchboard_core::connections::operations::audit_json_lines;
use switchboard_core::connections::{DeleteOutcome, RevocationOutcome};

use crate::connect::{block_on, connector, print_connections};

/// One operation on one connection.
#[derive(Debug, PartialEq, Eq)]
pub enum Operation {
    Get,
    Enable,
    Disable,
    Refresh,
    Test,
    /// An empty label removes it.
    Rename(String),
    Delete,
}

impl Operation {
    /// `op` and what follows it on the command line (only `rename` takes a value).
    pub fn parse(op: &str, rest: &[String]) -> Result<Self, String> {
        let operation = match (op, rest) {
            ("get", []) => Self::Get,
            ("enable", []) => Self::Enable,
            ("disable", []) => Self::Disable,
            ("refresh", []) => Self::Refresh,
            ("test", []) => Self::Test,
            ("delete", []) => Self::Delete,
            ("rename", [label]) => Self::Rename(label.clone()),
            ("rename", []) => return Err("rename needs a label, e.g. `rename \"work Gmail\"` (\"\" removes it)".into()),
            ("get" | "enable" | "disable" | "refresh" | "test" | "delete" | "rename", [extra, ..]) => {
                return Err(format!("unexpected argument `{extra}`"))
            }
            (other, _) => return Err(format!("unknown operation `{other}`")),
        };
        Ok(operation)
    }
}

pub fn run(id: i64, operation: Operation, overrides: Option<&Path>, json: bool) -> Result<(), String> {
    block_on(async {
        let (connector, _events) = connector(overrides, false)?;
        let connection = match operation {
            Operation::Get => connector.connection(id),
            Operation::Enable => connector.set_enabled(id, true),
            Operation::Disable => connector.set_enabled(id, false),
            Operation::Refresh => connector.refresh_now(id).await,
            Operation::Rename(label) => connector.rename(id, Some(label)),
            Operation::Test => {
                let test = connector.test_connection(id).await.map_err(|error| error.message)?;
                if json {
                    print_json(&test)?;
                } else if test.ok {
                    println!("{}", test.message);
                }
                return if test.ok { Ok(()) } else { Err(test.message) };
            }
            Operation::Delete => {
                let outcome = connector.delete_connection(id).await.map_err(|error| error.message)?;
                return match json {
                    true => print_json(&outcome),
                    false => {
                        println!("{}", deleted(id, &outcome));
                        Ok(())
                    }
                };
            }
        };
        let connection = connection.map_err(|error| error.message)?;
        match json {
            true => print_json(&connection),
            false => print_connections(std::slice::from_ref(&connection), false),
        }
    })
}

pub fn audit(connection: Option<i64>, overrides: Option<&Path>, jsonl: bool) -> Result<(), String> {
    let (connector, _events) = connector(overrides, false)?;
    let entries = connector.audit_entries(connection).map_err(|error| error.message)?;
    if jsonl {
        print!("{}", audit_json_lines(&entries).map_err(|error| error.message)?);
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

fn deleted(id: i64, outcome: &DeleteOutcome) -> String {
    match &outcome.revocation {
        RevocationOutcome::Revoked => format!("connection {id} deleted; its access was revoked at the provider"),
        RevocationOutcome::NotSupported => {
            format!("connection {id} deleted; nothing to revoke at the provider (no endpoint, or a pasted key)")
        }
        RevocationOutcome::Pending { message } => format!("connection {id} deleted; revocation pending: {message}"),
        RevocationOutcome::NotRevoked { message } => format!("connection {id} deleted; not revoked: {message}"),
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|error| format!("could not encode JSON: {error}"))?;
    println!("{text}");
    Ok(())
}
