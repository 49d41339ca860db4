//! The core as the app opens it (`Core::open`), for integration tests: the built-in catalogue
//! with providers pointed at test servers by an overrides text, a real SQLite file in a
//! temporary directory, the real keyring (a private slot), events collected for assertions,
//! and a "browser" that hands each opened URL to the test.

#![allow(dead_code)] // also compiled into the tests that need a process of their own, which use parts of it

use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use switchboard_core::app_events::AppEvent;
use switchboard_core::connections::{ConnectRequest, Connection, FlowState};
use switchboard_core::paths::AppPaths;
use switchboard_core::vault::KeyringSlot;
use switchboard_core::{Core, CoreOptions, OverridesChoice, Services};

use super::oidc::OidcServer;

/// Where `Harness::shared_with_cli` writes the overrides for the CLI.
const CLI_OVERRIDES: &str = "overrides.toml";

pub struct Harness {
    pub core: Core,
    /// The core's services (shared with `core`).
    pub services: Services,
    pub events: Arc<Mutex<Vec<AppEvent>>>,
    pub opened: Receiver<String>,
    pub data: tempfile::TempDir,
}

/// Google's endpoints, issuer and client, pointed at the test server.
pub fn google_overrides(server: &OidcServer, redirect: &str) -> String {
    let issuer = &server.issuer;
    format!(
        r#"[providers.google]
client_id = "{}"
client_secret = "{}"
[providers.google.oauth]
authorize_url = "{issuer}/auth"
token_url = "{issuer}/token"
revocation_url = "{issuer}/token/revocation"
issuer = "{issuer}"
scopes = ["openid", "email", "offline_access"]
redirect = [{redirect}]
"#,
        server.google_client_id, server.google_client_secret
    )
}

impl Harness {
    pub fn new(overrides: &str, slot: KeyringSlot, callback_timeout: Duration) -> Self {
        let data = tempfile::tempdir().expect("a data directory");
        Self::in_dir(data, overrides, slot, callback_timeout)
    }

    /// The core over an existing data directory (a "restart").
    pub fn in_dir(data: tempfile::TempDir, overrides: &str, slot: KeyringSlot, callback_timeout: Duration) -> Self {
        Self::configured(data, overrides, slot, callback_timeout, |_| {})
    }

    /// As `in_dir`, with a last say on the configuration (e.g. a faster protocol second).
    pub fn configured(
        data: tempfile::TempDir,
        overrides: &str,
        slot: KeyringSlot,
        callback_timeout: Duration,
        configure: impl FnOnce(&mut CoreOptions),
    ) -> Self {
        let events = Arc::new(Mutex::new(Vec::new()));
        let (opened_tx, opened) = channel();
        let opened_tx = Mutex::new(opened_tx);
        let sink = events.clone();
        let paths = AppPaths::under(data.path().to_path_buf());
        let mut options = CoreOptions::new(
            &paths,
            Arc::new(move |event| sink.lock().expect("events").push(event)),
            Arc::new(move |url: &str| {
                let _ = opened_tx.lock().expect("browser").send(url.to_owned());
                Ok(())
            }),
        );
        options.overrides = OverridesChoice::Text {
            name: "test-overrides.toml".into(),
            text: overrides.to_owned(),
        };
        options.keyring_slot = slot;
        options.callback_timeout = callback_timeout;
        configure(&mut options);
        let core = Core::open(paths, options).expect("the core opens");
        let services = core.services().expect("the database opens").clone();
        Self {
            core,
            services,
            events,
            opened,
            data,
        }
    }

    /// A core over a fresh data directory that switchboard-cli, run with `SWITCHBOARD_DATA_DIR`
    /// set to it, opens too: the same keyring slot, and the overrides also written to
    /// [`Harness::overrides_file`] for the CLI's `--overrides`.
    pub fn shared_with_cli(overrides: &str) -> Self {
        let data = tempfile::tempdir().expect("a data directory");
        let mut paths = AppPaths::under(data.path().to_path_buf());
        paths.custom = true; // as SWITCHBOARD_DATA_DIR makes it: the CLI finds the same keyring slot
        let slot = KeyringSlot::for_paths(&paths);
        std::fs::write(data.path().join(CLI_OVERRIDES), overrides).expect("write the overrides");
        Self::configured(data, overrides, slot, Duration::from_secs(20), |_| {})
    }

    /// The overrides file of a core `shared_with_cli`.
    pub fn overrides_file(&self) -> std::path::PathBuf {
        self.data.path().join(CLI_OVERRIDES)
    }

    /// The URL a sign-in asked the browser to open.
    pub fn browser_url(&self) -> String {
        self.opened
            .recv_timeout(Duration::from_secs(10))
            .expect("the sign-in opens the browser")
    }

    /// Waits for the flow to end (connected, failed or cancelled) and returns how.
    /// Signs in through the browser flow at a provider that approves at once (the fake
    /// provider), and answers the connection made.
    pub async fn connect_approved(&self, request: &ConnectRequest) -> Connection {
        let started = self.services.sign_ins.start(request).await.expect("the sign-in starts");
        return_to_app(&self.browser_url()).await;
        match self.outcome(&started.flow_id).await {
            connected @ FlowState::Connected { .. } => self.connected(connected),
            other => panic!("the {} sign-in must end connected, got {other:?}", request.provider),
        }
    }

    /// The connection a sign-in that ended in `state` saved, as the services see it (the flow's
    /// event carries only what the UI sees of it); panics if the sign-in did not connect.
    pub fn connected(&self, state: FlowState) -> Connection {
        match state {
            FlowState::Connected { connection } => self
                .services
                .store
                .get(connection.id)
                .expect("the connection made is stored"),
            other => panic!("the sign-in must end connected, got {other:?}"),
        }
    }

    pub async fn outcome(&self, flow_id: &str) -> FlowState {
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            let ended = self
                .events
                .lock()
                .expect("events")
                .iter()
                .find_map(|event| match event {
                    AppEvent::ConnectFlow(update)
                        if update.flow_id == flow_id
                            && matches!(
                                update.state,
                                FlowState::Connected { .. } | FlowState::Failed { .. } | FlowState::Cancelled
                            ) =>
                    {
                        Some(update.state.clone())
                    }
                    _ => None,
                });
            if let Some(state) = ended {
                return state;
            }
            assert!(Instant::now() < deadline, "the sign-in {flow_id} never ended");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    pub fn database_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        for name in ["switchboard.db", "switchboard.db-wal"] {
            bytes.extend(std::fs::read(self.data.path().join(name)).unwrap_or_default());
        }
        bytes
    }
}

/// A GET by a real HTTP client (curl), as the browser would make it; fails the test if it
/// cannot be made.
pub async fn browse(url: &str) {
    let status = tokio::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", url])
        .status()
        .await;
    assert!(
        status.expect("curl runs").success(),
        "the browser stand-in reaches {url}"
    );
}

/// Plays the browser for a provider that approves at once: straight back to the loopback
/// redirect of `authorize_url` with a code and the flow's state.
pub async fn return_to_app(authorize_url: &str) {
    let url = url::Url::parse(authorize_url).expect("an authorization URL");
    let value = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .unwrap_or_else(|| panic!("{name} missing from the authorization URL"))
    };
    browse(&format!(
        "{}?code=the-code&state={}",
        value("redirect_uri"),
        value("state")
    ))
    .await;
}
