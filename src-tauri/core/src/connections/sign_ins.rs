//! Sign-ins: connecting an account in the browser (authorization code with PKCE, back by
//! loopback or deep link), by device code, or with a pasted key. It owns the sign-ins in
//! progress (their "open again" URL and Cancel), the deep-link flows waiting for their callback
//! and the providers' signing-key caches, and reports each step as a `FlowUpdate` event. The
//! flows' steps live in `browser_flow`, `device_flow` and `credentials`; saving is the store's.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::oneshot;

use super::error::ConnectionError as Error;
use super::events::Notifier;
use super::provider_apps::ProviderApps;
use super::store::ConnectionStore;
use super::{browser_flow, credentials, device_flow};
use super::{ConnectMethod, ConnectRequest, Connection, CredentialsRequest, FlowState, FlowUpdate};
use crate::catalog::AuthKind;
use crate::context::CoreContext;
use crate::ids::{ConnectionId, ProviderId};
use crate::oauth::jwks::JwksCache;
use crate::oauth::retry::RequestPolicy;
use crate::oauth::{random_token, PendingFlows};
use crate::vault::KeyHolder;

/// Opens a URL in the system browser; `Err` says why it could not.
pub type BrowserOpener = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// How sign-ins reach the outside: the browser, and how long they wait for it.
#[derive(Clone)]
pub struct SignInSettings {
    pub browser: BrowserOpener,
    /// How long a sign-in waits for the browser (5 minutes; shorter in tests).
    pub callback_timeout: Duration,
    /// Time limits, retries and the length of a protocol second (device-code polling).
    pub request_policy: RequestPolicy,
}

struct ActiveFlow {
    /// What "open again" opens: the authorization URL or the device verification page.
    url: String,
    cancel: Option<oneshot::Sender<()>>,
}

pub struct SignIns {
    context: CoreContext,
    notifier: Notifier,
    store: Arc<ConnectionStore>,
    apps: Arc<ProviderApps>,
    keys: Arc<KeyHolder>,
    settings: SignInSettings,
    /// Deep-link sign-ins waiting for their callback.
    pending: PendingFlows,
    active: Mutex<HashMap<String, ActiveFlow>>,
    /// Signing keys per JWKS URI, kept across sign-ins so a rotated key is found by one
    /// rate-limited refetch and an unreachable endpoint falls back to fresh keys (D6, D9).
    jwks: Mutex<HashMap<String, Arc<JwksCache>>>,
}

impl SignIns {
    pub fn new(
        context: CoreContext,
        store: Arc<ConnectionStore>,
        apps: Arc<ProviderApps>,
        keys: Arc<KeyHolder>,
        settings: SignInSettings,
        notifier: Notifier,
    ) -> Self {
        Self {
            context,
            store,
            apps,
            keys,
            settings,
            notifier,
            pending: PendingFlows::default(),
            active: Mutex::new(HashMap::new()),
            jwks: Mutex::new(HashMap::new()),
        }
    }

    /// Starts a sign-in in the browser or by device code; its progress arrives as events.
    pub async fn start(self: &Arc<Self>, request: &ConnectRequest) -> Result<FlowUpdate, Error> {
        match request.method {
            ConnectMethod::Browser => browser_flow::start(self, request).await,
            ConnectMethod::DeviceCode => device_flow::start(self, request).await,
        }
    }

    /// The sign-in that re-authorizes connection `id`: the same account again, asking for the
    /// products it has (the flow adds what they need), in the browser where the provider offers
    /// it, else by device code. The window builds the same request (`reauthorizeRequest` in
    /// ui/src/integrations/connection/status.ts).
    pub fn reauthorization(&self, id: ConnectionId) -> Result<ConnectRequest, Error> {
        let connection = self.store.get(id)?;
        if !matches!(connection.auth_kind, AuthKind::Oauth2 | AuthKind::DeviceCode) {
            return Err(Error::NotSignedIn {
                name: super::store::display_name(&connection),
            });
        }
        let provider = self.context.provider(&connection.provider)?;
        let method = if provider.auth.contains(&AuthKind::Oauth2) {
            ConnectMethod::Browser
        } else if provider.auth.contains(&AuthKind::DeviceCode) {
            ConnectMethod::DeviceCode
        } else {
            return Err(Error::NotSignedIn {
                name: super::store::display_name(&connection),
            });
        };
        Ok(ConnectRequest {
            provider: connection.provider.clone(),
            products: connection.products.clone(),
            method,
            redirect: None,
            connection: Some(id),
            scopes: vec![],
        })
    }

