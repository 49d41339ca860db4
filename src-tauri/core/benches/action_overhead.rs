//! `cargo bench -p switchboard-core --bench action_overhead` (issue 14's benchmark): the
//! executor's own cost per call — validate the arguments, resolve the connection, read the
//! policy, open the token from the vault, send, write the audit rows, read the answer — beside a
//! raw request to the same loopback endpoint, in one run, for a read (list repositories) and a
//! write allowed to run unasked (star a repository: its "sending" row committed before the
//! request, its outcome row after). Target: at most 1 ms median overhead. Besides criterion's
//! figures it prints, for each, the two medians of interleaved runs and their difference.

mod support;

use std::future::Future;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

use support::{runtime, save_account, services, ACCESS_TOKEN, GITHUB};
use switchboard_core::tools::{Consent, Policy, RunOutcome, RunRequest};
use switchboard_core::Services;

const ROUNDS: usize = 2000;

/// A GitHub API on loopback that answers every request with an empty list, keeping connections
/// alive (as reqwest's pool expects).
async fn serve(listener: TcpListener) {
    while let Ok((mut stream, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 8192];
            let mut pending = Vec::new();
            loop {
                let Ok(read) = stream.read(&mut buffer).await else {
                    return;
                };
                if read == 0 {
                    return;
                }
                pending.extend_from_slice(&buffer[..read]);
                while let Some(end) = pending.windows(4).position(|window| window == b"\r\n\r\n") {
                    pending.drain(..end + 4);
                    let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n[]";
                    if stream.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}

fn overhead(c: &mut Criterion) {
    let runtime = runtime();
    let listener = runtime
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("its address"));
    runtime.spawn(serve(listener));
    let data = tempfile::tempdir().expect("a data directory");
    let services = services(&data, &format!("[providers.github]\napi_base_url = \"{base}\"\n"));
    let id = save_account(&services, "github", services.context.now() + 3600, &GITHUB);
    let list = RunRequest {
        action: "github.list_my_repositories".into(),
        connection_id: Some(id),
        arguments: serde_json::json!({"limit": 5}),
    };
    let star = RunRequest {
        action: "github.star_repository".into(),
        connection_id: Some(id),
        arguments: serde_json::json!({"repository": "octocat/hello-world"}),
    };
    services
        .actions
        .set_policy(&star.action, Some(id), Some(Policy::Allow))
        .expect("the star runs without asking");
    let list_url = format!("{base}/user/repos?visibility=all&sort=updated&per_page=5");
    let star_url = format!("{base}/user/starred/octocat/hello-world");
    let client = reqwest::Client::new();
    let raw_list = || async {
        let answer = client
            .get(&list_url)
            .bearer_auth(ACCESS_TOKEN)
            .send()
            .await
            .expect("an answer");
        assert_eq!(answer.bytes().await.expect("a body").as_ref(), b"[]");
    };
    let raw_star = || async {
        let answer = client
            .put(&star_url)
            .bearer_auth(ACCESS_TOKEN)
            .header(reqwest::header::CONTENT_LENGTH, "0")
            .send()
            .await
            .expect("an answer");
        assert_eq!(answer.bytes().await.expect("a body").as_ref(), b"[]");
    };

    interleaved(
        &runtime,
        "read, list_my_repositories",
        || run(&services, &list),
        raw_list,
    );
    interleaved(&runtime, "write, star_repository", || run(&services, &star), raw_star);

    c.bench_function("action: list_my_repositories through the executor", |b| {
        b.iter(|| runtime.block_on(run(&services, &list)))
    });
    c.bench_function("action: the same request sent directly", |b| {
        b.iter(|| runtime.block_on(raw_list()))
    });
    c.bench_function("action: star_repository through the executor", |b| {
        b.iter(|| runtime.block_on(run(&services, &star)))
    });
    c.bench_function("action: the same PUT sent directly", |b| {
        b.iter(|| runtime.block_on(raw_star()))
    });
}

/// Runs `request` through the executor, and expects it done.
async fn run(services: &Services, request: &RunRequest) {
    match services.actions.run(request, Consent::NotYet).await {
        Ok(RunOutcome::Done(_)) => {}
        other => panic!("{} runs: {other:?}", request.action),
    }
}

/// `through` and `direct` in turn, so both see the same machine state; prints their medians
/// and the difference.
fn interleaved<T, TF, D, DF>(runtime: &Runtime, what: &str, through: T, direct: D)
where
    T: Fn() -> TF,
    TF: Future<Output = ()>,
    D: Fn() -> DF,
    DF: Future<Output = ()>,
{
    let (mut executor, mut plain) = (Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS));
    for _ in 0..ROUNDS {
        let started = Instant::now();
        runtime.block_on(through());
        executor.push(started.elapsed());
        let started = Instant::now();
        runtime.block_on(direct());
        plain.push(started.elapsed());
    }
    let (executor, plain) = (median(&mut executor), median(&mut plain));
    println!(
        "action_overhead ({what}): executor {:.0} µs, raw request {:.0} µs, overhead {:.0} µs median over {ROUNDS} interleaved calls (target ≤ 1000 µs)",
        micros(executor),
        micros(plain),
        micros(executor.saturating_sub(plain))
    );
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(5));
    targets = overhead
}
criterion_main!(benches);
