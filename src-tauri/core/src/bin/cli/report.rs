//! `switchboard-cli providers` and `doctor`: the catalogue, and the checks of the data
//! directory, database, keyring and deep-link scheme, as text or JSON. Neither opens the core.

use switchboard_core::catalog::{AuthKind, Catalog};
use switchboard_core::doctor::{run_doctor, DatabaseCheck, DoctorReport};
use switchboard_core::paths::AppPaths;
use switchboard_core::scheme::SchemeRegistration;
use switchboard_core::vault::KeyStorageStatus;

pub fn providers(json: bool) -> Result<(), String> {
    let catalog = Catalog::builtin().map_err(|error| format!("the built-in catalogue is invalid: {error}"))?;
    if json {
        return print_json(catalog.providers());
    }
    for provider in catalog.providers() {
        let products: Vec<&str> = provider.products.iter().map(|product| product.name.as_str()).collect();
        let auth: Vec<&str> = provider.auth.iter().map(|kind| auth_label(*kind)).collect();
        println!(
            "{:<10} {:<10} {:<40} {}",
            provider.id,
            provider.name,
            products.join(", "),
            auth.join(", ")
        );
    }
    Ok(())
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
