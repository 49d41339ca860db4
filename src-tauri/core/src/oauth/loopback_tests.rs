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

/// A GET as a browser sends it to the redirect URI: `Host` names the listener's address and port.
fn get(port: u16, target: &str) -> Vec<u8> {
    with_host(&format!("127.0.0.1:{port}"), target)
}

fn with_host(host: &str, target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\n\r\n").into_bytes()
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
        &get(port, &format!("/callback/github?code=c0de-s3cret&state={STATE}&iss=x")),
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

    let response = send(port, &get(port, &format!("/callback/github?state={STATE}"))).await;
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
        get(port, "/callback/github?code=x&state=someone-elses"), // A1: wrong state
        get(port, "/callback/github?code=x"),                     // A2: no state
        get(port, &format!("/callback/slack?code=x&state={STATE}")), // another provider's path
        get(port, &format!("/callback/github?state={STATE}&state={STATE}")), // duplicated parameter
        format!("POST /callback/github?code=x&state={STATE} HTTP/1.1\r\n\r\n").into_bytes(),
        b"\xff\xfe\x00garbage\r\n\r\n".to_vec(),        // A16: not UTF-8
        get(port, "/callback/github?code=%zz&state=x"), // A16: bad percent-encoding
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
        &get(
            port,
            &format!("/callback/github?code=y&state={STATE}&redirect_uri=https://evil.example"),
        ),
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

#[tokio::test]
async fn a_callback_that_does_not_name_this_listener_as_its_host_is_refused_and_the_flow_waits() {
    let listener = LoopbackListener::bind("github").await.expect("bind");
    let port = listener.port();
    let waiting = tokio::spawn(listener.wait_for(STATE, Duration::from_secs(10)));
    let genuine = format!("/callback/github?code=c0de&state={STATE}");

    let foreign_hosts = [
        "evil.example".to_owned(),
        "127.0.0.1.evil.example".to_owned(),
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        "127.0.0.1".to_owned(), // no port: not what the redirect URI names
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("localhost:{port}"), // the redirect URI names 127.0.0.1, so a browser sends that
        format!("[::1]:{port}"),
        format!("127.0.0.1:{port}.evil.example"),
        format!("127.0.0.1:{port} evil.example"),
        String::new(),
    ];
    let mut requests: Vec<Vec<u8>> = foreign_hosts.iter().map(|host| with_host(host, &genuine)).collect();
    requests.push(format!("GET {genuine} HTTP/1.0\r\n\r\n").into_bytes()); // no Host at all
    requests
        .push(format!("GET {genuine} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n\r\n").into_bytes());
    requests
        .push(format!("GET {genuine} HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1:{port}\r\n\r\n").into_bytes());
    for request in &requests {
        let response = send(port, request).await;
        assert!(
            response.starts_with("HTTP/1.1 400"),
            "A24: a request whose Host is not 127.0.0.1:{port} is refused with 400 (DNS rebinding), \
             request {:?} got: {response}",
            String::from_utf8_lossy(request)
        );
        assert!(
            !response.contains("evil.example"),
            "nothing from the request is reflected"
        );
        assert!(!waiting.is_finished(), "A24: a refused request must not end the flow");
    }

    let response = send(port, &with_host(&format!("127.0.0.1:{port}"), &genuine)).await;
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "the genuine callback is taken: {response}"
    );
    let callback = waiting
        .await
        .expect("join")
        .expect("A24: the genuine callback still completes the flow");
    assert_eq!(callback.state.as_deref(), Some(STATE), "the flow got its own callback");
}

#[tokio::test]
async fn the_host_header_name_and_value_are_read_without_regard_to_case() {
    let listener = LoopbackListener::bind("github").await.expect("bind");
    let port = listener.port();
    let waiting = tokio::spawn(listener.wait_for(STATE, Duration::from_secs(10)));
    let request = format!("GET /callback/github?code=c&state={STATE} HTTP/1.1\r\nhOsT:127.0.0.1:{port}\r\n\r\n");
    let response = send(port, request.as_bytes()).await;
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "HTTP header names have no case: {response}"
    );
    waiting.await.expect("join").expect("the callback arrives");
}

#[tokio::test]
async fn connections_held_open_do_not_keep_the_callback_waiting() {
    let listener = LoopbackListener::bind("github").await.expect("bind");
    let port = listener.port();
    // Shorter than the 5 s a silent client is given: answered one at a time, the callback
    // could only be read after the idle clients timed out, and the flow would time out first.
    let waiting = tokio::spawn(listener.wait_for(STATE, Duration::from_secs(3)));
    let mut idle = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
        stream
            .write_all(b"GET /callback/github")
            .await
            .expect("start a request and stall");
        idle.push(stream);
    }

    let response = send(port, &get(port, &format!("/callback/github?code=c&state={STATE}"))).await;
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "the genuine callback is answered: {response}"
    );
    let callback = waiting.await.expect("join");
    assert!(
        callback.is_ok(),
        "A25: clients holding connections open must not stall the sign-in, got {callback:?}"
    );
    drop(idle);
}
