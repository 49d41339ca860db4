//! What the end-to-end tests share: the real app binary, a tauri-driver on free ports, a
//! private data directory, screenshots saved as artifacts, and a display check that fails
//! (never skips) when there is no display.

#![allow(dead_code)] // each test binary uses its own part of this module

pub mod webdriver;

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const APP: &str = env!("CARGO_BIN_EXE_switchboard");

/// Fails the test when there is no display: `make test` runs every test under Xvfb.
pub fn require_display() {
    assert!(
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some(),
        "end-to-end tests need a display and a private D-Bus session; run them with `make test` \
         (or `tests/session.sh cargo test`), which provides Xvfb, D-Bus and gnome-keyring"
    );
}

/// Where screenshots go: `target/e2e-artifacts/`.
pub fn artifacts_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/e2e-artifacts");
    dir
}

pub fn save_artifact(name: &str, bytes: &[u8]) {
    let path = artifacts_dir().join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
}

/// axe-core (installed with the UI's packages) run in the window: its serious and critical
/// violations, each with the rule, why it matters and up to five of the elements.
pub fn accessibility_violations(window: &webdriver::Session) -> Vec<serde_json::Value> {
    let axe = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&axe).unwrap_or_else(|error| {
        panic!(
            "axe-core must be installed with the UI's packages ({}): {error}",
            axe.display()
        )
    });
    window
        .execute(
            &format!("{source}\nwindow.axe = axe; return true;"),
            serde_json::json!([]),
        )
        .unwrap_or_else(|error| panic!("axe-core loads in the window: {error}"));
    let run = "const done = arguments[arguments.length - 1];
