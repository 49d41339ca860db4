//! The loopback redirect (RFC 8252 §7.3): a listener on 127.0.0.1, bound to a free port before
//! the authorization URL is built, that waits for the one request on `/callback/{provider}`
//! carrying the flow's `state`. Other requests get a static page and the wait goes on; the
//! matching one gets a static "return to Switchboard" page and closes the listener. Pages
//! reflect nothing, run no script, and are neither cached nor sent on as a referrer.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{timeout, Instant};

use super::callback::{parse_callback_query, AuthorizationCallback};

/// How long a flow waits for the browser (SECURITY.md A19).
pub const LOOPBACK_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// A request head longer than this is not a callback.
const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// A client that does not send its request line in this time is dropped.
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum LoopbackError {
    #[error("could not listen on 127.0.0.1: {0}")]
    Bind(std::io::Error),
    #[error("the sign-in was not finished in the browser in time")]
    TimedOut,
}

pub struct LoopbackListener {
    listener: TcpListener,
    provider: String,
    port: u16,
}

impl LoopbackListener {
    pub async fn bind(provider: &str) -> Result<Self, LoopbackError> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(LoopbackError::Bind)?;
        let port = listener.local_addr().map_err(LoopbackError::Bind)?.port();
        Ok(Self {
            listener,
            provider: provider.to_owned(),
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:{port}/callback/{provider}`: the `redirect_uri` of this flow.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/callback/{}", self.port, self.provider)
    }

    /// Waits for the callback carrying `state`; the listener closes when this returns.
    pub async fn wait_for(self, state: &str, wait: Duration) -> Result<AuthorizationCallback, LoopbackError> {
        let deadline = Instant::now() + wait;
        loop {
            let accepted = tokio::time::timeout_at(deadline, self.listener.accept()).await;
            let Ok(accepted) = accepted else {
                return Err(LoopbackError::TimedOut);
            };
            let Ok((stream, _peer)) = accepted else {
                continue; // a failed accept (e.g. the client reset) is not the flow's failure
            };
            if let Some(callback) = self.answer(stream, state).await {
                return Ok(callback);
            }
        }
    }

    /// Answers one connection; `Some` when it was this flow's callback.
    async fn answer(&self, mut stream: TcpStream, state: &str) -> Option<AuthorizationCallback> {
        let head = match timeout(REQUEST_READ_TIMEOUT, read_head(&mut stream)).await {
            Ok(Some(head)) => head,
            _ => {
                respond(&mut stream, Page::BadRequest).await;
                return None;
            }
        };
        let outcome = self.route(&head, state);
        let page = match &outcome {
            Some(callback) if callback.code.is_some() && callback.error.is_none() => Page::Done,
            Some(_) => Page::Answered,
            None => Page::NotWaiting,
        };
        respond(&mut stream, page).await;
        outcome
    }

    fn route(&self, head: &str, state: &str) -> Option<AuthorizationCallback> {
        let request_line = head.lines().next()?;
        let mut parts = request_line.split(' ');
        let (method, target) = (parts.next()?, parts.next()?);
        if method != "GET" {
            return None;
        }
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path != format!("/callback/{}", self.provider) {
            return None;
        }
        let callback = parse_callback_query(&self.provider, query).ok()?;
        (callback.state.as_deref() == Some(state)).then_some(callback)
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
