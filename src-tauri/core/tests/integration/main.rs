//! switchboard-core's integration tests, one binary: the core against a real SQLite file, the
//! real keyring (gnome-keyring under tests/session.sh), real OAuth servers and provider API
//! doubles on loopback, and switchboard-cli as a script runs it. Tests that need a process of
//! their own (a locked keyring, no session bus, a process killed mid-refresh) are the other
//! files in `tests/`.

mod support;

mod actions_calendar;
mod actions_confluence;
mod actions_connections;
mod actions_drive;
mod actions_drive_upload;
mod actions_executor;
mod actions_github;
mod actions_gmail;
mod actions_jira;
mod actions_notion_telegram;
mod actions_sheets;
mod actions_slack;
mod actions_supabase;
mod actions_telegram_updates;
mod api_doubles;
mod assistant_memory;
mod assistant_model;
mod assistant_model_faults;
mod assistant_runs;
mod assistant_states;
mod atlassian_api_token;
mod bindings;
mod built_in_clients;
mod cli;
mod cli_actions;
mod cli_browse;
mod cli_chat;
mod cli_connect;
mod cli_connection;
mod connect_id_token;
mod connect_oidc;
mod connect_oidc_refusals;
mod connect_providers;
mod connect_refresh;
mod connect_refresh_failures;
mod connect_refresh_processes;
mod connect_slack;
mod connection_damaged_secret;
mod connection_delete;
mod connection_operations;
mod connection_writes;
mod database;
mod database_files;
mod first_run;
mod kill_trials;
mod model_settings;
mod oauth_device;
mod oauth_faults;
mod oauth_oidc;
mod renewal_storage;
mod renewal_storage_retries;
mod resources_github;
mod resources_google;
mod resources_providers;
mod token_reads;
mod vault_keyring;
