//! The connector: what a running Switchboard (window or CLI) holds to connect accounts. It owns
//! the catalogue (with overrides), the database handle, the master key once loaded (or a
//! session-only key the person chose), the sign-ins in progress and their cancel handles, and
//! the two ways out: an event sink and "open this URL in the browser". The flows themselves
//! live in `browser_flow` and `credentials`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::oneshot;
use ts_rs::TS;

use super::{Connection, FlowState, FlowUpdate, Integration};
use crate::app_events::AppEvent;
use crate::catalog::{Catalog, OverrideCredentials, Provider};
use crate::clock::Clock;
use crate::db::{self, Database};
use crate::error::{ErrorCode, UserError};
use crate::oauth::jwks::JwksCache;
use crate::oauth::retry::RequestPolicy;
use crate::oauth::{PendingFlows, LOOPBACK_TIMEOUT};
use crate::vault::{KeyError, KeyOrigin, KeyringSlot, MasterKey, SecretStore};

pub type EventSink = Arc<dyn Fn(AppEvent) + Send + Sync>;
/// Opens a URL in the system browser; `Err` says why it could not.
pub type BrowserOpener = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// Where this run's master key lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum KeyMode {
    Keyring,
    /// In memory only: connections made now are forgotten at exit.
    SessionOnly,
}

pub struct ConnectorConfig {
    pub catalog: Catalog,
    pub override_credentials: BTreeMap<String, OverrideCredentials>,
    pub keyring_slot: KeyringSlot,
    pub clock: Arc<dyn Clock>,
    pub events: EventSink,
    pub browser: BrowserOpener,
    /// How long a sign-in waits for the browser (5 minutes; shorter in tests).
    pub callback_timeout: Duration,
    /// Time limits, retries and the length of a protocol second (device-code polling).
    pub request_policy: RequestPolicy,
}

impl ConnectorConfig {
    pub fn new(catalog: Catalog, events: EventSink, browser: BrowserOpener) -> Self {
        Self {
            catalog,
            override_credentials: BTreeMap::new(),
            keyring_slot: KeyringSlot::default(),
            clock: Arc::new(crate::clock::SystemClock),
            events,
            browser,
            callback_timeout: LOOPBACK_TIMEOUT,
            request_policy: RequestPolicy::standard(),
        }
    }
}

pub(super) struct ActiveFlow {
    /// What "open again" opens: the authorization URL or the device verification page.
    pub url: String,
    pub cancel: Option<oneshot::Sender<()>>,
}

pub struct Connector {
    pub(super) config: ConnectorConfig,
    db: Arc<Mutex<Database>>,
    key: Mutex<Option<Arc<MasterKey>>>,
    /// Deep-link sign-ins waiting for their callback.
    pub pending: PendingFlows,
    pub(super) active: Mutex<HashMap<String, ActiveFlow>>,
    /// Signing keys per JWKS URI, kept across sign-ins so a rotated key is found by one
    /// rate-limited refetch and an unreachable endpoint falls back to fresh keys (D6, D9).
    jwks: Mutex<HashMap<String, Arc<JwksCache>>>,
    /// One async lock per connection: the single flight of its refresh.
    pub(super) refresh_locks: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    /// Connections whose refresh is in flight (their status reads "refreshing").
    pub(super) refreshing: Mutex<HashSet<i64>>,
}

impl Connector {
    pub fn new(config: ConnectorConfig, db: Arc<Mutex<Database>>) -> Arc<Self> {
        Arc::new(Self {
            config,
            db,
            key: Mutex::new(None),
            pending: PendingFlows::default(),
            active: Mutex::new(HashMap::new()),
            jwks: Mutex::new(HashMap::new()),
            refresh_locks: Mutex::new(HashMap::new()),
            refreshing: Mutex::new(HashSet::new()),
        })
    }

    pub fn catalog(&self) -> &Catalog {
        &self.config.catalog
    }

    pub fn now(&self) -> i64 {
        self.config.clock.now()
    }

    pub fn db(&self) -> MutexGuard<'_, Database> {
        self.db.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn provider(&self, id: &str) -> Result<&Provider, UserError> {
        self.config
            .catalog
            .provider(id)
            .ok_or_else(|| UserError::new(ErrorCode::NotFound, format!("There is no provider called “{id}”.")))
    }

