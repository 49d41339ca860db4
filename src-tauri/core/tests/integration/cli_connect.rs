//! `switchboard-cli connect` and `connections` against oidc-provider: the first line is the
//! authorization URL, the browser stand-in signs in, the CLI prints the connection, and the
//! connection is listed afterwards from the same data directory and keyring.

use crate::support::connector;
use crate::support::keyring;
use crate::support::oidc;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use oidc::{approve_in_browser, OidcServer};

#[tokio::test]
async fn connect_prints_the_url_first_then_the_connection() {
    keyring::require_session_bus();
    let server = OidcServer::start();
    let data = tempfile::tempdir().expect("a data directory");
    let overrides = data.path().join("overrides.toml");
    std::fs::write(&overrides, connector::google_overrides(&server, "\"loopback\"")).expect("write overrides");
    let cli = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_switchboard-cli"));
        command
            .args(args)
            .args(["--overrides", overrides.to_str().expect("utf-8 path")])
            .env("SWITCHBOARD_DATA_DIR", data.path().join("app"));
        command
    };
    let rest = sign_in_through(
        cli(&["connect", "google", "--products", "gmail", "--no-browser"]),
        &server,
        "connect",
    )
    .await;
    assert!(
        rest.contains("ana@example.com") && rest.contains("gmail"),
        "the connection is printed: {rest}"
    );

    let listed = cli(&["connections", "--json"]).output().expect("run connections");
    let json: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    assert_eq!(
        json[0]["accountLabel"], "ana@example.com",
        "the connection is stored: {json}"
    );
    assert_eq!(json[0]["provider"], "google");
    let text = String::from_utf8_lossy(&listed.stdout);
    assert!(
        !text.contains("access_token") && !text.contains("refresh_token") && !text.contains("\"token\""),
        "no secret is listed: {text}"
    );

    let id = json[0]["id"].to_string();
    let rest = sign_in_through(
        cli(&["connection", &id, "reauthorize", "--no-browser", "--json"]),
        &server,
        "reauthorize",
    )
    .await;
    let again: serde_json::Value = serde_json::from_str(&rest).expect("the connection as JSON");
    assert_eq!(
        again[0]["id"].to_string(),
        id,
        "the same connection signed in again, not a new one: {again}"
    );
    let listed = cli(&["connections", "--json"]).output().expect("run connections");
    let json: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    assert_eq!(json.as_array().map(Vec::len), Some(1), "still one connection: {json}");
}

/// Runs a CLI sign-in (`connect`, `connection <id> reauthorize`): its first line is the
/// authorization URL, which the browser stand-in approves as ana; it must then succeed.
/// Returns the rest of what it printed.
async fn sign_in_through(mut command: Command, server: &OidcServer, what: &str) -> String {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("run switchboard-cli {what}: {error}"));
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the first line");
    assert!(
        first.starts_with(&format!("{}/auth?", server.issuer)),
        "{what} prints the authorization URL first: {first}"
    );
    let (approved, printed) = approve_in_browser(first.trim(), "ana").await;
    assert!(approved, "the browser stand-in finishes:\n{printed}");
    let output = child.wait_with_output().expect("the CLI exits");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("the rest of stdout");
    assert!(
        output.status.success(),
        "{what} succeeds: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    rest
}
