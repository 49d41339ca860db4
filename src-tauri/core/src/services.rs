//! The services a running core holds once its database is open, each owning its own state and
//! built here in dependency order: the key holder, the connection store, provider apps,
//! sign-ins, token renewal, revocations, connection operations and browsing. Cheap to clone
//! (every field is shared); no field is ever replaced.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::app::CoreOptions;
use crate::catalog::OverrideCredentials;
use crate::connections::scheduler::{Scheduler, SchedulerTiming};
use crate::connections::{
    ConnectionOperations, ConnectionStore, Integration, ProviderApps, RenewalsInFlight, Revocations, SignInSettings,
    SignIns, TokenRenewal,
};
use crate::context::CoreContext;
use crate::error::UserError;
use crate::paths::AppPaths;
use crate::resources::Resources;
use crate::vault::KeyHolder;

#[derive(Clone)]
pub struct Services {
    /// The catalogue, the database, the clock and the event sink they all read.
    pub context: CoreContext,
    pub keys: Arc<KeyHolder>,
    pub store: Arc<ConnectionStore>,
    pub apps: Arc<ProviderApps>,
    pub sign_ins: Arc<SignIns>,
    pub renewal: Arc<TokenRenewal>,
    pub revocations: Arc<Revocations>,
    pub operations: Arc<ConnectionOperations>,
    pub resources: Arc<Resources>,
}

impl Services {
    pub(crate) fn assemble(
        context: CoreContext,
        override_credentials: BTreeMap<String, OverrideCredentials>,
        paths: &AppPaths,
        options: &CoreOptions,
    ) -> Self {
        let keys = Arc::new(KeyHolder::new(options.keyring_slot.clone()));
        let renewing = Arc::new(RenewalsInFlight::default());
        let store = Arc::new(ConnectionStore::new(context.clone(), keys.clone(), renewing.clone()));
        let apps = Arc::new(ProviderApps::new(context.clone(), keys.clone(), override_credentials));
        let sign_ins = Arc::new(SignIns::new(
            context.clone(),
            store.clone(),
            apps.clone(),
            keys.clone(),
            SignInSettings {
                browser: options.browser.clone(),
                callback_timeout: options.callback_timeout,
                request_policy: options.request_policy.clone(),
            },
        ));
        let renewal = Arc::new(TokenRenewal::new(
            context.clone(),
            store.clone(),
            apps.clone(),
            keys.clone(),
            options.request_policy.clone(),
            renewing,
        ));
        let revocations = Arc::new(Revocations::new(
            context.clone(),
            store.clone(),
            apps.clone(),
            keys.clone(),
            options.request_policy.clone(),
        ));
        let operations = Arc::new(ConnectionOperations::new(
            context.clone(),
            store.clone(),
            renewal.clone(),
            revocations.clone(),
            keys.clone(),
            paths.data_dir.join("exports"),
        ));
        let resources = Arc::new(Resources::new(
            context.clone(),
            store.clone(),
            renewal.clone(),
            options.api_policy.clone(),
        ));
        Self {
            context,
            keys,
            store,
            apps,
            sign_ins,
            renewal,
            revocations,
            operations,
            resources,
        }
    }

    /// The Integrations page: each provider with its connections and whether it can connect.
    pub fn integrations(&self) -> Result<Vec<Integration>, UserError> {
        self.apps.integrations(&self.store.list()?)
    }

    /// Runs the background upkeep of connections (renewals, revocation retries); never returns.
    pub async fn keep_connections_healthy(&self, timing: SchedulerTiming) {
        let scheduler = Scheduler {
            context: self.context.clone(),
            keys: self.keys.clone(),
            store: self.store.clone(),
            renewal: self.renewal.clone(),
            revocations: self.revocations.clone(),
        };
        scheduler.run(timing).await
    }
}
