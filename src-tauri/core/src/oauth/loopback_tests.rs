//! The loopback listener over real TCP on 127.0.0.1 (SECURITY.md A1, A2, A11, A16, A19).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;

const STATE: &str = "the-flows-state";

/// Sends raw bytes to the listener and returns the whole response.
async fn send(port: u16, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect to the listener");
    stream.write_all(request).await.expect("send the request");
    stream.shutdown().await.expect("end the request"); // an unfinished head ends here, not after a timeout
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    String::from_utf8_lossy(&response).into_owned()
}

fn get(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").into_bytes()
}

#[tokio::test]
async fn the_matching_callback_is_taken_and_the_port_closes() {
    let listener = LoopbackListener::bind("github").await.expect("bind");
    let port = listener.port();
    assert_eq!(
        listener.redirect_uri(),
        format!("http://127.0.0.1:{port}/callback/github")
    );
    let waiting = tokio::spawn(listener.wait_for(STATE, Duration::from_secs(10)));

    let response = send(
        port,
        &get(&format!("/callback/github?code=c0de-s3cret&state={STATE}&iss=x")),
    )
    .await;
    let callback = waiting.await.expect("join").expect("the callback arrives");
    assert_eq!(
        callback.code.as_ref().map(|code| code.expose().as_str()),
        Some("c0de-s3cret")
    );
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "the browser is told it worked: {response}"
    );
    for header in [
        "Cache-Control: no-store",
        "Referrer-Policy: no-referrer",
        "Content-Security-Policy: default-src 'none'",
    ] {
        assert!(
            response.contains(header),
            "the result page must send {header}: {response}"
        );
    }
    assert!(
        !response.contains("c0de-s3cret") && !response.contains(STATE),
        "nothing is reflected"
    );
    assert!(!response.contains("<script"), "the page runs no script");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).await.is_err(),
        "the listener must close once its callback arrived"
    );
}

#[tokio::test]
async fn a_callback_with_the_state_and_no_code_is_returned_and_the_port_closes() {
    let listener = LoopbackListener::bind("github").await.expect("bind");
    let port = listener.port();
    let waiting = tokio::spawn(listener.wait_for(STATE, Duration::from_secs(10)));

    let response = send(port, &get(&format!("/callback/github?state={STATE}"))).await;
    let callback = waiting
        .await
        .expect("join")
        .expect("A5: a request with the flow's state and no code is the flow's callback");
    assert_eq!(
        callback.state.as_deref(),
        Some(STATE),
        "the flow got the request with its state"
    );
    assert!(
        callback.code.is_none() && callback.error.is_none(),
        "A5: the callback is returned as sent, without a code, for the flow to fail on"
    );
    assert!(
        response.starts_with("HTTP/1.1 "),
        "the browser gets an answer: {response}"
    );
    assert!(!response.contains(STATE), "nothing is reflected: {response}");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).await.is_err(),
        "A5: the listener closes once the code-less callback consumed the flow"
    );
}

#[tokio::test]
async fn other_requests_are_answered_and_the_wait_goes_on() {
    let listener = LoopbackListener::bind("github").await.expect("bind");
    let port = listener.port();
    let waiting = tokio::spawn(listener.wait_for(STATE, Duration::from_secs(10)));

    let strangers: Vec<Vec<u8>> = vec![
        get("/callback/github?code=x&state=someone-elses"), // A1: wrong state
        get("/callback/github?code=x"),                     // A2: no state
        get(&format!("/callback/slack?code=x&state={STATE}")), // another provider's path
        get(&format!("/callback/github?state={STATE}&state={STATE}")), // duplicated parameter
        format!("POST /callback/github?code=x&state={STATE} HTTP/1.1\r\n\r\n").into_bytes(),
        b"\xff\xfe\x00garbage\r\n\r\n".to_vec(),  // A16: not UTF-8
        get("/callback/github?code=%zz&state=x"), // A16: bad percent-encoding
        format!("GET /callback/github?pad={} HTTP/1.1\r\n\r\n", "a".repeat(20_000)).into_bytes(),
        b"GET / HTTP/1.1\r\n".to_vec(), // head never finished
    ];
    for request in &strangers {
        let response = send(port, request).await;
        assert!(
            !response.starts_with("HTTP/1.1 200"),
            "a request that is not this flow's callback must not be taken: {response}"
        );
        assert!(
            !response.contains("someone-elses"),
            "nothing from the request is reflected"
        );
    }
    assert!(!waiting.is_finished(), "the flow keeps waiting after strangers");

    let reflected = send(
        port,
        &get(&format!(
            "/callback/github?code=y&state={STATE}&redirect_uri=https://evil.example"
        )),
    )
    .await;
    assert!(
        !reflected.contains("evil.example"),
        "A11: extra parameters are never reflected"
    );
    let callback = waiting.await.expect("join").expect("the real callback still arrives");
    assert_eq!(callback.state.as_deref(), Some(STATE), "the flow got its own callback");
}

#[tokio::test]
async fn a_callback_that_never_comes_times_out_and_closes_the_port() {
    let listener = LoopbackListener::bind("google").await.expect("bind");
    let port = listener.port();
    let outcome = listener.wait_for(STATE, Duration::from_millis(200)).await;
    assert!(
        matches!(outcome, Err(LoopbackError::TimedOut)),
        "A19: the flow times out, got {outcome:?}"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).await.is_err(),
        "the port must be closed after the timeout"
    );
}
