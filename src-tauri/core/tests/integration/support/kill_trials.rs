//! For the SIGKILL trials (kill_trials.rs): a GitHub double that rotates refresh tokens and
//! refuses a spent one as a rotating provider does, the database read back (integrity, rows,
//! audit counts) without the core, and one switchboard-cli run killed at a chosen moment.
#![allow(dead_code)] // also compiled into the tests that need a process of their own, which use parts of it

use std::collections::{BTreeMap, HashSet};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rusqlite::OpenFlags;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

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
            "audit rows written and matched to their change: {}",
            self.audit_rows_checked
        );
        println!(
            "checks of the touched connection: renewing {}, marked for re-authorization {}, disabled with readable tokens {}",
            self.usable, self.marked, self.disabled_readable
        );
        let (connections, renewing, marked) = swept;
        println!("final sweep of {connections} connections: renewing {renewing}, marked for re-authorization {marked}");
        println!("spent refresh tokens sent (refused by the provider): {refused}");
        println!(
            "integrity failures: {}; lost acknowledged operations: {}",
            self.integrity_failures, self.lost_acknowledged
        );
    }
}

/// How one CLI run ended.
pub struct Run {
    /// Ended by our SIGKILL (not by itself before it).
    pub killed: bool,
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// Exit 0 and its whole answer printed: what a caller takes as done. `--json` output
    /// (after the authorization URL of a sign-in) must parse.
    pub fn acknowledged(&self, sign_in: bool) -> bool {
        let answer = match sign_in {
            true => self.stdout.split_once('\n').map_or("", |(_, rest)| rest),
            false => &self.stdout,
        };
        self.success && serde_json::from_str::<serde_json::Value>(answer).is_ok()
    }
}

/// Runs switchboard-cli on `data` with `args`; with `sign_in`, its first line is an
/// authorization URL, answered at once as an approving provider would (back to its loopback
/// redirect). With `kill_after`, SIGKILLs it then unless it has already exited.
pub async fn run_cli(
    data: &Path,
    overrides: &Path,
    args: &[String],
    sign_in: bool,
    kill_after: Option<Duration>,
) -> Run {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-cli"))
        .args(args)
        .arg("--overrides")
        .arg(overrides)
        .env("SWITCHBOARD_DATA_DIR", data)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("switchboard-cli starts");
    let started = Instant::now();
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let out = tokio::spawn(async move {
        let mut stdout = BufReader::new(stdout);
        let mut printed = String::new();
        if sign_in && stdout.read_line(&mut printed).await.is_ok() && !printed.is_empty() {
            approve(printed.trim()).await;
        }
        let _ = stdout.read_to_string(&mut printed).await;
        printed
    });
    let err = tokio::spawn(async move {
        let mut printed = String::new();
        let _ = stderr.read_to_string(&mut printed).await;
        printed
    });
    let waited = match kill_after {
        None => child.wait().await,
        Some(delay) => tokio::select! {
            status = child.wait() => status,
            _ = tokio::time::sleep(delay) => {
                let _ = child.start_kill();
                child.wait().await
            }
        },
    };
    let status = waited.expect("switchboard-cli is waited for");
    let elapsed = started.elapsed();
    Run {
        killed: status.signal() == Some(libc_sigkill()),
        success: status.success(),
        stdout: out.await.expect("stdout is read"),
        stderr: err.await.expect("stderr is read"),
        elapsed,
    }
}

const fn libc_sigkill() -> i32 {
    9 // SIGKILL on Linux and macOS
}

/// The browser's return to the loopback redirect with a code and the flow's state; a CLI
/// killed meanwhile makes it fail, which is no error here.
async fn approve(authorize_url: &str) {
    let Ok(url) = url::Url::parse(authorize_url) else {
        return;
    };
    let value = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    let (Some(redirect), Some(state)) = (value("redirect_uri"), value("state")) else {
        return;
    };
    let _ = tokio::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "--max-time", "10"])
        .arg(format!("{redirect}?code=the-code&state={state}"))
        .status()
        .await;
}