    /// Connects with a pasted key or token, verified with the provider before it is saved.
    pub async fn connect_with_credentials(&self, request: &CredentialsRequest) -> Result<Connection, Error> {
        let connection = credentials::connect_with_credentials(self, request).await?;
        self.notifier.changed();
        Ok(connection)
    }

    /// Cautions about what was typed in a key form, before it is submitted.
    pub fn credential_warnings(&self, provider: &str, values: &BTreeMap<String, String>) -> Result<Vec<String>, Error> {
        Ok(credentials::credential_warnings(
            self.context.provider(provider)?,
            values,
        ))
    }

    /// Deep-link sign-ins waiting for their callback: where a deep link is delivered.
    pub fn pending(&self) -> &PendingFlows {
        &self.pending
    }

    /// Stops a sign-in in progress; its waiting ends and it reports `Cancelled`.
    pub fn cancel(&self, flow_id: &str) -> Result<(), Error> {
        let cancel = self.active_flows().get_mut(flow_id).and_then(|flow| flow.cancel.take());
        match cancel {
            Some(cancel) => {
                let _ = cancel.send(());
                Ok(())
            }
            None => Err(Error::SignInEnded),
        }
    }

    /// Opens a sign-in's page in the browser again.
    pub fn reopen(&self, flow_id: &str) -> Result<(), Error> {
        let url = self.active_flows().get(flow_id).map(|flow| flow.url.clone());
        let url = url.ok_or(Error::SignInEnded)?;
        self.open_browser(&url)
    }

    pub(super) fn context(&self) -> &CoreContext {
        &self.context
    }

    pub(super) fn store(&self) -> &ConnectionStore {
        &self.store
    }

    pub(super) fn apps(&self) -> &ProviderApps {
        &self.apps
    }

    pub(super) fn keys(&self) -> &KeyHolder {
        &self.keys
    }

    pub(super) fn settings(&self) -> &SignInSettings {
        &self.settings
    }

    /// Records a new sign-in waiting at `url`; answers its id and what Cancel sends.
    pub(super) fn track(&self, url: &str) -> (String, oneshot::Receiver<()>) {
        let flow_id = random_token();
        let (cancel, cancelled) = oneshot::channel();
        self.active_flows().insert(
            flow_id.clone(),
            ActiveFlow {
                url: url.to_owned(),
                cancel: Some(cancel),
            },
        );
        (flow_id, cancelled)
    }

    /// The signing-key cache for `uri`, shared by every sign-in with that provider.
    pub(super) fn jwks(&self, uri: &str) -> Arc<JwksCache> {
        let mut caches = self.jwks.lock().unwrap_or_else(PoisonError::into_inner);
        caches
            .entry(uri.to_owned())
            .or_insert_with(|| Arc::new(JwksCache::new(uri)))
            .clone()
    }

    /// Reports a step of a sign-in; one that ended is forgotten.
    pub(super) fn publish_flow(&self, flow_id: &str, provider: &str, state: FlowState) {
        if !matches!(
            state,
            FlowState::WaitingForBrowser { .. } | FlowState::WaitingForDeviceCode { .. } | FlowState::Finishing
        ) {
            self.active_flows().remove(flow_id);
        }
        let connected = matches!(state, FlowState::Connected { .. });
        self.notifier.flow(FlowUpdate {
            flow_id: flow_id.to_owned(),
            provider: ProviderId::from(provider),
            state,
        });
        if connected {
            self.notifier.changed();
        }
    }

    pub(super) fn open_browser(&self, url: &str) -> Result<(), Error> {
        (self.settings.browser)(url).map_err(|reason| {
            tracing::warn!(%reason, "could not open the browser");
            Error::BrowserUnavailable(reason)
        })
    }

    fn active_flows(&self) -> MutexGuard<'_, HashMap<String, ActiveFlow>> {
        self.active.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
