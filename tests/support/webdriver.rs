//! A small W3C WebDriver client over std TCP and serde_json: enough to drive the real window
//! through tauri-driver without pulling a WebDriver crate (and a second build of tauri's deps).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub struct Session {
    port: u16,
    id: String,
}

impl Session {
    /// Starts a session that launches `application` (through tauri-driver on `port`).
    pub fn start(port: u16, application: &str) -> Result<Self, String> {
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": {"application": application}
        }}});
        let reply = request(port, "POST", "/session", Some(&capabilities))?;
        let id = reply["sessionId"]
            .as_str()
            .ok_or(format!("no session id in {reply}"))?
            .to_owned();
        Ok(Self { port, id })
    }

    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        request(self.port, method, &format!("/session/{}{path}", self.id), body)
    }

    /// Every element matching `css` (possibly none).
    pub fn find_all(&self, css: &str) -> Result<Vec<String>, String> {
        let found = self.call(
            "POST",
            "/elements",
            Some(&json!({"using": "css selector", "value": css})),
        )?;
        Ok(found.as_array().into_iter().flatten().filter_map(element_id).collect())
    }

    /// Waits until `css` matches at least one element.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Result<Vec<String>, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let found = self.find_all(css)?;
            if !found.is_empty() {
                return Ok(found);
            }
            if Instant::now() > deadline {
                return Err(format!("nothing matched `{css}` within {timeout:?}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the text of the first element matching `css` satisfies `accept`.
    pub fn wait_for_text(&self, css: &str, timeout: Duration, accept: impl Fn(&str) -> bool) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        let mut last = String::new();
        loop {
            if let Some(element) = self.find_all(css)?.first() {
                last = self.text(element)?;
                if accept(&last) {
                    return Ok(last);
                }
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "`{css}` never had the expected text within {timeout:?}; last: {last:?}"
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn text(&self, element: &str) -> Result<String, String> {
        Ok(self
            .call("GET", &format!("/element/{element}/text"), None)?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    pub fn attribute(&self, element: &str, name: &str) -> Result<Option<String>, String> {
        Ok(self
            .call("GET", &format!("/element/{element}/attribute/{name}"), None)?
            .as_str()
            .map(str::to_owned))
    }

    pub fn click(&self, element: &str) -> Result<(), String> {
        self.call("POST", &format!("/element/{element}/click"), Some(&json!({})))
            .map(drop)
    }

    /// Runs `script` in the page with `args` and answers what it returns.
    pub fn execute(&self, script: &str, args: Value) -> Result<Value, String> {
        self.call(
            "POST",
            "/execute/sync",
            Some(&json!({ "script": script, "args": args })),
        )
    }

    /// Runs `script`, which answers by calling its last argument, with `args` before it.
    pub fn execute_async(&self, script: &str, args: Value) -> Result<Value, String> {
        self.call(
            "POST",
            "/execute/async",
            Some(&json!({ "script": script, "args": args })),
        )
    }

    /// A real double-click on `element` (pointer actions), as a person opens a folder.
    pub fn double_click(&self, element: &str) -> Result<(), String> {
        let press = [
            json!({ "type": "pointerDown", "button": 0 }),
            json!({ "type": "pointerUp", "button": 0 }),
        ];
        self.perform(json!({
            "type": "pointer",
            "id": "mouse",
            "parameters": { "pointerType": "mouse" },
            "actions": [
                { "type": "pointerMove", "origin": { ELEMENT: element }, "x": 0, "y": 0, "duration": 0 },
                press[0], press[1], press[0], press[1]
            ]
        }))
    }

    /// Presses one key (a WebDriver key code such as "\u{E007}", Enter) where the focus is.
    pub fn press(&self, key: &str) -> Result<(), String> {
        self.perform(json!({
            "type": "key",
            "id": "keyboard",
            "actions": [{ "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }]
        }))
    }

    /// Types `text` where the focus is, key by key, as a person at the keyboard does.
    pub fn press_text(&self, text: &str) -> Result<(), String> {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|key| {
                let key = key.to_string();
                [
                    json!({ "type": "keyDown", "value": key }),
                    json!({ "type": "keyUp", "value": key }),
                ]
            })
            .collect();
        self.perform(json!({ "type": "key", "id": "keyboard", "actions": actions }))
    }

    /// Presses `key` with Control held (Ctrl+Enter: "\u{E007}") where the focus is.
    pub fn press_with_control(&self, key: &str) -> Result<(), String> {
        const CONTROL: &str = "\u{E009}";
        self.perform(json!({
            "type": "key",
            "id": "keyboard",
            "actions": [
                { "type": "keyDown", "value": CONTROL },
                { "type": "keyDown", "value": key },
                { "type": "keyUp", "value": key },
                { "type": "keyUp", "value": CONTROL }
            ]
        }))
    }

    /// Types `text` into `element`.
    pub fn type_into(&self, element: &str, text: &str) -> Result<(), String> {
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(&json!({ "text": text })),
        )
        .map(drop)
    }

    /// Performs one input source's actions, then releases what they pressed.
    fn perform(&self, source: Value) -> Result<(), String> {
        self.call("POST", "/actions", Some(&json!({ "actions": [source] })))?;
        self.call("DELETE", "/actions", None).map(drop)
    }

    pub fn page_source(&self) -> Result<String, String> {
        Ok(self
            .call("GET", "/source", None)?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// The window as PNG bytes.
    pub fn screenshot(&self) -> Result<Vec<u8>, String> {
        use base64::Engine;
        let encoded = self.call("GET", "/screenshot", None)?;
        base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap_or_default())
            .map_err(|error| format!("screenshot was not base64: {error}"))
    }

    pub fn end(self) -> Result<(), String> {
        request(self.port, "DELETE", &format!("/session/{}", self.id), None).map(drop)
    }
}

/// The key under which WebDriver names an element.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The id of an element as a script or a find answered it.
pub fn element_id(value: &Value) -> Option<String> {
    value.get(ELEMENT).and_then(Value::as_str).map(str::to_owned)
}

/// One WebDriver command; returns the reply's `value`, or its WebDriver error as text.
///
/// tauri-driver forwards over pooled keep-alive connections to WebKitWebDriver, which closes
/// idle ones; a request that loses that race is answered by tauri-driver closing our
/// connection without a byte. Nothing reached the browser then, so it is sent again (twice at
/// most). Any reply with content, errors included, is final.
fn request(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut raw = exchange(port, method, path, &body)?;
    for _ in 0..2 {
        if !raw.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        raw = exchange(port, method, path, &body)?;
    }
    parse_reply(method, path, &raw)
}

fn exchange(port: u16, method: &str, path: &str, body: &str) -> Result<Vec<u8>, String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|error| format!("connect to WebDriver: {error}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|error| error.to_string())?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .map_err(|error| error.to_string())?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|error| format!("read WebDriver reply: {error}"))?;
    Ok(raw)
}

fn parse_reply(method: &str, path: &str, raw: &[u8]) -> Result<Value, String> {
    let text = String::from_utf8_lossy(raw);
    let (headers, payload) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("malformed HTTP reply to {method} {path}: {text:?}"))?;
    let payload = if headers.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(payload)
    } else {
        payload.to_owned()
    };
    let reply: Value =
        serde_json::from_str(&payload).map_err(|error| format!("WebDriver reply is not JSON ({error}): {payload}"))?;
    let value = reply.get("value").cloned().unwrap_or(Value::Null);
    match value.get("error").and_then(Value::as_str) {
        Some(error) => Err(format!("{method} {path}: {error}: {}", value["message"])),
        None => Ok(value),
    }
}

fn dechunk(mut payload: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = payload.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        payload = rest[size..].trim_start_matches("\r\n");
    }
    out
}
