//! `cargo bench -p switchboard-core --bench drive_listing` (issue 5's benchmark): listing a
//! Drive folder of 10,000 files from the loopback API doubles (tests/doubles, Node) through the
//! real browsing service — time to the first page, time to all ten pages, and how much the
//! process grows holding the listing (resident memory before and after, printed once).

#[path = "../tests/integration/support/node.rs"]
mod node;
mod support;

use std::process::Child;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

use support::{runtime, save_google, services, DRIVE};
use switchboard_core::ids::ConnectionId;
use switchboard_core::resources::{ApiPolicy, ListRequest, ListingPage, Resource, Resources};

const ENTRIES: usize = 10_000;

/// `node tests/doubles/server.mjs`, stopped when dropped.
struct Doubles {
    child: Child,
    url: String,
}

impl Doubles {
    fn start() -> Self {
        let (child, ready) = node::start_node("doubles", "server.mjs");
        let url = ready["url"]
            .as_str()
            .expect("the doubles say where they listen")
            .to_owned();
        Self { child, url }
    }
}

impl Drop for Doubles {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Setup {
    resources: Resources,
    archive: ListRequest,
    _doubles: Doubles,
    _data: tempfile::TempDir,
}

/// A Google connection whose Drive is the doubles, and the request for the Archive folder.
fn setup(runtime: &tokio::runtime::Runtime) -> Setup {
    let doubles = Doubles::start();
    let data = tempfile::tempdir().expect("a data directory");
    let overrides = format!("[providers.google]\napi_base_url = \"{}/google\"\n", doubles.url);
    let services = services(&data, &overrides);
    let id = save_google(&services, services.context.now() + 24 * 3600, &DRIVE);
    let resources = Resources::new(
        services.context.clone(),
        services.store.clone(),
        services.renewal.clone(),
        ApiPolicy::default(),
    );
    let root = request(id, Some("root".into()));
    let (items, _) = runtime.block_on(listing(&resources, &root));
    let archive = items
        .iter()
        .find(|item| item.name == "Archive")
        .and_then(|item| item.location.clone())
        .expect("My Drive holds the Archive folder");
    Setup {
        resources,
        archive: request(id, Some(archive)),
        _doubles: doubles,
        _data: data,
    }
}

fn request(connection: ConnectionId, location: Option<String>) -> ListRequest {
    ListRequest {
        connection,
        kind: "drive.file".into(),
        location,
        search: None,
        filter: None,
        refresh: true, // every run asks the doubles, never the cache
    }
}

/// Lists to the end: every item, and when the first page arrived.
async fn listing(resources: &Resources, request: &ListRequest) -> (Vec<Resource>, Duration) {
    let started = Instant::now();
    let mut first_page = None;
    let mut items = Vec::new();
    let mut on_page = |page: ListingPage| {
        first_page.get_or_insert_with(|| started.elapsed());
        items.extend(page.items);
    };
    resources
        .list("bench", request, &mut on_page)
        .await
        .expect("the Archive lists");
    (items, first_page.unwrap_or_default())
}

/// Resident memory now, in bytes (Linux).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn drive_listing(c: &mut Criterion) {
    let runtime = runtime();
    let setup = setup(&runtime);
    let before = resident_bytes();
    let (kept, _) = runtime.block_on(listing(&setup.resources, &setup.archive));
    assert_eq!(kept.len(), ENTRIES, "the Archive holds 10,000 files");
    if let (Some(before), Some(after)) = (before, resident_bytes()) {
        let growth = after.saturating_sub(before) as f64 / (1024.0 * 1024.0);
        println!("drive listing: resident memory grew {growth:.1} MiB holding {ENTRIES} entries (and the cache)");
    }
    drop(kept);

    let mut group = c.benchmark_group("drive listing of 10,000 entries");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("time to the first page", |b| {
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| runtime.block_on(listing(&setup.resources, &setup.archive)).1)
                .sum()
        })
    });
    group.bench_function("time to all pages", |b| {
        b.iter(|| {
            let (items, _) = runtime.block_on(listing(&setup.resources, &setup.archive));
            assert_eq!(items.len(), ENTRIES, "every run lists the whole folder");
        })
    });
    group.finish();
}

criterion_group!(benches, drive_listing);
criterion_main!(benches);
