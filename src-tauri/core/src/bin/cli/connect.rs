//! `switchboard-cli connect` and `connections`: the connector without a window. `connect`
//! prints the authorization URL as its first line, waits for the loopback callback, then
//! prints the connection; `connections` lists them (all, or one provider's). The connector
//! built here is shared with `connection` and `audit`.

use std::path::Path;
use std::sync::{Arc, Mutex};

use switchboard_core::app_events::AppEvent;
use switchboard_core::browser::{open_url, system_open};
use switchboard_core::catalog::{load_overrides, Catalog, RedirectKind};
use switchboard_core::clock::SystemClock;
use switchboard_core::connections::{
    browser_flow, ConnectMethod, ConnectRequest, Connection, Connector, ConnectorConfig, FlowState,
};
use switchboard_core::db::Database;
use switchboard_core::paths::AppPaths;
use switchboard_core::vault::KeyringSlot;
use tokio::sync::mpsc;

pub struct ConnectArgs {
    pub provider: String,
    pub products: Vec<String>,
    pub open_browser: bool,
}

/// A connector over the app's own data directory and keyring, with the overrides file if any.
pub(crate) fn connector(
    overrides: Option<&Path>,
    open_browser: bool,
) -> Result<(Arc<Connector>, mpsc::UnboundedReceiver<AppEvent>), String> {
    let paths = AppPaths::resolve().map_err(|error| error.to_string())?;
    paths.prepare().map_err(|error| error.to_string())?;
    let builtin = Catalog::builtin().map_err(|error| format!("the built-in catalogue is invalid: {error}"))?;
    let (catalog, credentials) = match overrides {
        Some(path) => {
            let overridden = load_overrides(&builtin, path).map_err(|error| error.to_string())?;
            (overridden.catalog, overridden.credentials)
        }
        None => (builtin, Default::default()),
    };
    let database = Database::open(&paths.database_file, &SystemClock)
        .map_err(|error| error.to_string())?
        .database;
    let (sender, events) = mpsc::unbounded_channel();
    let mut config = ConnectorConfig::new(
        catalog,
        Arc::new(move |event| {
            let _ = sender.send(event);
        }),
        Arc::new(move |url: &str| {
            if open_browser {
                open_url(url, system_open)
            } else {
                Ok(())
            }
        }),
    );
    config.override_credentials = credentials;
    config.keyring_slot = KeyringSlot::for_paths(&paths);
    let connector = Connector::new(config, Arc::new(Mutex::new(database)));
    connector.reconcile_at_start().map_err(|error| error.message)?;
    Ok((connector, events))
}

/// Runs `work` to its end on a runtime of this thread.
pub(crate) fn block_on<T>(work: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("could not start: {error}"))?;
    runtime.block_on(work)
}

pub fn connect(args: ConnectArgs, overrides: Option<&Path>, json: bool) -> Result<(), String> {
    block_on(async {
        let (connector, mut events) = connector(overrides, args.open_browser)?;
        let request = ConnectRequest {
            provider: args.provider,
            products: args.products,
            method: ConnectMethod::Browser,
            redirect: Some(RedirectKind::Loopback), // the CLI cannot receive deep links
            connection: None,
        };
        let started = browser_flow::start(&connector, &request)
            .await
            .map_err(|error| error.message)?;
        if let FlowState::WaitingForBrowser { authorize_url } = &started.state {
            println!("{authorize_url}");
        }
        eprintln!("Waiting for you to finish signing in in your browser…");
        while let Some(event) = events.recv().await {
            let AppEvent::ConnectFlow(update) = event else { continue };
            match update.state {
                FlowState::Connected { connection } => return print_connections(&[connection], json),
                FlowState::Failed { message, .. } => return Err(message),
                FlowState::Cancelled => return Err("the sign-in was cancelled".into()),
                _ => {}
            }
        }
        Err("the sign-in ended without an answer".into())
    })
}

pub fn connections(overrides: Option<&Path>, provider: Option<&str>, json: bool) -> Result<(), String> {
    let (connector, _events) = connector(overrides, false)?;
    if let Some(provider) = provider {
        connector.provider(provider).map_err(|error| error.message)?;
    }
    let mut listed = connector.list_connections().map_err(|error| error.message)?;
    listed.retain(|connection| provider.is_none_or(|provider| connection.provider == provider));
    print_connections(&listed, json)
}

pub(crate) fn print_connections(connections: &[Connection], json: bool) -> Result<(), String> {
    if json {
        let text =
            serde_json::to_string_pretty(connections).map_err(|error| format!("could not encode JSON: {error}"))?;
        println!("{text}");
        return Ok(());
    }
    for connection in connections {
        let status = connection.status.summary();
        let name = match &connection.label {
            Some(label) => format!("{label} ({})", connection.account_label),
            None => connection.account_label.clone(),
        };
        println!(
            "{:<4} {:<10} {:<32} {:<24} {}",
            connection.id,
            connection.provider,
            name,
            connection.products.join(","),
            status
        );
    }
    Ok(())
}
