//! For the SIGKILL trials (kill_trials.rs): a GitHub double that rotates refresh tokens and
//! refuses a spent one as a rotating provider does, the operations the trials run, the
//! database read back (integrity, rows, audit counts) without the core, and the figures.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::OpenFlags;

use super::fake_provider::{FakeProvider, Reply};
use super::refresh::{token_reply, TOKEN_PATH};

/// How long the access tokens the double issues live: short, as in the issue's workload.
pub const EXPIRES_IN: i64 = 120;

/// The token endpoint and `GET /user` of a rotating GitHub on the fake: every grant issues a
/// new refresh token and spends the one sent; a spent or unknown one is refused (invalid_grant).
#[derive(Clone, Default)]
pub struct RotatingProvider {
    state: Arc<Mutex<Issued>>,
}

#[derive(Default)]
struct Issued {
    serial: u64,
    live: HashSet<String>,
    refused: usize,
    account: u64,
}

impl RotatingProvider {
    pub fn install(fake: &FakeProvider) -> Self {
        let provider = Self::default();
        let tokens = provider.clone();
        fake.respond_with(TOKEN_PATH, move |request| {
            let refresh = request.form_value("grant_type").as_deref() == Some("refresh_token");
            tokens.grant(refresh.then(|| request.form_value("refresh_token").unwrap_or_default()))
        });
        let users = provider.clone();
        fake.respond_with("/user", move |_| {
            let account = users.lock().account;
            Reply::json(200, &format!(r#"{{"id":{account},"login":"user-{account}"}}"#))
        });
        provider
    }

    /// The account the next sign-in signs in as.
    pub fn sign_in_as(&self, account: u64) {
        self.lock().account = account;
    }

    /// Whether `refresh_token` would be accepted now.
    pub fn is_live(&self, refresh_token: &str) -> bool {
        self.lock().live.contains(refresh_token)
    }

    /// How many spent refresh tokens were sent (and refused).
    pub fn refused(&self) -> usize {
        self.lock().refused
    }

    fn grant(&self, spent: Option<String>) -> Reply {
        let mut issued = self.lock();
        if let Some(sent) = spent {
            if !issued.live.remove(&sent) {
                issued.refused += 1;
                return Reply::json(
                    400,
                    r#"{"error":"invalid_grant","error_description":"The refresh token was already used"}"#,
                );
            }
        }
        issued.serial += 1;
        let n = issued.serial;
        issued.live.insert(format!("rt-{n}"));
        token_reply(&format!("at-{n}"), Some(&format!("rt-{n}")), Some(EXPIRES_IN))
    }

    fn lock(&self) -> MutexGuard<'_, Issued> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A connection's row, the columns the workload changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub account_id: String,
    pub label: Option<String>,
    pub enabled: bool,
    pub token_version: i64,
    pub status: String,
    pub reason: Option<String>,
}

/// The database as the trials compare it: rows by id, audit rows counted by
/// (connection, operation, outcome).
#[derive(Debug, Default)]
pub struct Snapshot {
    pub rows: BTreeMap<i64, Row>,
    pub audit: BTreeMap<(i64, String, String), usize>,
    pub audit_rows: usize,
}

impl Snapshot {
    /// Reads the file read-only after `PRAGMA integrity_check`; `Err` with what the check said.
    pub fn read(file: &Path) -> Result<Self, String> {
        let db = rusqlite::Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|error| format!("the file does not open: {error}"))?;
        db.busy_timeout(Duration::from_secs(10))
            .map_err(|error| error.to_string())?;
        let integrity = db
            .prepare("PRAGMA integrity_check")
            .and_then(|mut check| check.query_map([], |row| row.get::<_, String>(0))?.collect())
            .map(|lines: Vec<String>| lines.join("; "))
            .map_err(|error| format!("integrity_check did not run: {error}"))?;
        if integrity != "ok" {
            return Err(format!("integrity_check: {integrity}"));
        }
        let read = |error: rusqlite::Error| format!("the file does not read: {error}");
        let mut snapshot = Self::default();
        let mut rows = db
            .prepare("SELECT id, account_id, label, enabled, token_version, status, status_reason FROM connections")
            .map_err(read)?;
        let rows = rows
            .query_map([], |row| {
                let fields = Row {
                    account_id: row.get(1)?,
                    label: row.get(2)?,
                    enabled: row.get(3)?,
                    token_version: row.get(4)?,
                    status: row.get(5)?,
                    reason: row.get(6)?,
                };
                Ok((row.get::<_, i64>(0)?, fields))
            })
            .map_err(read)?;
        for row in rows {
            let (id, fields) = row.map_err(read)?;
            snapshot.rows.insert(id, fields);
        }
        let mut audit = db
            .prepare("SELECT coalesce(connection_id, 0), operation, outcome, count(*) FROM audit GROUP BY 1, 2, 3")
            .map_err(read)?;
        let counts = audit
            .query_map([], |row| {
                Ok(((row.get(0)?, row.get(1)?, row.get(2)?), row.get::<_, i64>(3)?))
            })
            .map_err(read)?;
        for count in counts {
            let (key, n) = count.map_err(read)?;
            let n = usize::try_from(n).expect("a count is not negative");
            snapshot.audit_rows += n;
            snapshot.audit.insert(key, n);
        }
        Ok(snapshot)
    }

    /// Audit rows of `id` for `operation` with `outcome`.
    pub fn audited(&self, id: i64, operation: &str, outcome: &str) -> usize {
        let key = (id, operation.to_owned(), outcome.to_owned());
        self.audit.get(&key).copied().unwrap_or(0)
    }

    /// All audit rows of `id`.
    pub fn audited_all(&self, id: i64) -> usize {
        self.audit
            .iter()
            .filter(|((connection, _, _), _)| *connection == id)
            .map(|(_, n)| n)
            .sum()
    }

    /// The id of the row of GitHub account `account`.
    pub fn account(&self, account: u64) -> Option<i64> {
        let account = account.to_string();
        self.rows
            .iter()
            .find(|(_, row)| row.account_id == account)
            .map(|(id, _)| *id)
    }
}

/// What the trials counted, and what they found wrong.
#[derive(Default)]
pub struct Figures {
    /// Trials whose operation our SIGKILL ended (the others ended before it).
    pub killed_mid: usize,
    /// Per operation, in the trials: run, killed mid-way, acknowledged, refused (exit 1 by itself).
    pub per_op: BTreeMap<&'static str, [usize; 4]>,
    /// Acknowledged runs checked in the database (trials, checking refreshes, final sweep).
    pub acknowledged_checked: usize,
    pub audit_rows_checked: usize,
    pub usable: usize,
    pub marked: usize,
    pub disabled_readable: usize,
    /// The trials after which a connection's renewal was refused and it was marked.
    pub newly_marked: Vec<String>,
    pub integrity_failures: usize,
    pub lost_acknowledged: usize,
    pub failures: Vec<String>,
}

impl Figures {
    /// Prints the figures; `swept` is (connections, renewing, marked) at the end.
    pub fn print(&self, seed: u64, trials: usize, swept: (usize, usize, usize), refused: usize) {
        println!("---- kill trial figures (seed {seed}) ----");
        let after = trials - self.killed_mid;
        println!(
            "trials: {trials}; killed mid-operation: {}; ended before the kill: {after}",
            self.killed_mid
        );
        for (op, [ran, killed, acknowledged, refused]) in &self.per_op {
            println!(
                "  {op:<8} trials {ran:>4}  killed {killed:>4}  acknowledged {acknowledged:>4}  refused {refused:>3}"
            );
        }
        println!("  (refused: exited 1 by itself, e.g. a refresh of a disabled or marked connection)");
        println!(
            "acknowledged operations checked (trials, checking refreshes, final sweep): {}",
            self.acknowledged_checked
        );
        println!(
            "audit rows written, each checked against its connection's row: {}",
            self.audit_rows_checked
        );
        println!(
            "checks of the touched connection: renewing {}, marked for re-authorization {}, disabled with readable tokens {}",
            self.usable, self.marked, self.disabled_readable
        );
        let (connections, renewing, marked) = swept;
        println!("final sweep of {connections} connections: renewing {renewing}, marked for re-authorization {marked}");
        println!("spent refresh tokens sent (refused by the provider): {refused}");
        for marked in &self.newly_marked {
            println!("  marked for re-authorization after {marked}");
        }
        println!(
            "integrity failures: {}; lost acknowledged operations: {}",
            self.integrity_failures, self.lost_acknowledged
        );
    }
}

/// One operation as a trial runs it.
#[derive(Clone, Debug)]
pub enum Op {
    Refresh(i64),
    Rename(i64, String),
    Enable(i64, bool),
    Connect(u64),
}

impl Op {
    pub fn name(&self) -> &'static str {
        match self {
            Op::Refresh(_) => "refresh",
            Op::Rename(..) => "rename",
            Op::Enable(_, true) => "enable",
            Op::Enable(_, false) => "disable",
            Op::Connect(_) => "connect",
        }
    }

    pub fn args(&self) -> Vec<String> {
        let connection = |id: &i64, rest: &[&str]| {
            let mut args = vec!["connection".to_owned(), id.to_string()];
            args.extend(rest.iter().map(|arg| arg.to_string()));
            args.push("--json".into());
            args
        };
        match self {
            Op::Refresh(id) => connection(id, &["refresh"]),
            Op::Rename(id, label) => connection(id, &["rename", label]),
            Op::Enable(id, true) => connection(id, &["enable"]),
            Op::Enable(id, false) => connection(id, &["disable"]),
            Op::Connect(_) => ["connect", "github", "--no-browser", "--json"]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// The connection `op` works on: its id, or the row of the account a sign-in saved.
pub fn target(op: &Op, after: &Snapshot) -> Option<i64> {
    match op {
        Op::Refresh(id) | Op::Rename(id, _) | Op::Enable(id, _) => Some(*id),
        Op::Connect(account) => after.account(*account),
    }
}
