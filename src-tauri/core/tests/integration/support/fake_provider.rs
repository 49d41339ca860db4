//! A scriptable HTTP/1.1 server on 127.0.0.1 for OAuth fault tests: each path answers from a
//! queue of scripted replies (status, headers, body, delay, silence, a huge streamed body) or
//! from a responder that computes the reply from the request (a stateful double), and
//! every request is recorded (method, path, headers, body, arrival) for assertions. It speaks
//! just enough HTTP for reqwest (one request per connection, no TLS); it is not an API double.
#![allow(dead_code)] // also compiled into the tests that need a process of their own, which use parts of it

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// What a scripted reply's body is.
#[derive(Clone, Debug)]
pub enum ReplyBody {
    Bytes(Vec<u8>),
    /// `bytes` of filler streamed in 64 KiB chunks, with or without a Content-Length.
    Huge {
        bytes: usize,
        declared: bool,
    },
    /// Reads the request and never answers (the connection stays open).
    Silence,
}

#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: ReplyBody,
    /// Waited before anything is written.
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Self::typed(status, "application/json", body)
    }

    pub fn html(status: u16, body: &str) -> Self {
        Self::typed(status, "text/html; charset=utf-8", body)
    }

    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: ReplyBody::Bytes(Vec::new()),
            delay: Duration::ZERO,
        }
    }

    pub fn silence() -> Self {
        Self {
            body: ReplyBody::Silence,
            ..Self::empty(200)
        }
    }

    pub fn huge(bytes: usize, declared: bool) -> Self {
        Self {
            body: ReplyBody::Huge { bytes, declared },
            ..Self::typed(200, "application/json", "")
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn typed(status: u16, content_type: &str, body: &str) -> Self {
        Self {
            body: ReplyBody::Bytes(body.as_bytes().to_vec()),
            ..Self::empty(status).header("Content-Type", content_type)
        }
    }
}

#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Without the query.
    pub path: String,
    pub query: Option<String>,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When the request was fully read.
    pub arrived: Instant,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(header, _)| *header == name)
            .map(|(_, value)| value.as_str())
    }

    /// The body as form fields.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body).into_owned().collect()
    }

    pub fn form_value(&self, name: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value)
    }
}

/// How a huge body's stream ended: how much was written before the client stopped reading.
#[derive(Clone, Debug)]
pub struct StreamEnd {
    pub path: String,
    pub written: usize,
    pub finished: bool,
}

/// Computes a path's reply from its request (a stateful double: a rotating token endpoint).
pub type Responder = Arc<dyn Fn(&RecordedRequest) -> Reply + Send + Sync>;

#[derive(Default)]
struct Shared {
    scripts: HashMap<String, VecDeque<Reply>>,
    responders: HashMap<String, Responder>,
    requests: Vec<RecordedRequest>,
    streams: Vec<StreamEnd>,
}

pub struct FakeProvider {
    address: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    server: JoinHandle<()>,
}

impl FakeProvider {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let address = listener.local_addr().expect("the bound address");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let server = tokio::spawn(accept(listener, Arc::clone(&shared)));
        Self {
            address,
            shared,
            server,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Replaces the replies of `path`: one per request, in order; the last one repeats.
    /// Unscripted paths answer 404.
    pub fn script(&self, path: &str, replies: impl IntoIterator<Item = Reply>) {
        self.lock()
            .scripts
            .insert(path.to_owned(), replies.into_iter().collect());
    }

    /// Answers every request to `path` with `responder`'s reply (before any script of it).
    pub fn respond_with(&self, path: &str, responder: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static) {
        self.lock().responders.insert(path.to_owned(), Arc::new(responder));
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    pub fn requests_to(&self, path: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|request| request.path == path)
            .collect()
    }

    /// Waits until `count` requests to `path` have arrived (a test acting while one is in flight).
    pub async fn wait_for_requests_to(&self, path: &str, count: usize) {
        for _ in 0..1000 {
            if self.requests_to(path).len() >= count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{count} requests to {path} never arrived");
    }

    /// The first huge body's end, once the stream has stopped (panics after 10 s).
    pub async fn stream_end(&self) -> StreamEnd {
        for _ in 0..1000 {
            if let Some(end) = self.lock().streams.first().cloned() {
                return end;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the huge body's stream never ended: the client kept the connection open");
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        self.server.abort(); // and with it every connection, silent ones included
    }
}

async fn accept(listener: TcpListener, shared: Arc<Mutex<Shared>>) {
    let mut connections = JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        while connections.try_join_next().is_some() {}
        connections.spawn(serve(stream, Arc::clone(&shared)));
    }
}

async fn serve(mut stream: TcpStream, shared: Arc<Mutex<Shared>>) {
    let Some(request) = read_request(&mut stream).await else {
        // Not HTTP (a TLS handshake, say): answer as a plain HTTP server would.
        let _ = stream
            .write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
            .await;
        let _ = stream.shutdown().await;
        return;
    };
    let reply = {
        let mut shared = shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        shared.requests.push(request.clone());
        if let Some(respond) = shared.responders.get(&request.path) {
            Some(respond(&request))
        } else {
            match shared.scripts.get_mut(&request.path) {
                Some(queue) if queue.len() > 1 => queue.pop_front(),
                Some(queue) => queue.front().cloned(),
                None => None,
            }
        }
    }
    .unwrap_or_else(|| Reply::json(404, r#"{"error":"not_found"}"#));
    tokio::time::sleep(reply.delay).await;
    let mut head = format!("HTTP/1.1 {} Scripted\r\nConnection: close\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match reply.body {
        ReplyBody::Silence => std::future::pending::<()>().await,
        ReplyBody::Bytes(body) => {
            head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
        }
        ReplyBody::Huge { bytes, declared } => {
            if declared {
                head.push_str(&format!("Content-Length: {bytes}\r\n"));
            }
            head.push_str("\r\n");
            let end = stream_filler(&mut stream, head.as_bytes(), bytes).await;
            let end = StreamEnd {
                path: request.path,
                written: end.0,
                finished: end.1,
            };
            shared
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .streams
                .push(end);
        }
    }
    let _ = stream.shutdown().await;
}

/// Writes the head, then `bytes` of a JSON-looking filler; returns (body bytes written, all of them).
async fn stream_filler(stream: &mut TcpStream, head: &[u8], bytes: usize) -> (usize, bool) {
    if stream.write_all(head).await.is_err() {
        return (0, false);
    }
    let chunk = vec![b' '; 64 * 1024];
    let mut written = 0;
    while written < bytes {
        let size = chunk.len().min(bytes - written);
        if stream.write_all(&chunk[..size]).await.is_err() {
            return (written, false);
        }
        written += size;
    }
    (written, true)
}

async fn read_request(stream: &mut TcpStream) -> Option<RecordedRequest> {
    let mut buffer: Vec<u8> = Vec::new();
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break at;
        }
        let not_http = buffer.first().is_some_and(|first| !first.is_ascii_uppercase());
        if not_http || buffer.len() > 64 * 1024 {
            return None;
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok().filter(|read| *read > 0)?;
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (method, target) = (request_line.next()?.to_owned(), request_line.next()?);
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target.to_owned(), None),
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok().filter(|read| *read > 0)?;
        body.extend_from_slice(&chunk[..read]);
    }
    Some(RecordedRequest {
        method,
        path,
        query,
        headers,
        body,
        arrived: Instant::now(),
    })
}