window.axe.run(document, { resultTypes: ['violations'] })
  .then((result) => done(result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')) }))))
  .catch((error) => done([{ id: 'axe-failed', help: String(error) }]));";
    let found = window
        .execute_async(run, serde_json::json!([]))
        .unwrap_or_else(|error| panic!("axe-core runs: {error}"));
    found.as_array().cloned().unwrap_or_default()
}

/// Fails unless axe-core finds no serious or critical violation on what the window shows.
pub fn assert_accessible(window: &webdriver::Session, what: &str) {
    let found = accessibility_violations(window);
    assert!(
        found.is_empty(),
        "{what}: axe-core finds no serious or critical accessibility violation, but found {found:#?}"
    );
}

/// Opens a page from the sidebar (the window opens on Chat): `integrations`, `settings`, `chat`.
pub fn open_page(window: &webdriver::Session, page: &str) {
    let entry = window
        .wait_for(&format!("[data-nav={page}]"), Duration::from_secs(30))
        .unwrap_or_else(|error| panic!("{error}"));
    window.click(&entry[0]).unwrap_or_else(|error| panic!("{error}"));
}

/// Saves a screenshot once the current DOM has been drawn: WebKitWebDriver's screenshot is the
/// last frame painted, which can still be the previous step's.
pub fn shot(window: &webdriver::Session, name: &str) {
    let drawn = "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(null)));";
    window
        .execute_async(drawn, serde_json::json!([]))
        .unwrap_or_else(|error| panic!("{error}"));
    save_artifact(name, &window.screenshot().unwrap_or_else(|error| panic!("{error}")));
}

/// Runs `script` until it answers something other than null or false, for at most `timeout`;
/// `what` names the wait.
pub fn wait_until(
    window: &webdriver::Session,
    what: &str,
    script: &str,
    args: serde_json::Value,
    timeout: Duration,
) -> serde_json::Value {
    let deadline = Instant::now() + timeout;
    loop {
        let answer = window
            .execute(script, args.clone())
            .unwrap_or_else(|error| panic!("{error}"));
        if !answer.is_null() && answer != serde_json::Value::Bool(false) {
            return answer;
        }
        assert!(Instant::now() < deadline, "{what}: not within {timeout:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// tauri-driver with WebKitWebDriver behind it; killed on drop.
pub struct TauriDriver {
    child: Child,
    pub port: u16,
    /// The data directory of the app it launches (to end that app with it).
    data_dir: PathBuf,
}

impl TauriDriver {
    /// Starts tauri-driver; the app it launches inherits `data_dir` as its data directory.
    pub fn start(data_dir: &Path) -> Self {
        Self::start_with_env(data_dir, &[])
    }

    /// As `start`, with more environment for the app (overrides, a browser stand-in).
    pub fn start_with_env(data_dir: &Path, envs: &[(&str, &std::ffi::OsStr)]) -> Self {
        let port = free_port();
        let native_port = free_port();
        let child = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            // Its own process group, so dropping it ends WebKitWebDriver (its child) too.
            .process_group(0)
            .env("SWITCHBOARD_DATA_DIR", data_dir)
            .envs(envs.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("tauri-driver must be installed (`make test` installs it): {error}"));
        let driver = Self {
            child,
            port,
            data_dir: data_dir.to_path_buf(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on port {port} within 20 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        driver
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        // The whole group: tauri-driver and the WebKitWebDriver it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The app may have left the group: end it too, and wait until it is gone, so the next
        // test's app is not handed to it as a second instance.
        kill_app(&self.data_dir);
    }
}

/// The running app processes on `data_dir` (found by executable and data directory).
pub fn app_processes(data_dir: &Path) -> Vec<u32> {
    let wanted = format!("SWITCHBOARD_DATA_DIR={}", data_dir.display());
    let Ok(app) = std::fs::canonicalize(APP) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_string_lossy().parse().ok()?;
            let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
            let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
            let ours = environ.split(|byte| *byte == 0).any(|pair| pair == wanted.as_bytes());
            (exe == app && ours).then_some(pid)
        })
        .collect()
}

/// SIGKILLs the app running on `data_dir` and waits (up to 5 s) until it is gone; answers how
/// many processes it killed.
pub fn kill_app(data_dir: &Path) -> usize {
    let found = app_processes(data_dir);
    for pid in &found {
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while !app_processes(data_dir).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    found.len()
}

/// Launches a second instance with `args` (as a browser would for a deep link) and waits for
/// it to hand over to the running one and exit.
pub fn launch_second_instance(data_dir: &Path, args: &[&std::ffi::OsStr]) -> std::process::ExitStatus {
    let mut child = Command::new(APP)
        .args(args)
        .env("SWITCHBOARD_DATA_DIR", data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("launch a second instance");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("poll the second instance") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("a second instance must forward its arguments and exit, but it was still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Today's log text from a data directory.
pub fn read_logs(data_dir: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(data_dir.join("logs")) else {
        return String::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
        .collect()
}

/// The app launched directly (not through WebDriver), killed on drop.
pub struct RunningApp {
    child: Child,
    data_dir: PathBuf,
}

impl RunningApp {
    pub fn launch(data_dir: &Path, args: &[&std::ffi::OsStr], envs: &[(&str, &str)]) -> Self {
        Self::launch_program(Path::new(APP), data_dir, args, envs)
    }

    /// As `launch`, starting `program` in the app's place: the app as packaged (its AppImage),
    /// which must become the app's process (exec), so that dropping this ends the app.
    pub fn launch_program(program: &Path, data_dir: &Path, args: &[&std::ffi::OsStr], envs: &[(&str, &str)]) -> Self {
        let child = Command::new(program)
            .args(args)
            .env("SWITCHBOARD_DATA_DIR", data_dir)
            .envs(envs.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("launch the app");
        Self {
            child,
            data_dir: data_dir.to_path_buf(),
        }
    }

    /// Waits until the app's log satisfies `accept`; fails if the app exits first.
    pub fn wait_for_log(&mut self, what: &str, accept: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let logs = read_logs(&self.data_dir);
            if accept(&logs) {
                return logs;
            }
            if let Some(status) = self.child.try_wait().expect("poll the app") {
                panic!("the app exited ({status}) before its log showed {what}; log:\n{logs}");
            }
            assert!(
                Instant::now() < deadline,
                "the log never showed {what} within 30 s; log:\n{logs}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("poll the app").is_none()
    }
}

impl Drop for RunningApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
