//! tests/doubles/server.mjs (loopback doubles of the provider APIs "Browse resources" reads)
//! for the window tests: started with the core's Node helper (include
//! src-tauri/core/tests/integration/support/node.rs as `mod node`), stopped on drop, asked with plain
//! HTTP/1.0 GETs so the root crate needs no HTTP client. (The core's tests use
//! src-tauri/core/tests/integration/support/doubles.rs, which has the control plane.)

#![allow(dead_code)] // each test binary uses its own part of this module

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::time::Duration;

use serde_json::Value;

use crate::node;

pub struct ApiDoubles {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl ApiDoubles {
    /// Starts `node tests/doubles/server.mjs` and waits until it listens.
    pub fn start() -> Self {
        let (child, ready) = node::start_node("doubles", "server.mjs");
        let url = ready["url"].as_str().expect("the doubles' url").to_owned();
        Self { child, url }
    }

    /// The lines that point Google (Drive, Calendar and Sheets) at the doubles, to put inside
    /// `[providers.google]` of an overrides file.
    pub fn google_overrides_lines(&self) -> String {
        format!(
            "api_base_url = \"{url}/google\"\napi_bases = {{ sheets = \"{url}/sheets\" }}\n",
            url = self.url
        )
    }

    /// Every request the doubles received since they started, in order (their control plane).
    pub fn requests(&self) -> Vec<Value> {
        self.get("/_control/requests").as_array().cloned().unwrap_or_default()
    }

    /// GET `path_and_query` with a bearer token (any is accepted); the answer as JSON.
    pub fn get(&self, path_and_query: &str) -> Value {
        let address = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).expect("connect to the doubles");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("a read timeout");
        // HTTP/1.0: one whole body, no chunks, and the server closes when done.
        let head = format!("GET {path_and_query} HTTP/1.0\r\nHost: {address}\r\nAuthorization: Bearer test\r\n\r\n");
        stream.write_all(head.as_bytes()).expect("send the request");
        let mut raw = String::new();
        stream.read_to_string(&mut raw).expect("read the answer");
        let (status, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        assert!(
            status.starts_with("HTTP/1.1 200") || status.starts_with("HTTP/1.0 200"),
            "GET {path_and_query}: {status}\n{body}"
        );
        serde_json::from_str(body).unwrap_or_else(|error| panic!("GET {path_and_query} is not JSON ({error}): {body}"))
    }
}

impl Drop for ApiDoubles {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
