//! `cargo bench -p switchboard-core --bench model_stream` (issue 16): the time from sending a
//! message (Enter) to the first streamed character of the model's answer, against the scripted
//! OpenAI-compatible server on loopback answering at once; and the process's resident memory
//! after 1,000 streamed answers in one conversation (printed, with the growth per message).

#[path = "../tests/integration/support/node.rs"]
mod node;
mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use switchboard_core::app_events::AppEvent;
use switchboard_core::llm::model::{KeyChange, ModelKind, ModelSettings, ModelSettingsInput};
use switchboard_core::Services;

use support::{runtime, services_with_events};

/// An answer of about 300 characters, streamed 8 characters a chunk.
const ANSWER: &str = "Here is what I found in your calendar for tomorrow: a stand-up at 9:30, lunch with \
                      Bob at noon, the design review at 15:00 with Ana and Lee, and a reminder to \
                      send the Q3 numbers before the end of the day. Nothing overlaps, and the \
                      afternoon after 16:00 is free.";

struct Bench {
    services: Services,
    first_piece: Arc<Mutex<Option<Instant>>>,
    server: String,
    http: reqwest::Client,
    _node: std::process::Child,
    _data: tempfile::TempDir,
}

fn bench() -> Bench {
    let (node, ready) = node::start_node("model", "server.mjs");
    let server = ready["url"].as_str().expect("url").to_owned();
    let first_piece = Arc::new(Mutex::new(None));
    let seen = first_piece.clone();
    let data = tempfile::tempdir().expect("a data directory");
    let services = services_with_events(
        &data,
        "",
        Arc::new(move |event| {
            if let AppEvent::ChatStreaming { .. } = event {
                seen.lock().expect("the clock").get_or_insert_with(Instant::now);
            }
        }),
    );
    services
        .models
        .save(ModelSettingsInput {
            settings: ModelSettings {
                kind: ModelKind::OpenAiCompatible,
                base_url: format!("{server}/v1"),
                model: "scripted-1".into(),
                token_budget: 16_000,
            },
            key: KeyChange::Keep,
        })
        .expect("the model is chosen");
    Bench {
        services,
        first_piece,
        server,
        http: reqwest::Client::new(),
        _node: node,
        _data: data,
    }
}

impl Bench {
    async fn queue(&self, answers: u64) {
        let turn = json!({"text": ANSWER, "textChunk": 8});
        let turns: Vec<_> = (0..answers).map(|_| turn.clone()).collect();
        self.http
            .post(format!("{}/_control/script", self.server))
            .json(&json!({ "turns": turns }))
            .send()
            .await
            .expect("the script is queued");
    }

    /// Sends one message; the time until the answer's first piece reached the window.
    async fn first_character(&self, conversation: i64) -> Duration {
        *self.first_piece.lock().expect("the clock") = None;
        let sent = Instant::now();
        self.services
            .assistant
            .send(conversation, "what's on my calendar tomorrow?")
            .await
            .expect("the message is answered");
        let first = self
            .first_piece
            .lock()
            .expect("the clock")
            .expect("the answer streamed");
        first - sent
    }
}

fn first_streamed_character(c: &mut Criterion) {
    let runtime = runtime();
    let bench = bench();
    let mut conversation = 0;
    let mut sent = 0u64;
    c.bench_function(
        "Enter to the first streamed character (scripted server, no delay)",
        |b| {
            b.iter_custom(|iterations| {
                runtime.block_on(async {
                    bench.queue(iterations).await;
                    let mut total = Duration::ZERO;
                    for _ in 0..iterations {
                        // A conversation of up to 20 exchanges, as people have them.
                        if sent.is_multiple_of(20) {
                            conversation = bench
                                .services
                                .assistant
                                .create_conversation()
                                .expect("a conversation")
                                .id;
                        }
                        sent += 1;
                        total += bench.first_character(conversation).await;
                    }
                    total
                })
            })
        },
    );
}

/// Resident memory of this process, in KiB.
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn memory_after_a_thousand_answers(_: &mut Criterion) {
    let runtime = runtime();
    let bench = bench();
    runtime.block_on(async {
        let conversation = bench
            .services
            .assistant
            .create_conversation()
            .expect("a conversation")
            .id;
        bench.queue(20).await;
        for _ in 0..20 {
            bench.first_character(conversation).await; // warm up: pools, caches, the catalogue
        }
        let before = resident_kib();
        bench.queue(1_000).await;
        for _ in 0..1_000 {
            bench.first_character(conversation).await;
        }
        let after = resident_kib();
        println!(
            "memory after 1,000 streamed answers in one conversation: {before} KiB -> {after} KiB resident \
             ({:+} KiB, {:.1} KiB per message)",
            after as i64 - before as i64,
            (after as f64 - before as f64) / 1_000.0
        );
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(10));
    targets = first_streamed_character, memory_after_a_thousand_answers
}
criterion_main!(benches);
