//! `cargo bench -p switchboard-core --bench chat` (issue 15's benchmarks): the offline planner's
//! time per message over the whole catalogue (target: under 2 ms median, release), and opening
//! a conversation of 10,000 messages to its last page (target: under 100 ms), on a real SQLite
//! file.

mod support;

use criterion::{criterion_group, criterion_main, Criterion};

use support::services;
use switchboard_core::db::chat_messages::{self, NewMessage};
use switchboard_core::llm::{OfflinePlanner, PlanRequest};

/// Requests as people write them, across products (from the scenario suite).
const REQUESTS: &[&str] = &[
    "star tauri-apps/tauri",
    "what's on my calendar tomorrow",
    "email ana@example.com the Q3 numbers sheet",
    "schedule lunch with Bob tomorrow at noon",
    "post \"deploy done\" in #eng",
    "find my open Jira bugs and post a summary to #eng",
    "comment on ABC-123: fixed in staging",
    "append a row to the expenses sheet: taxi, 23.50",
    "share the budget folder with ana@example.com as editor",
    "what's the weather in Paris",
];

fn planning(c: &mut Criterion) {
    let planner = OfflinePlanner::new();
    let now = jiff::Zoned::now();
    let requests: Vec<PlanRequest> = REQUESTS
        .iter()
        .map(|text| PlanRequest {
            text: (*text).to_owned(),
            now: now.clone(),
            connected: vec!["github".into(), "gmail".into()],
            earlier: Vec::new(),
        })
        .collect();
    let mut next = 0;
    c.bench_function("plan one message (offline, whole catalogue)", |b| {
        b.iter(|| {
            next = (next + 1) % requests.len();
            planner.plan_now(&requests[next])
        })
    });
}

fn long_conversation(c: &mut Criterion) {
    let data = tempfile::tempdir().expect("a data directory");
    let services = services(&data, "");
    let conversation = services.assistant.create_conversation().expect("a conversation").id;
    {
        let db = services.context.db();
        db.conn().execute_batch("BEGIN").expect("begin");
        for index in 0..10_000 {
            let text = format!("message {index}: what's on my calendar tomorrow and who is coming?");
            let role = if index % 2 == 0 { "user" } else { "assistant" };
            let message = NewMessage {
                conversation_id: conversation,
                role,
                text: &text,
                run_id: None,
                card: None,
            };
            chat_messages::append(db.conn(), &message, 1_800_000_000 + index).expect("append");
        }
        db.conn().execute_batch("COMMIT").expect("commit");
    }
    c.bench_function("open a 10,000-message conversation at its last page", |b| {
        b.iter(|| {
            services
                .assistant
                .messages(conversation, None, 50)
                .expect("the last page")
        })
    });
}

criterion_group!(benches, planning, long_conversation);
criterion_main!(benches);
