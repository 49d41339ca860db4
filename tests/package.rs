//! The Debian package as a user installs it: its desktop entry is valid and hands
//! `switchboard://` links, through the desktop's own launcher (`gio open`), to the packaged
//! binary, which passes them on to the running app. `make test` builds the package first.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{require_display, RunningApp, APP};

const DESKTOP_ENTRY: &str = "Switchboard.desktop";

fn package_path() -> PathBuf {
    let bundle_dir = Path::new(APP).with_file_name("bundle").join("deb");
    let debs: Vec<PathBuf> = std::fs::read_dir(&bundle_dir)
        .unwrap_or_else(|error| {
            panic!(
                "no package in {}: {error}; `make test` builds it first",
                bundle_dir.display()
            )
        })
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "deb"))
        .collect();
    assert_eq!(
        debs.len(),
        1,
        "exactly one package expected in {}: {debs:?}",
        bundle_dir.display()
    );
    debs.into_iter().next().unwrap_or_default()
}

fn run(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("could not run {command:?}: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn the_packaged_desktop_entry_delivers_links_to_the_running_app() {
    require_display();
    let root = tempfile::tempdir().expect("a place to unpack the package");
    run(Command::new("dpkg-deb").arg("-x").arg(package_path()).arg(root.path()));
    let share = root.path().join("usr/share");
    let entry = share.join("applications").join(DESKTOP_ENTRY);
    run(Command::new("desktop-file-validate").arg(&entry));

    // The unpacked package stands in for /usr: its binary first on PATH, its entry first in
    // XDG_DATA_DIRS; a private config dir keeps the association out of the session's HOME.
    let config = tempfile::tempdir().expect("a private XDG config dir");
    let path = format!(
        "{}:{}",
        root.path().join("usr/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let data_dirs = format!("{}:/usr/local/share:/usr/share", share.display());
    let data = tempfile::tempdir().expect("a private data dir");
    let desktop_env = [
        ("PATH", path.as_str()),
        ("XDG_DATA_DIRS", data_dirs.as_str()),
        ("XDG_CONFIG_HOME", config.path().to_str().unwrap_or_default()),
    ];
    let mut app = RunningApp::launch(data.path(), &[], &desktop_env);
    // A development build registers its own handler at start; the package's must win after.
    app.wait_for_log("its own scheme registration", |logs| {
        logs.contains("deep-link scheme registered")
    });
    let desktop = |program: &str| {
        let mut command = Command::new(program);
        command.envs(desktop_env).env("SWITCHBOARD_DATA_DIR", data.path());
        command
    };
    run(desktop("xdg-mime").args(["default", DESKTOP_ENTRY, "x-scheme-handler/switchboard"]));
    let handler = run(desktop("xdg-mime").args(["query", "default", "x-scheme-handler/switchboard"]));
    assert_eq!(
        String::from_utf8_lossy(&handler.stdout).trim(),
        DESKTOP_ENTRY,
        "the package's entry must now handle switchboard:// links"
    );

    run(desktop("gio").args([
        "open",
        "switchboard://oauth/callback/notion?code=packaged-secret&state=s",
    ]));
    let logs = app.wait_for_log("the link opened through the package", |logs| {
        logs.contains("deep link received") && logs.contains("notion")
    });
    assert!(
        !logs.contains("packaged-secret"),
        "the link's query must never be logged"
    );
    assert!(app.is_running(), "the running app keeps running after the handover");
}
