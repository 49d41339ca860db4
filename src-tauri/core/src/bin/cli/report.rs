//! `switchboard-cli providers` and `doctor`: the catalogue, and the checks of the data
//! directory, database, keyring and deep-link scheme, as text or JSON. Neither opens the core.

use switchboard_core::catalog::{AuthKind, BuiltInClients, Catalog, Provider};
use switchboard_core::client_report::{clients_in_use, ClientInUse};
use switchboard_core::doctor::{run_doctor, DatabaseCheck, DoctorReport};
use switchboard_core::paths::AppPaths;
use switchboard_core::scheme::SchemeRegistration;
use switchboard_core::vault::KeyStorageStatus;

/// A provider as `providers --json` lists it: the catalogue's entry and whose client signs in.
#[derive(serde::Serialize)]
struct ProviderLine<'a> {
    #[serde(flatten)]
    provider: &'a Provider,
    client: Option<ClientInUse>,
}

pub fn providers(json: bool) -> Result<(), String> {
    let catalog = Catalog::builtin().map_err(|error| format!("the built-in catalogue is invalid: {error}"))?;
    let built_in = BuiltInClients::compiled().map_err(|error| error.to_string())?;
    let paths = AppPaths::resolve().map_err(|error| error.to_string())?;
    let clients = clients_in_use(&paths, &catalog, &built_in).map_err(said)?;
    let lines: Vec<ProviderLine> = catalog
        .providers()
        .iter()
        .map(|provider| ProviderLine {
            provider,
            client: clients.get(&provider.id).copied(),
        })
        .collect();
    if json {
        return print_json(&lines);
    }
    for line in lines {
        let provider = line.provider;
        let products: Vec<&str> = provider.products.iter().map(|product| product.name.as_str()).collect();
        let auth: Vec<&str> = provider.auth.iter().map(|kind| auth_label(*kind)).collect();
        println!(
            "{:<10} {:<10} {:<40} {:<32} {}",
            provider.id,
            provider.name,
            products.join(", "),
            auth.join(", "),
            line.client
                .map(|client| format!("client: {}", client_label(client)))
                .unwrap_or_default()
        );
    }
    Ok(())
}

fn client_label(client: ClientInUse) -> &'static str {
    match client {
        ClientInUse::YourApp => "your app",
        ClientInUse::BuiltIn => "built in",
        ClientInUse::None => "none (set up your own app)",
    }
}

pub fn doctor(json: bool) -> Result<(), String> {
    let paths = AppPaths::resolve().map_err(|error| error.to_string())?;
    let report = run_doctor(&paths);
    if json {
        print_json(&report)?;
    } else {
        print_report(&report);
    }
    match report.problems().as_slice() {
        [] => Ok(()),
        problems => Err(problems.join("; ")),
    }
}

fn print_report(report: &DoctorReport) {
    let database = match &report.database {
        DatabaseCheck::NotCreated => "not created yet (made when Switchboard first starts)".to_owned(),
        DatabaseCheck::Ok => "ok".to_owned(),
        DatabaseCheck::Damaged { reason } => format!("DAMAGED: {reason}"),
    };
    let keyring = match &report.keyring {
        KeyStorageStatus::Ready { backend } => format!("ok, master key present ({backend})"),
        KeyStorageStatus::NoKeyYet { backend } => format!("ok, no master key yet ({backend})"),
        KeyStorageStatus::Unavailable { reason, .. } => format!("UNAVAILABLE: {reason}"),
    };
    let scheme = match &report.deep_link_scheme {
        SchemeRegistration::Registered { handler } => format!("registered ({handler})"),
        SchemeRegistration::NotRegistered => "NOT REGISTERED".to_owned(),
        SchemeRegistration::Unavailable { reason } => format!("UNAVAILABLE: {reason}"),
        SchemeRegistration::Unknown { reason } => format!("unknown: {reason}"),
    };
    println!("data dir:     {}", report.data_dir);
    println!("database:     {} — {database}", report.database_file);
    println!("keyring:      {keyring}");
    println!("deep links:   {}:// {scheme}", switchboard_core::DEEP_LINK_SCHEME);
    let clients: Vec<String> = report
        .clients
        .iter()
        .map(|(provider, client)| format!("{provider}: {}", client_label(*client)))
        .collect();
    println!("oauth apps:   {}", clients.join(", "));
}

fn auth_label(kind: AuthKind) -> &'static str {
    match kind {
        AuthKind::Oauth2 => "OAuth",
        AuthKind::DeviceCode => "device code",
        AuthKind::ApiKey => "API key",
        AuthKind::BotToken => "bot token",
    }
}

/// How an error reads to a person: the CLI's one line on stderr, as the window's message.
pub fn said(error: impl Into<switchboard_core::error::UserError>) -> String {
    error.into().message
}

/// Pretty JSON on stdout.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|error| format!("could not encode JSON: {error}"))?;
    println!("{text}");
    Ok(())
}
