//! What happens beneath the token response (SECURITY.md B12, B13): a TLS server whose
//! certificate nobody trusts (`openssl s_server` with a throwaway self-signed certificate), a
//! plain-HTTP server reached over https, a 50 MB answer, and a redirect.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

use super::*;

const FIFTY_MB: usize = 50 * 1024 * 1024;

/// `openssl s_server` on a loopback port with a self-signed certificate valid for 127.0.0.1,
/// so trust is the only thing wrong with it. It prints what clients send after the handshake.
struct UntrustedTlsServer {
    child: Child,
    printed: BufReader<ChildStdout>,
    port: u16,
    _dir: tempfile::TempDir,
}

impl UntrustedTlsServer {
    async fn start() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let (key, cert) = (dir.path().join("key.pem"), dir.path().join("cert.pem"));
        let made = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
            ])
            .args([
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .await
            .expect("openssl must be installed to test TLS failures (apt install openssl)");
        assert!(
            made.status.success(),
            "openssl req: {}",
            String::from_utf8_lossy(&made.stderr)
        );
        let mut child = Command::new("openssl")
            .args(["s_server", "-accept", "127.0.0.1:0", "-cert"])
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdin(Stdio::piped()) // s_server stops at stdin's end; keep it open
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start openssl s_server");
        let stdout = child.stdout.take().expect("s_server's stdout");
        let mut lines = BufReader::new(stdout).lines();
        let port = loop {
            let line = lines
                .next_line()
                .await
                .expect("read s_server")
                .expect("s_server printed ACCEPT");
            if let Some(address) = line.strip_prefix("ACCEPT ") {
                break address
                    .rsplit(':')
                    .next()
                    .and_then(|port| port.parse().ok())
                    .expect("a port");
            }
        };
        Self {
            child,
            printed: lines.into_inner(),
            port,
            _dir: dir,
        }
    }

    /// Stops the server and returns everything it printed after it started listening.
    async fn stop(mut self) -> String {
        let _ = self.child.start_kill();
        let mut printed = String::new();
        let _ = self.printed.read_to_string(&mut printed).await;
        printed
    }
}

#[tokio::test]
async fn b12_an_untrusted_certificate_is_a_hard_failure_and_nothing_is_sent() {
    let server = UntrustedTlsServer::start().await;
    let url = format!("https://127.0.0.1:{}/token", server.port);
    let outcome = refresh_with(
        &client(&url, TokenQuirk::Standard),
        &Sensitive::new("rt-secret".into()),
        &policy(),
    )
    .await;
    let printed = server.stop().await;
    let error = outcome.expect_err("B12: a certificate nobody vouches for must fail");
    assert!(
        matches!(&error, TokenError::Http(HttpError::Network { .. })),
        "B12: a network failure, with no way to override it, got {error:?}"
    );
    assert!(
        error.to_string().contains("secure connection"),
        "the message says it was TLS: {error}"
    );
    assert!(
        !printed.contains("grant_type") && !printed.contains("rt-secret"),
        "the refresh token must never cross an untrusted connection; the server saw:\n{printed}"
    );
}

#[tokio::test]
async fn b12_plain_http_reached_over_https_fails() {
    let provider = FakeProvider::start().await;
    provider.script("/token", [Reply::json(200, TOKEN)]);
    let url = format!("https://127.0.0.1:{}/token", provider.port());
    let outcome = refresh_with(
        &client(&url, TokenQuirk::Standard),
        &Sensitive::new("rt".into()),
        &policy(),
    )
    .await;
    let error = outcome.expect_err("B12: no TLS, no tokens");
    assert!(
        matches!(&error, TokenError::Http(HttpError::Network { .. }))
            && error.to_string().contains("secure connection"),
        "B12: a TLS failure, with no fallback to plain http, got {error:?}"
    );
    assert!(
        provider.requests().is_empty(),
        "the token request never went out in the clear"
    );
}

#[tokio::test]
async fn b13_a_50_mb_response_is_refused_at_the_cap_without_reading_it_all() {
    let (provider, outcome) = refresh_against(vec![Reply::huge(FIFTY_MB, false)], TokenQuirk::Standard).await;
    assert!(
        matches!(&outcome, Err(TokenError::Http(HttpError::TooLarge { .. }))),
        "B13: a body past 1 MB is refused, got {outcome:?}"
    );
    let end = provider.stream_end().await;
    assert!(
        !end.finished && end.written < FIFTY_MB,
        "B13: the client stopped reading early, but the server wrote {} of {FIFTY_MB} bytes",
        end.written
    );
}

#[tokio::test]
async fn b13_a_declared_50_mb_response_is_refused_before_reading() {
    let (provider, outcome) = refresh_against(vec![Reply::huge(FIFTY_MB, true)], TokenQuirk::Standard).await;
    assert!(
        matches!(&outcome, Err(TokenError::Http(HttpError::TooLarge { .. }))),
        "B13: a Content-Length past 1 MB is refused, got {outcome:?}"
    );
    assert!(!provider.stream_end().await.finished, "B13: and never read to the end");
}

#[tokio::test]
async fn b13_a_redirect_from_the_token_endpoint_is_not_followed() {
    let provider = FakeProvider::start().await;
    let elsewhere = provider.url("/elsewhere");
    provider.script("/token", [Reply::empty(302).header("Location", &elsewhere)]);
    provider.script("/elsewhere", [Reply::json(200, TOKEN)]);
    let url = provider.url("/token");
    let outcome = refresh_with(
        &client(&url, TokenQuirk::Standard),
        &Sensitive::new("rt".into()),
        &policy(),
    )
    .await;
    assert!(
        matches!(outcome, Err(TokenError::Status { status: 302, .. })),
        "a redirecting token endpoint is an error, got {outcome:?}"
    );
    assert!(
        provider.requests_to("/elsewhere").is_empty(),
        "the redirect must not be followed: the refresh token would go where the server says"
    );
}
