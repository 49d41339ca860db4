//! `cargo bench -p switchboard-core --bench access_token` (issue 4's benchmark): (a) a valid
//! token for a connection, read and decrypted from a real SQLite file (target: under 50 µs
//! median); (b) 100 concurrent callers on an expired token against a loopback token endpoint,
//! asserting that each batch makes exactly one token request (SECURITY.md C2).

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use support::{runtime, save_google, services, ACCESS_TOKEN, GMAIL};
use switchboard_core::ids::ConnectionId;
use switchboard_core::Services;

const CONCURRENT_CALLERS: usize = 100;
const RENEWED_TOKEN: &str = "renewed-access-token";

fn get_a_valid_token(c: &mut Criterion) {
    let data = tempfile::tempdir().expect("a data directory");
    let services = services(&data, "");
    let id = save_google(&services, services.context.now() + 3600, &GMAIL);
    let runtime = runtime();
    c.bench_function("access_token: valid token (read and decrypt)", |b| {
        b.iter(|| {
            let token = runtime
                .block_on(services.renewal.access_token(id))
                .expect("a valid token");
            assert_eq!(
                token.expose(),
                ACCESS_TOKEN,
                "a token that is not due is read, not renewed"
            );
        })
    });
}

/// A token endpoint on loopback: answers every request with fresh tokens and counts them.
async fn serve_tokens(listener: TcpListener, requests: Arc<AtomicUsize>) {
    while let Ok((stream, _)) = listener.accept().await {
        let requests = requests.clone();
        tokio::spawn(async move {
            let _ = answer_token_request(stream, &requests).await;
        });
    }
}

/// Reads one request, counts it (before answering, so the count is final once the caller has
/// its answer), and answers with new tokens.
async fn answer_token_request(mut stream: TcpStream, requests: &AtomicUsize) -> io::Result<()> {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        request.extend_from_slice(&buffer[..read]);
        if request_complete(&request) {
            break;
        }
    }
    requests.fetch_add(1, Ordering::SeqCst);
    let body = format!(r#"{{"access_token":"{RENEWED_TOKEN}","token_type":"Bearer","expires_in":3600}}"#);
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// Headers ended and the body is as long as `content-length` says.
fn request_complete(request: &[u8]) -> bool {
    let Some(end) = request.windows(4).position(|window| window == b"\r\n\r\n") else {
        return false;
    };
    let headers = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
    let length = headers
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    request.len() >= end + 4 + length
}

fn concurrent_callers_on_an_expired_token(c: &mut Criterion) {
    let runtime = runtime();
    let listener = runtime
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let port = listener.local_addr().expect("the port").port();
    let requests = Arc::new(AtomicUsize::new(0));
    runtime.spawn(serve_tokens(listener, requests.clone()));
    let overrides = format!(
        "[providers.google]\nclient_id = \"bench-client\"\nclient_secret = \"bench-secret\"\n\
         [providers.google.oauth]\ntoken_url = \"http://127.0.0.1:{port}/token\"\n"
    );
    let data = tempfile::tempdir().expect("a data directory");
    let services = services(&data, &overrides);
    let mut group = c.benchmark_group("access_token");
    group.sample_size(20);
    group.bench_function("100 concurrent callers, expired token", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let id = save_google(&services, services.context.now() - 60, &GMAIL);
                let before = requests.load(Ordering::SeqCst);
                let started = Instant::now();
                runtime.block_on(all_callers_get_the_renewed_token(&services, id));
                total += started.elapsed();
                let made = requests.load(Ordering::SeqCst) - before;
                assert_eq!(
                    made, 1,
                    "C2: {CONCURRENT_CALLERS} callers on an expired token make one token request"
                );
            }
            total
        })
    });
    group.finish();
    println!("token requests in all: {}", requests.load(Ordering::SeqCst));
}

async fn all_callers_get_the_renewed_token(services: &Services, id: ConnectionId) {
    let mut callers = JoinSet::new();
    for _ in 0..CONCURRENT_CALLERS {
        let services = services.clone();
        callers.spawn(async move { services.renewal.access_token(id).await });
    }
    while let Some(answer) = callers.join_next().await {
        let token = answer.expect("the caller ran").expect("every caller gets a token");
        assert_eq!(
            token.expose(),
            RENEWED_TOKEN,
            "every caller gets the one renewal's result"
        );
    }
}

criterion_group!(benches, get_a_valid_token, concurrent_callers_on_an_expired_token);
criterion_main!(benches);
