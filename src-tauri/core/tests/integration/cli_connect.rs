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
    let mut child = cli(&["connect", "google", "--products", "gmail", "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run switchboard-cli connect");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the first line");
    assert!(
        first.starts_with(&format!("{}/auth?", server.issuer)),
        "the first line is the authorization URL: {first}"
    );
    let (approved, printed) = approve_in_browser(first.trim(), "ana").await;
    assert!(approved, "the browser stand-in finishes:\n{printed}");
    let output = child.wait_with_output().expect("connect exits");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("the rest of stdout");
    assert!(
        output.status.success(),
        "connect succeeds: {}",
        String::from_utf8_lossy(&output.stderr)
    );
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
    let mut child = cli(&["connection", &id, "reauthorize", "--no-browser", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run switchboard-cli connection <id> reauthorize");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the first line");
    assert!(
        first.starts_with(&format!("{}/auth?", server.issuer)),
        "reauthorize prints the authorization URL first, as connect does: {first}"
    );
    let (approved, printed) = approve_in_browser(first.trim(), "ana").await;
    assert!(approved, "the browser stand-in finishes:\n{printed}");
    let output = child.wait_with_output().expect("reauthorize exits");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("the rest of stdout");
    assert!(
        output.status.success(),
        "reauthorize succeeds: {}",
        String::from_utf8_lossy(&output.stderr)
    );
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
