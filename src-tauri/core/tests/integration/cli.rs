//! `switchboard-cli` as a script would use it: JSON that matches the core, exit codes 0/1/2,
//! and the keyring reported truthfully, present or not (SECURITY.md E1).

use std::process::{Command, Output};

use serde_json::Value;
use switchboard_core::catalog::Catalog;

fn cli(args: &[&str], data_dir: &std::path::Path, envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchboard-cli"))
        .args(args)
        .env("SWITCHBOARD_DATA_DIR", data_dir)
        .envs(envs.iter().copied())
        .output()
        .expect("run switchboard-cli")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout must be JSON ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn require_session_bus() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "keyring tests need a D-Bus session with gnome-keyring; run them with `make test` or `tests/session.sh cargo test`"
    );
}

#[test]
fn providers_json_is_the_catalogue() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = cli(&["providers", "--json"], dir.path(), &[]);
    assert!(
        output.status.success(),
        "providers must succeed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listed = json(&output);
    let providers = Catalog::builtin().expect("catalogue").providers().to_vec();
    let listed = listed.as_array().expect("a list");
    assert_eq!(listed.len(), providers.len(), "one entry per provider");
    for (entry, provider) in listed.iter().zip(&providers) {
        let mut catalogued = entry.clone();
        let client = catalogued.as_object_mut().and_then(|fields| fields.remove("client"));
        assert_eq!(
            catalogued,
            serde_json::to_value(provider).expect("serialize"),
            "the CLI lists exactly the core's catalogue"
        );
        let expected = match provider.oauth {
            Some(_) => Value::from("none"),
            None => Value::Null,
        };
        assert_eq!(
            client,
            Some(expected),
            "{}: this build ships no client and no app is set up",
            provider.id
        );
    }
}

#[test]
fn providers_as_text_has_one_line_per_provider() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = cli(&["providers"], dir.path(), &[]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        text.lines().count(),
        Catalog::builtin().expect("catalogue").providers().len(),
        "one line each:\n{text}"
    );
    assert!(
        text.contains("Gmail, Drive, Sheets, Calendar"),
        "products are listed by name:\n{text}"
    );
}

#[test]
fn usage_errors_exit_2_and_say_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [
        &[][..],
        &["frobnicate"][..],
        &["providers", "--yaml"][..],
        &["doctor", "--json", "extra"][..],
    ] {
        let output = cli(args, dir.path(), &[]);
        assert_eq!(output.status.code(), Some(2), "`{}` is a usage error", args.join(" "));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("switchboard-cli: ") && stderr.contains("Usage: switchboard-cli"),
            "a reason and the usage: {stderr}"
        );
    }
}

#[test]
fn help_exits_0() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = cli(&["--help"], dir.path(), &[]);
    assert!(output.status.success(), "--help is not an error");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("doctor"),
        "help lists the commands"
    );
}

#[test]
fn every_command_and_subcommand_answers_help_with_its_own_usage() {
    let dir = tempfile::tempdir().expect("temp dir");
    let commands: [&[&str]; 9] = [
        &["providers"],
        &["doctor"],
        &["connect"],
        &["connections"],
        &["connection"],
        &["connection", "7", "rename"],
        &["connection", "7", "reauthorize"],
        &["audit"],
        &["browse"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let output = cli(&args, dir.path(), &[]);
        let usage = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "`{}` is not an error: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        let last = command.last().copied().unwrap_or_default();
        let named = if last == "7" { command[0] } else { last };
        assert!(
            usage.contains("Usage: switchboard-cli") && usage.contains(named),
            "`{}` prints its own usage: {usage}",
            args.join(" ")
        );
    }
}

#[test]
fn doctor_reports_a_reachable_keyring_in_a_desktop_session() {
    require_session_bus();
    let dir = tempfile::tempdir().expect("temp dir");
    let output = cli(&["doctor", "--json"], dir.path(), &[]);
    let report = json(&output);
    assert_eq!(
        report["dataDir"],
        dir.path().display().to_string(),
        "doctor checks the configured data dir"
    );
    assert_eq!(
        report["database"]["state"], "NotCreated",
        "doctor never creates the database"
    );
    assert!(
        !dir.path().join("switchboard.db").exists(),
        "doctor must change nothing"
    );
    assert_eq!(
        report["keyring"]["state"], "NoKeyYet",
        "an unlocked gnome-keyring without our key: reachable, no key yet"
    );
    assert_eq!(
        report["clients"]["google"], "none",
        "whose client Google signs in with: none in a build without built-in clients"
    );
}

#[test]
fn doctor_without_a_keyring_says_so_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = cli(
        &["doctor", "--json"],
        dir.path(),
        &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")],
    );
    assert_eq!(output.status.code(), Some(1), "a missing keyring is a failed check");
    let report = json(&output);
    assert_eq!(
        report["keyring"]["state"], "Unavailable",
        "no Secret Service means no key storage: {report}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.lines().count(),
        1,
        "exactly one line of reason on stderr: {stderr}"
    );
    assert!(
        stderr.contains("keyring unavailable"),
        "the reason names the keyring: {stderr}"
    );
}

#[test]
fn doctor_reports_a_damaged_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("switchboard.db"),
        b"not a database at all, not even close....",
    )
    .expect("write garbage");
    let output = cli(&["doctor", "--json"], dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "a damaged database is a failed check");
    assert_eq!(json(&output)["database"]["state"], "Damaged");
}
