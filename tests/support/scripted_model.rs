//! tests/model/server.mjs (the scripted language-model server: OpenAI-compatible and
//! Anthropic on loopback, replaying queued turns) for the window tests: started with the
//! core's Node helper (include src-tauri/core/tests/integration/support/node.rs as `mod node`),
//! stopped on drop, driven over plain HTTP/1.0 so the root crate needs no HTTP client. It does
//! not point the app at the server: the window test does that in Settings, as a person would.
//! (The core's tests use src-tauri/core/tests/integration/support/model.rs.)

#![allow(dead_code)] // each test binary uses its own part of this module

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::time::Duration;

use serde_json::{json, Value};

use crate::node;

pub struct ScriptedModel {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl ScriptedModel {
    /// Starts `node tests/model/server.mjs` and waits until it listens.
    pub fn start() -> Self {
        let (child, ready) = node::start_node("model", "server.mjs");
        let url = ready["url"].as_str().expect("the scripted model's url").to_owned();
        Self { child, url }
    }

    /// What Settings takes as an OpenAI-compatible server's base URL: `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.url)
    }

    /// `127.0.0.1:PORT`, as Settings names the server in use.
    pub fn address(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// Queues `turns` (a JSON array, see tests/model/README.md); each model request takes the next.
    pub fn script(&self, turns: Value) {
        self.send("POST", "/_control/script", Some(&json!({ "turns": turns })));
    }

    /// The model requests received so far (POSTs to `/v1/chat/completions`, `/v1/messages`), in order.
    pub fn requests(&self) -> Vec<Value> {
        let all = self.send("GET", "/_control/requests", None);
        all.as_array()
            .into_iter()
            .flatten()
            .filter(|request| request["method"] == "POST")
            .cloned()
            .collect()
    }

    /// How many queued turns no request has taken yet.
    pub fn pending(&self) -> u64 {
        self.send("GET", "/_control/pending", None)["turns"]
            .as_u64()
            .expect("a count of pending turns")
    }

    /// One control-plane request; its JSON answer (null for 204).
    fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let address = self.address();
        let mut stream = TcpStream::connect(address).expect("connect to the scripted model");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("a read timeout");
        let body = body.map(Value::to_string).unwrap_or_default();
        // HTTP/1.0: one whole answer, and the server closes when done.
        let head = format!(
            "{method} {path} HTTP/1.0\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(body.as_bytes()))
            .expect("send the request");
        let mut raw = String::new();
        stream.read_to_string(&mut raw).expect("read the answer");
        let (status, answer) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status_line = status.lines().next().unwrap_or_default();
        assert!(
            status_line.contains(" 200") || status_line.contains(" 204"),
            "{method} {path}: {status_line}\n{answer}"
        );
        if answer.is_empty() {
            return Value::Null;
        }
        serde_json::from_str(answer).unwrap_or_else(|error| panic!("{method} {path} is not JSON ({error}): {answer}"))
    }
}

impl Drop for ScriptedModel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
