//! A Node server of the repository's `tests/` (oidc-provider, the API doubles) started for a
//! test: found above this crate, its stdin piped so it stops with the test, its first stdout
//! line read as the JSON it says when it listens, and the rest drained so it never blocks.

#![allow(dead_code)] // also compiled into the tests that need a process of their own, which use parts of it

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// `tests/<folder>` at the repository root (this file serves the core's tests, its
/// benchmarks and the app's).
pub fn tests_dir(folder: &str) -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = manifest
        .ancestors()
        .map(|dir| dir.join("tests").join(folder))
        .find(|dir| dir.is_dir());
    found.unwrap_or_else(|| panic!("tests/{folder} not found above {}", manifest.display()))
}

/// Starts `node tests/<folder>/<script>` and returns it with the JSON of its first line.
pub fn start_node(folder: &str, script: &str) -> (Child, serde_json::Value) {
    let path = tests_dir(folder).join(script);
    let mut child = Command::new("node")
        .arg(&path)
        .stdin(Stdio::piped()) // the server stops when this closes, i.e. when the test ends
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("start node {}: {error}", path.display()));
    let stdout = child.stdout.take().expect("the server's stdout");
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader.read_line(&mut line).expect("the server's first line");
    // Keep draining: a server that logs to stdout would die on a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let ready = serde_json::from_str(&line).unwrap_or_else(|error| panic!("{script} said {line:?}: {error}"));
    (child, ready)
}
