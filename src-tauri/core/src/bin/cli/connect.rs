//! `switchboard-cli connect` and `connections`: signing in and listing without a window.
//! `connect` prints the authorization URL as its first line, waits for the loopback callback,
//! then prints the connection; `connections` lists them (all, or one provider's). The core
//! opened here (`open_core`) is shared with `connection`, `audit` and `browse`, and the sign-in
//! (`sign_in`) with `connection <id> reauthorize`.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use switchboard_core::app_events::AppEvent;
use switchboard_core::browser::{open_url, system_open};
use switchboard_core::catalog::RedirectKind;
use switchboard_core::connections::{ConnectMethod, ConnectRequest, ConnectionView, FlowState};
use switchboard_core::paths::AppPaths;
use switchboard_core::{Core, CoreOptions, OverridesChoice, Services};
use tokio::sync::mpsc;

use crate::report::said;

/// The core a command opened, so that `block_on` saves what its renewals kept before the
/// process ends (`TokenRenewal::save_before_exit`).
static OPENED: Mutex<Option<Services>> = Mutex::new(None);
/// How long a command's end waits for a data folder that refuses writes (each try may wait
/// the database's own busy timeout of 5 s).
const SAVE_BEFORE_EXIT: Duration = Duration::from_secs(20);

pub struct ConnectArgs {
    pub provider: String,
    pub products: Vec<String>,
    pub open_browser: bool,
}

/// The core over the app's own data directory and keyring, with the overrides file if any,
/// checked as the app checks it at start; its events arrive on the receiver.
pub(crate) fn open_core(
    overrides: Option<&Path>,
    open_browser: bool,
) -> Result<(Services, mpsc::UnboundedReceiver<AppEvent>), String> {
    let paths = AppPaths::resolve().map_err(|error| error.to_string())?;
    let (sender, events) = mpsc::unbounded_channel();
    let mut options = CoreOptions::new(
        &paths,
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
    options.overrides = match overrides {
        Some(path) => OverridesChoice::File(path.to_path_buf()),
        None => OverridesChoice::None,
    };
    let core = Core::open(paths, options).map_err(|error| error.to_string())?;
    let services = core.services().map_err(said)?.clone();
    services.store.reconcile_at_start().map_err(said)?;
    *OPENED.lock().unwrap_or_else(PoisonError::into_inner) = Some(services.clone());
    Ok((services, events))
}

/// Runs `work` to its end on a runtime of this thread; then, if it opened the core, saves what
/// its renewals kept in memory (a refused commit) before the process ends, or says what is lost.
pub(crate) fn block_on<T>(work: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("could not start: {error}"))?;
    let outcome = runtime.block_on(work);
    let opened = OPENED.lock().unwrap_or_else(PoisonError::into_inner).take();
    let Some(services) = opened else {
        return outcome;
    };
    let unsaved = runtime.block_on(services.renewal.save_before_exit(SAVE_BEFORE_EXIT));
    if unsaved.is_empty() {
        return outcome;
    }
    let lost = format!(
        "Switchboard could not save to its data folder before this command ended:\n{}\nThe provider has already replaced the saved sign-in: once the data folder takes writes again, connect it again with `switchboard-cli connection <id> reauthorize`.",
        unsaved.join("\n")
    );
    Err(match outcome {
        Ok(_) => lost,
        Err(error) => format!("{error}\n{lost}"),
    })
}

pub fn connect(args: ConnectArgs, overrides: Option<&Path>, json: bool) -> Result<(), String> {
    block_on(async {
        let (services, mut events) = open_core(overrides, args.open_browser)?;
        let request = ConnectRequest {
            provider: args.provider.into(),
            products: args.products,
            method: ConnectMethod::Browser,
            redirect: None,
            connection: None,
            scopes: vec![],
        };
        sign_in(&services, &mut events, request, json).await
    })
}

/// Runs a sign-in to its end: the authorization URL (or the device code and its page) first,
/// then the connection it saved.
pub(crate) async fn sign_in(
    services: &Services,
    events: &mut mpsc::UnboundedReceiver<AppEvent>,
    mut request: ConnectRequest,
    json: bool,
) -> Result<(), String> {
    request.redirect = Some(RedirectKind::Loopback); // the CLI cannot receive deep links
    let started = services.sign_ins.start(&request).await.map_err(said)?;
    match &started.state {
        FlowState::WaitingForBrowser { authorize_url } => {
            println!("{authorize_url}");
            eprintln!("Waiting for you to finish signing in in your browser…");
        }
        FlowState::WaitingForDeviceCode {
            user_code,
            verification_uri,
            ..
        } => {
            println!("{verification_uri}");
            eprintln!("Open that page and enter the code {user_code}; waiting…");
        }
        _ => {}
    }
    while let Some(event) = events.recv().await {
        let AppEvent::ConnectFlow(update) = event else { continue };
        match update.state {
            FlowState::Connected { connection } => return print_connections(&[*connection], json),
            FlowState::Failed { message, .. } => return Err(message),
            FlowState::Cancelled => return Err("the sign-in was cancelled".into()),
            _ => {}
        }
    }
    Err("the sign-in ended without an answer".into())
}

pub fn connections(overrides: Option<&Path>, provider: Option<&str>, json: bool) -> Result<(), String> {
    let (services, _events) = open_core(overrides, false)?;
    if let Some(provider) = provider {
        services.context.provider(provider).map_err(said)?;
    }
    let stored = services.store.list().map_err(said)?;
    let listed: Vec<ConnectionView> = stored
        .iter()
        .filter(|connection| provider.is_none_or(|provider| connection.provider == provider))
        .map(ConnectionView::from)
        .collect();
    print_connections(&listed, json)
}

pub(crate) fn print_connections(connections: &[ConnectionView], json: bool) -> Result<(), String> {
    if json {
        return crate::report::print_json(connections);
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
