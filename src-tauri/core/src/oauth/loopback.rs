//! The loopback redirect (RFC 8252 §7.3): a listener on 127.0.0.1, bound to a free port before
//! the authorization URL is built, that waits for the one request on `/callback/{provider}`
//! carrying the flow's `state`. Other requests get a static page and the wait goes on; the
//! matching one gets a static "return to Switchboard" page and closes the listener. Pages
//! reflect nothing, run no script, and are neither cached nor sent on as a referrer.
//!
//! A request must name this listener in its one `Host` header (`127.0.0.1:{port}`, as the
//! redirect URI does), or it is refused with 400 before its target is read: a page that
//! rebinds its own DNS name to 127.0.0.1 cannot replay a callback (RFC 8252 §8.3). Connections
//! are served side by side, up to [`MAX_CONNECTIONS`], so clients that hold one open cannot
//! keep the genuine callback waiting.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio::time::{timeout, Instant};

use super::callback::{parse_callback_query, AuthorizationCallback};

/// How long a flow waits for the browser (SECURITY.md A19).
pub const LOOPBACK_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// A request head longer than this is not a callback.
const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// A client that does not send its request line in this time is dropped.
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections answered at once; more wait in the accept queue until one is done.
pub const MAX_CONNECTIONS: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum LoopbackError {
    #[error("could not listen on 127.0.0.1: {0}")]
    Bind(std::io::Error),
    #[error("the sign-in was not finished in the browser in time")]
    TimedOut,
}

pub struct LoopbackListener {
    listener: TcpListener,
    route: Arc<Route>,
}

/// What a request must name to be this flow's callback: the listener's host and port, and
/// the provider's callback path.
struct Route {
    provider: String,
    port: u16,
}

impl LoopbackListener {
    pub async fn bind(provider: &str) -> Result<Self, LoopbackError> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(LoopbackError::Bind)?;
        let port = listener.local_addr().map_err(LoopbackError::Bind)?.port();
        let route = Arc::new(Route {
            provider: provider.to_owned(),
            port,
        });
        Ok(Self { listener, route })
    }

    pub fn port(&self) -> u16 {
        self.route.port
    }

    /// `http://127.0.0.1:{port}/callback/{provider}`: the `redirect_uri` of this flow.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/callback/{}", self.route.port, self.route.provider)
    }

    /// Waits for the callback carrying `state`; the listener closes when this returns, and
    /// connections still being answered are dropped.
    pub async fn wait_for(self, state: &str, wait: Duration) -> Result<AuthorizationCallback, LoopbackError> {
        let deadline = Instant::now() + wait;
        let state: Arc<str> = Arc::from(state);
        let mut answering = JoinSet::new();
        loop {
            tokio::select! {
                accepted = self.listener.accept(), if answering.len() < MAX_CONNECTIONS => {
                    // A failed accept (e.g. the client reset) is not the flow's failure.
                    if let Ok((stream, _peer)) = accepted {
                        answering.spawn(answer(self.route.clone(), stream, state.clone()));
                    }
                }
                Some(answered) = answering.join_next(), if !answering.is_empty() => {
                    if let Ok(Some(callback)) = answered {
                        return Ok(callback);
                    }
                }
                () = tokio::time::sleep_until(deadline) => return Err(LoopbackError::TimedOut),
            }
        }
    }
}

/// Answers one connection; `Some` when it was this flow's callback.
async fn answer(route: Arc<Route>, mut stream: TcpStream, state: Arc<str>) -> Option<AuthorizationCallback> {
    let head = match timeout(REQUEST_READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Some(head)) => head,
        _ => {
            respond(&mut stream, Page::BadRequest).await;
            return None;
        }
    };
    let outcome = route.callback(&head, &state);
    let page = match &outcome {
        Err(Refused::Host) => Page::BadRequest,
        Err(Refused::NotThisFlow) => Page::NotWaiting,
        Ok(callback) if callback.code.is_some() && callback.error.is_none() => Page::Done,
        Ok(_) => Page::Answered,
    };
    respond(&mut stream, page).await;
    outcome.ok()
}

/// Why a request is not this flow's callback.
enum Refused {
    /// No `Host` header naming this listener: answered 400, its target never read.
    Host,
    NotThisFlow,
}

impl Route {
    fn callback(&self, head: &str, state: &str) -> Result<AuthorizationCallback, Refused> {
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default();
        if !self.names_this_listener(lines) {
            return Err(Refused::Host);
        }
        let mut parts = request_line.split(' ');
        let (Some("GET"), Some(target)) = (parts.next(), parts.next()) else {
            return Err(Refused::NotThisFlow);
        };
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path != format!("/callback/{}", self.provider) {
            return Err(Refused::NotThisFlow);
        }
        let callback = parse_callback_query(&self.provider, query).map_err(|_| Refused::NotThisFlow)?;
        if callback.state.as_deref() == Some(state) {
            Ok(callback)
        } else {
            Err(Refused::NotThisFlow)
        }
    }

    /// Exactly one `Host` header, and it is `127.0.0.1:{port}` (host names compare without
    /// case; nothing else may follow).
    fn names_this_listener<'a>(&self, header_lines: impl Iterator<Item = &'a str>) -> bool {
        let mut hosts = header_lines.filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("host")
                .then(|| value.trim_matches([' ', '\t']))
        });
        let expected = format!("127.0.0.1:{}", self.port);
        matches!((hosts.next(), hosts.next()), (Some(host), None) if host.eq_ignore_ascii_case(&expected))
    }
}

/// Reads up to the blank line ending the request head; `None` if too long or not UTF-8.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 || head.len() + read > MAX_REQUEST_HEAD {
            return None;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    String::from_utf8(head).ok()
}

#[derive(Clone, Copy)]
enum Page {
    Done,
    /// The flow's own answer, but without a code (declined, or an error): said in the app.
    Answered,
    NotWaiting,
    BadRequest,
}

async fn respond(stream: &mut TcpStream, page: Page) {
    let (status, title, text) = match page {
        Page::Done => (
            "200 OK",
            "Signed in",
            "You can close this tab and return to Switchboard.",
        ),
        Page::Answered => (
            "200 OK",
            "Back to Switchboard",
            "Switchboard has the answer and says what happened. You can close this tab.",
        ),
        Page::NotWaiting => (
            "404 Not Found",
            "Nothing to do here",
            "Switchboard is not waiting for this sign-in. Start again from the app.",
        ),
        Page::BadRequest => ("400 Bad Request", "Bad request", "This request could not be read."),
    };
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} · Switchboard</title>\
         <style>body{{font:16px system-ui,sans-serif;margin:15vh auto;max-width:28rem;text-align:center;color:#1f2430}}\
         @media (prefers-color-scheme:dark){{body{{background:#17191f;color:#e6e8ee}}}}</style></head>\
         <body><h1>{title}</h1><p>{text}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
#[path = "loopback_tests.rs"]
mod tests;