    pub fn override_credentials(&self, provider: &str) -> Option<&OverrideCredentials> {
        self.config.override_credentials.get(provider)
    }

    /// The master key, read from the keyring (created there on first use), or the session
    /// key chosen earlier. A keyring that errors never gets a new key (`KeyringUnavailable`).
    pub fn key(&self) -> Result<Arc<MasterKey>, UserError> {
        let mut slot = self.key.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(key) = slot.as_ref() {
            return Ok(key.clone());
        }
        let key = Arc::new(MasterKey::load_or_create(&self.config.keyring_slot).map_err(key_error)?);
        *slot = Some(key.clone());
        Ok(key)
    }

    /// The key if it is already loaded (nothing asked of the keyring).
    pub fn loaded_key(&self) -> Option<Arc<MasterKey>> {
        self.key.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Goes on without the keyring: a key in memory for this run only.
    pub fn use_session_only_key(&self) {
        let mut slot = self.key.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            tracing::warn!("continuing with a session-only key: connections made now are forgotten at exit");
            *slot = Some(Arc::new(MasterKey::session_only()));
        }
    }

    pub fn key_mode(&self) -> KeyMode {
        match self.loaded_key().map(|key| key.origin()) {
            Some(KeyOrigin::SessionOnly) => KeyMode::SessionOnly,
            _ => KeyMode::Keyring,
        }
    }

