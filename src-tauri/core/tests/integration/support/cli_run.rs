//! Running `switchboard-cli` in a test: on a data directory and with an overrides file, its
//! output read as text; or SIGKILLed at a chosen moment (the kill trials).

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

/// Runs the CLI with `args`, `--overrides overrides` and `SWITCHBOARD_DATA_DIR=data`.
pub async fn cli(data: &Path, overrides: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-cli"))
        .args(args)
        .args(["--overrides", overrides.to_str().expect("a UTF-8 path")])
        .env("SWITCHBOARD_DATA_DIR", data)
        .output()
        .await
        .expect("run switchboard-cli")
}

/// What the CLI printed, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
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
        killed: status.signal() == Some(SIGKILL),
        success: status.success(),
        stdout: out.await.expect("stdout is read"),
        stderr: err.await.expect("stderr is read"),
        elapsed,
    }
}

/// SIGKILL's number on Linux and macOS, what `start_kill` sends.
const SIGKILL: i32 = 9;

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
