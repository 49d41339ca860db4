//! Shared by the refresh-engine tests: a GitHub-like connection made against the fake provider
//! (its token reply may carry `refresh_token` and `expires_in`), many callers at once on real
//! threads, the stored secrets and the audit log read back, the core over an existing data
//! directory (for a child process), and the statements SQLite runs, traced.

#![allow(dead_code)] // also compiled into the tests that need a process of their own, which use parts of it

use std::path::Path;
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use switchboard_core::clock::{Clock, ManualClock, SystemClock};
use switchboard_core::connections::{connection_context, ConnectMethod, ConnectRequest, Connection, SecretOwner};
use switchboard_core::db::audit::AuditEntry;
use switchboard_core::error::UserError;
use switchboard_core::ids::ConnectionId;
use switchboard_core::paths::AppPaths;
use switchboard_core::vault::{KeyringSlot, SecretStore};
use switchboard_core::{Core, CoreOptions, OverridesChoice, Services};

use super::connector::Harness;
use super::fake_provider::{FakeProvider, Reply};
use super::keyring;

/// Where the fake's token endpoint lives.
pub const TOKEN_PATH: &str = "/token";

/// GitHub pointed at the fake: its token endpoint, API (for `GET /user`) and a client.
pub fn github_overrides(fake: &FakeProvider) -> String {
    format!(
        "[providers.github]\nclient_id = \"client-1\"\nclient_secret = \"secret-1\"\napi_base_url = \"{api}\"\n\
         [providers.github.oauth]\nauthorize_url = \"{authorize}\"\ntoken_url = \"{token}\"\n",
        api = fake.url(""),
        authorize = fake.url("/authorize"),
        token = fake.url(TOKEN_PATH),
    )
}

/// A harness whose clock the test moves, with fast protocol seconds and `configure` last.
pub fn manual_harness(
    overrides: &str,
    test: &str,
    clock: Arc<ManualClock>,
    configure: impl FnOnce(&mut CoreOptions),
) -> Harness {
    let data = tempfile::tempdir().expect("a data directory");
    manual_harness_in(data, overrides, test, clock, configure)
}

/// `manual_harness` over a data directory the test prepared (a small filesystem, say).
pub fn manual_harness_in(
    data: tempfile::TempDir,
    overrides: &str,
    test: &str,
    clock: Arc<ManualClock>,
    configure: impl FnOnce(&mut CoreOptions),
) -> Harness {
    keyring::require_session_bus();
    Harness::configured(
        data,
        overrides,
        keyring::private_slot(test),
        Duration::from_secs(30),
        move |config| {
            config.clock = clock;
            config.request_policy.second = Duration::from_millis(10);
            configure(config);
        },
    )
}

/// The wall clock now, as the manual clock's starting point.
pub fn real_now() -> i64 {
    SystemClock.now()
}

/// A token reply in the standard shape.
pub fn token_reply(access: &str, refresh: Option<&str>, expires_in: Option<i64>) -> Reply {
    let mut body = serde_json::json!({
        "access_token": access,
        "token_type": "bearer",
        "scope": "read:user,repo",
    });
    if let Some(refresh) = refresh {
        body["refresh_token"] = refresh.into();
    }
    if let Some(expires_in) = expires_in {
        body["expires_in"] = expires_in.into();
    }
    Reply::json(200, &body.to_string())
}

/// Connects GitHub over loopback: the fake answers the code exchange with `first` (then keeps
/// answering with it until the test scripts the refreshes) and `GET /user` with one account.
pub async fn connect_github(harness: &Harness, fake: &FakeProvider, first: Reply) -> Connection {
    connect_github_as(harness, fake, first, r#"{"id":583231,"login":"octocat"}"#).await
}

/// Connects GitHub as [`connect_github`] does, signed in as the account `user` (`GET /user`'s
/// JSON) says.
pub async fn connect_github_as(harness: &Harness, fake: &FakeProvider, first: Reply, user: &str) -> Connection {
    fake.script(TOKEN_PATH, [first]);
    fake.script("/user", [Reply::json(200, user)]);
    let request = ConnectRequest {
        provider: "github".into(),
        products: vec![],
        method: ConnectMethod::Browser,
        redirect: None,
        connection: None,
        scopes: vec![],
    };
    harness.connect_approved(&request).await
}

/// The refresh-token grants the fake's token endpoint received, in order: the refresh token
/// each one sent.
pub fn refresh_tokens_sent(fake: &FakeProvider) -> Vec<String> {
    fake.requests_to(TOKEN_PATH)
        .iter()
        .filter(|request| request.form_value("grant_type").as_deref() == Some("refresh_token"))
        .map(|request| {
            request
                .form_value("refresh_token")
                .expect("a refresh grant carries its refresh token")
        })
        .collect()
}

/// `callers` threads, each with its own runtime, released together by a barrier, each asking
/// for an access token: real parallelism, not just interleaving on one thread.
pub async fn concurrent_access_tokens(
    services: &Services,
    id: ConnectionId,
    callers: usize,
) -> Vec<Result<String, UserError>> {
    let barrier = Arc::new(Barrier::new(callers));
    let handles: Vec<_> = (0..callers)
        .map(|_| {
            let services = services.clone();
            let barrier = Arc::clone(&barrier);
            tokio::task::spawn_blocking(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime per caller");
                barrier.wait();
                runtime
                    .block_on(services.renewal.access_token(id))
                    .map(|token| token.expose().clone())
                    .map_err(UserError::from)
            })
        })
        .collect();
    let mut results = Vec::with_capacity(callers);
    for handle in handles {
        results.push(handle.await.expect("a caller's thread does not panic"));
    }
    results
}