    /// At start: forget the previous run's session-only connections, then read the key if
    /// the keyring has one (never creating it) and mark connections it cannot open as
    /// needing re-authorization (SECURITY.md E4). A keyring error changes nothing.
    pub fn reconcile_at_start(&self) -> Result<(), UserError> {
        let db = self.db();
        for id in db::connections::delete_session_only(db.conn())? {
            db::secrets::delete_owner(db.conn(), &connection_owner(id))?;
        }
        let key = match MasterKey::load_existing(&self.config.keyring_slot) {
            Ok(key) => key,
            Err(error) => {
                tracing::warn!(%error, "keyring unavailable at start; connections left as they are");
                return Ok(());
            }
        };
        let unreadable: Vec<String> = match &key {
            Some(key) => SecretStore::new(&db, key)
                .unreadable_owners()
                .map_err(|error| UserError::new(ErrorCode::Storage, error.to_string()))?,
            None => db::connections::list(db.conn())?
                .iter()
                .map(|c| connection_owner(c.id))
                .collect(),
        };
        let reason = "Switchboard's key in the system keyring was removed or replaced, so this account's saved sign-in can no longer be read. Connect it again.";
        for connection in db::connections::list(db.conn())? {
            if unreadable.contains(&connection_owner(connection.id)) {
                db::connections::set_needs_reauthorization(db.conn(), connection.id, reason)?;
            }
        }
        drop(db);
        if let Some(key) = key {
            *self.key.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(key));
        }
        Ok(())
    }

    /// Every connection with its status as of now.
    pub fn list_connections(&self) -> Result<Vec<Connection>, UserError> {
        let stored = db::connections::list(self.db().conn())?;
        Ok(stored
            .into_iter()
            .map(|connection| self.with_status(connection))
            .collect())
    }

    /// One connection with its status as of now.
    pub fn connection(&self, id: i64) -> Result<Connection, UserError> {
        let stored = db::connections::get(self.db().conn(), id)?;
        let stored = stored.ok_or_else(|| UserError::new(ErrorCode::NotFound, "That connection no longer exists."))?;
        Ok(self.with_status(stored))
    }

    pub(super) fn with_status(&self, mut connection: Connection) -> Connection {
        let refreshing = self
            .refreshing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&connection.id);
        let provider = self.config.catalog.provider(&connection.provider);
        connection.status = super::status::evaluate(&connection, provider, self.now(), refreshing);
        connection
    }

    /// Appends to the audit log; a failure to write it is logged, never fatal to the operation.
    pub(super) fn audit(&self, connection: &Connection, operation: &str, outcome: &str, detail: Option<&str>) {
        let entry = db::audit::NewAuditEntry {
            at: self.now(),
            connection_id: Some(connection.id),
            provider: &connection.provider,
            account_label: &connection.account_label,
            operation,
            outcome,
            detail,
        };
        if let Err(error) = db::audit::append(self.db().conn(), &entry) {
            tracing::warn!(%error, operation, "could not write the audit log");
        }
    }

    pub fn integrations(&self) -> Result<Vec<Integration>, UserError> {
        let connections = self.list_connections()?;
        let db = self.db();
        self.config
            .catalog
            .providers()
            .iter()
            .map(|provider| {
                let client_ready = provider.oauth.is_none()
                    || super::client_setup::client_id(&db, provider, self.override_credentials(&provider.id))?
                        .is_some();
                Ok(Integration {
                    provider: provider.clone(),
                    client_ready,
                    connections: connections
                        .iter()
                        .filter(|c| c.provider == provider.id)
                        .cloned()
                        .collect(),
                })
            })
            .collect()
    }

    /// The signing-key cache for `uri`, shared by every sign-in with that provider.
    pub fn jwks(&self, uri: &str) -> Arc<JwksCache> {
        let mut caches = self.jwks.lock().unwrap_or_else(PoisonError::into_inner);
        caches
            .entry(uri.to_owned())
            .or_insert_with(|| Arc::new(JwksCache::new(uri)))
            .clone()
    }

    /// Tells the UI to reload connections (after a pasted key, or a client set up).
    pub fn notify_connections_changed(&self) {
        self.publish(AppEvent::ConnectionsChanged);
    }

    pub(super) fn publish(&self, event: AppEvent) {
        (self.config.events)(event);
    }

    pub(super) fn publish_flow(&self, flow_id: &str, provider: &str, state: FlowState) {
        if !matches!(
            state,
            FlowState::WaitingForBrowser { .. } | FlowState::WaitingForDeviceCode { .. } | FlowState::Finishing
        ) {
            self.active_flows().remove(flow_id);
        }
        let connected = matches!(state, FlowState::Connected { .. });
        self.publish(AppEvent::ConnectFlow(Box::new(FlowUpdate {
            flow_id: flow_id.to_owned(),
            provider: provider.to_owned(),
            state,
        })));
        if connected {
            self.publish(AppEvent::ConnectionsChanged);
        }
    }

    pub(super) fn active_flows(&self) -> MutexGuard<'_, HashMap<String, ActiveFlow>> {
        self.active.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stops a sign-in in progress; its waiting ends and it reports `Cancelled`.
    pub fn cancel(&self, flow_id: &str) -> Result<(), UserError> {
        let cancel = self.active_flows().get_mut(flow_id).and_then(|flow| flow.cancel.take());
        match cancel {
            Some(cancel) => {
                let _ = cancel.send(());
                Ok(())
            }
            None => Err(UserError::new(ErrorCode::NotFound, "That sign-in has already ended.")),
        }
    }

    /// Opens a sign-in's page in the browser again.
    pub fn reopen(&self, flow_id: &str) -> Result<(), UserError> {
        let url = self.active_flows().get(flow_id).map(|flow| flow.url.clone());
        let url = url.ok_or_else(|| UserError::new(ErrorCode::NotFound, "That sign-in has already ended."))?;
        self.open_browser(&url)
    }

    pub(super) fn open_browser(&self, url: &str) -> Result<(), UserError> {
        (self.config.browser)(url).map_err(|reason| {
            tracing::warn!(%reason, "could not open the browser");
            UserError::new(
                ErrorCode::Internal,
                format!("The browser could not be opened ({reason}). Copy the link and open it yourself."),
            )
        })
    }
}

/// The vault owner of a connection's secrets.
pub fn connection_owner(id: i64) -> String {
    format!("connection:{id}")
}

/// What a connection's secrets are bound to besides their row: provider and account.
pub fn connection_context(provider: &str, account_id: &str) -> String {
    format!("{provider}|{account_id}")
}

fn key_error(error: KeyError) -> UserError {
    match error {
        KeyError::KeyringUnavailable { reason, .. } => UserError::new(
            ErrorCode::KeyringUnavailable,
            format!("{reason} Switchboard keeps account tokens encrypted with a key in the keyring and will not create a new one while it cannot read it. You can also continue for this session only."),
        ),
        KeyError::Malformed { .. } => UserError::new(ErrorCode::KeyringUnavailable, format!("{error}.")),
    }
}
