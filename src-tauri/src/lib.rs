//! The Tauri shell: wires plugins (single-instance first), state and commands, and nothing
//! else. Every decision lives in `switchboard-core`.

mod commands;
mod deep_link;
mod events;
mod state;
mod web_process;

pub use web_process::configure_web_process;

use tauri_plugin_deep_link::DeepLinkExt;

use crate::events::EventHub;
use crate::state::AppState;

/// Forgets the last run's session-only connections and checks the rest against the keyring's
/// key, off the start-up path (it asks the keyring over D-Bus).
fn reconcile_connections_in_background(app: &tauri::AppHandle) {
    use tauri::Manager;
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let Ok(services) = app.state::<AppState>().services().cloned() else {
            return;
        };
        if let Err(error) = services.check_connections_at_start() {
            tracing::warn!(%error, "could not check connections at start");
        }
    });
}

/// The background renewals, retries and revocation retries (core's scheduler), started once.
/// It waits for the key, so it never asks the keyring itself.
fn keep_connections_healthy(app: &tauri::AppHandle) {
    use tauri::Manager;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let Ok(services) = app.state::<AppState>().services().cloned() else {
            return;
        };
        let timing = switchboard_core::connections::scheduler::SchedulerTiming::standard();
        services.keep_connections_healthy(timing).await;
    });
}

/// The chat's runs resuming when a connection lands (core's assistant), started once.
fn keep_runs_moving(app: &tauri::AppHandle) {
    use tauri::Manager;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let Ok(services) = app.state::<AppState>().services().cloned() else {
            return;
        };
        services.keep_runs_moving().await;
    });
}

/// On quit: renewed sign-ins the database refused are only in memory, and the provider has
/// already spent the stored refresh token; try a little longer to save them, and log what is
/// lost (its connection then asks to be connected again).
fn save_before_quitting(app: &tauri::AppHandle) {
    use tauri::Manager;
    let Ok(services) = app.state::<AppState>().services().cloned() else {
        return;
    };
    let within = std::time::Duration::from_secs(10);
    for problem in tauri::async_runtime::block_on(services.renewal.save_before_exit(within)) {
        tracing::error!(%problem, "not saved before Switchboard quit");
    }
}

pub fn run() {
    switchboard_core::paths::restrict_new_files_to_owner();
    let events = EventHub::default();
    let state = AppState::start(events.clone());
    let app = tauri::Builder::default()
        // Must come first: a second launch (e.g. by a deep link) forwards its arguments here and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            deep_link::bring_to_front(app)
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .manage(events)
        .setup(|app| {
            let handle = app.handle().clone();
            app.deep_link()
                .on_open_url(move |event| deep_link::receive(&handle, event.urls()));
            deep_link::receive_launch_url(app.handle());
            deep_link::register_scheme_in_background(app.handle());
            reconcile_connections_in_background(app.handle());
            keep_connections_healthy(app.handle());
            keep_runs_moving(app.handle());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::events::subscribe_events,
            commands::integrations::list_providers,
            commands::connections::list_integrations,
            commands::connections::start_connect,
            commands::connections::cancel_connect,
            commands::connections::open_flow_in_browser,
            commands::connections::connect_with_credentials,
            commands::connections::credential_warnings,
            commands::connections::provider_setup,
            commands::connections::save_provider_setup,
            commands::connections::use_session_only_key,
            commands::connections::refresh_connection,
            commands::connections::test_connection,
            commands::connections::set_connection_enabled,
            commands::connections::rename_connection,
            commands::connections::delete_connection,
            commands::connections::connection_audit,
            commands::connections::export_audit,
            commands::connections::pending_revocations,
            commands::actions::list_actions,
            commands::actions::run_action,
            commands::actions::decline_action,
            commands::actions::set_action_policy,
            commands::actions::open_link,
            commands::chat::list_conversations,
            commands::chat::create_conversation,
            commands::chat::rename_conversation,
            commands::chat::delete_conversation,
            commands::chat::conversation_messages,
            commands::chat::send_message,
            commands::chat::answer_card,
            commands::chat::stop_run,
            commands::chat::stop_conversation,
            commands::chat::chat_suggestions,
            commands::resources::resource_kinds,
            commands::resources::list_resources,
            commands::resources::cancel_listing,
            commands::settings::settings_overview,
            commands::settings::list_notices,
            commands::settings::dismiss_notice,
            commands::settings::should_welcome,
            commands::settings::finish_welcome,
            commands::settings::set_overrides_file,
            commands::settings::restart_app,
            commands::model::model_settings,
            commands::model::save_model_settings,
            commands::model::list_models,
            commands::model::test_model,
            commands::model::find_local_model_server,
        ])
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                save_before_quitting(app);
            }
        }),
        Err(error) => {
            tracing::error!(%error, "Switchboard could not start");
            eprintln!("switchboard: could not start: {error}");
            std::process::exit(1);
        }
    }
}