/// A secret of the connection as stored (decrypted with the key holder's key).
pub fn stored_secret(services: &Services, connection: &Connection, name: &str) -> Option<String> {
    let key = services.keys.key().expect("the key");
    let db = services.context.db();
    let context = connection_context(&connection.provider, &connection.account_id);
    SecretStore::new(&db, &key)
        .get(&SecretOwner::Connection(connection.id).key(), &context, name)
        .expect("the secret is readable")
        .map(|secret| secret.expose().clone())
}

/// The connection's audit entries for `operation` with `outcome`.
pub fn audited(services: &Services, id: ConnectionId, operation: &str, outcome: &str) -> Vec<AuditEntry> {
    let db = services.context.db();
    switchboard_core::db::audit::list(db.conn(), Some(id))
        .expect("the audit log reads")
        .into_iter()
        .filter(|entry| entry.operation == operation && entry.outcome == outcome)
        .collect()
}

/// The core over an existing data directory, as a restarted app (or a child process) opens
/// it: the same database file and keyring slot, no browser, events dropped.
pub fn core_in(dir: &Path, overrides: &str, slot: KeyringSlot) -> Core {
    let paths = AppPaths::under(dir.to_path_buf());
    let mut options = CoreOptions::new(
        &paths,
        Arc::new(|_| {}),
        Arc::new(|_: &str| Err("no browser here".to_owned())),
    );
    options.overrides = OverridesChoice::Text {
        name: "test-overrides.toml".into(),
        text: overrides.to_owned(),
    };
    options.keyring_slot = slot;
    Core::open(paths, options).expect("the core opens")
}

/// The services of `core_in`.
pub fn services_in(dir: &Path, overrides: &str, slot: KeyringSlot) -> Services {
    core_in(dir, overrides, slot)
        .services()
        .expect("the database opens")
        .clone()
}

/// Records what SQLite runs on one connection (`sqlite3_trace_v2`, statement starts) until
/// dropped. rusqlite's safe `trace_v2` needs its "trace" feature, which this crate does not
/// enable, so this uses the C API rusqlite re-exports. Each entry is the statement's text;
/// writes to the `secrets` table are tagged with the secret's name (`secrets:refresh_token`),
/// read from the bound parameters, never with the sealed value.
pub struct SqlTrace {
    handle: *mut rusqlite::ffi::sqlite3,
    log: *mut Mutex<Vec<String>>,
}

impl SqlTrace {
    /// Starts tracing `conn`. The connection must outlive the trace, and the trace must be
    /// dropped while the connection is not in use on another thread.
    pub fn start(conn: &rusqlite::Connection) -> Self {
        let log = Box::into_raw(Box::new(Mutex::new(Vec::new())));
        // SAFETY: the handle is the live connection's; the callback only reads the statement
        // it is given and the context, a leaked Box freed in `drop` after tracing is off.
        let handle = unsafe { conn.handle() };
        let rc = unsafe {
            rusqlite::ffi::sqlite3_trace_v2(
                handle,
                rusqlite::ffi::SQLITE_TRACE_STMT as std::os::raw::c_uint,
                Some(trace_statement),
                log.cast(),
            )
        };
        assert_eq!(
            rc,
            rusqlite::ffi::SQLITE_OK,
            "sqlite3_trace_v2 must accept the callback"
        );
        Self { handle, log }
    }

    pub fn statements(&self) -> Vec<String> {
        // SAFETY: `log` stays allocated until drop.
        unsafe { &*self.log }.lock().expect("trace log").clone()
    }
}

impl Drop for SqlTrace {
    fn drop(&mut self) {
        // SAFETY: turns tracing off on the same live connection, then frees the context.
        unsafe {
            rusqlite::ffi::sqlite3_trace_v2(self.handle, 0, None, std::ptr::null_mut());
            drop(Box::from_raw(self.log));
        }
    }
}

unsafe extern "C" fn trace_statement(
    _mask: std::os::raw::c_uint,
    context: *mut std::os::raw::c_void,
    statement: *mut std::os::raw::c_void,
    text: *mut std::os::raw::c_void,
) -> std::os::raw::c_int {
    use std::ffi::CStr;
    // SAFETY (whole body): for SQLITE_TRACE_STMT, `statement` is the prepared statement and
    // `text` its unexpanded SQL, both valid during the callback; `context` is SqlTrace's log.
    let sql = unsafe { CStr::from_ptr(text as *const std::os::raw::c_char) }
        .to_string_lossy()
        .into_owned();
    let mut entry = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if entry.starts_with("INSERT INTO secrets") {
        let expanded = unsafe { rusqlite::ffi::sqlite3_expanded_sql(statement.cast()) };
        if !expanded.is_null() {
            let full = unsafe { CStr::from_ptr(expanded) }.to_string_lossy().into_owned();
            unsafe { rusqlite::ffi::sqlite3_free(expanded.cast()) };
            let name = ["refresh_token", "access_token"]
                .into_iter()
                .find(|name| full.contains(&format!("'{name}'")));
            entry = format!("secrets:{}", name.unwrap_or("other"));
        }
    }
    let log = unsafe { &*(context as *const Mutex<Vec<String>>) };
    if let Ok(mut log) = log.lock() {
        log.push(entry);
    }
    0
}

/// Connects ana at the oidc-provider server as Google, over loopback (as connect_oidc.rs does).
pub async fn connect_ana(harness: &Harness) -> Connection {
    let started = harness
        .services
        .sign_ins
        .start(&super::google_flow::google())
        .await
        .expect("the sign-in starts");
    let (approved, printed) = super::oidc::approve_in_browser(&harness.browser_url(), "ana").await;
    assert!(approved, "the browser stand-in finishes:\n{printed}");
    harness.connected(harness.outcome(&started.flow_id).await)
}
