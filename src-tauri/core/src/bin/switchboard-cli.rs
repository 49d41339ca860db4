//! `switchboard-cli`: Switchboard's core from the command line, for scripts and tests.
//! Exit codes: 0 ok, 1 failure (one line on stderr), 2 usage.

use std::process::ExitCode;

use switchboard_core::catalog::{AuthKind, Catalog};
use switchboard_core::doctor::{run_doctor, DatabaseCheck, DoctorReport};
use switchboard_core::paths::AppPaths;
use switchboard_core::scheme::SchemeRegistration;
use switchboard_core::vault::KeyStorageStatus;

const USAGE: &str = "usage: switchboard-cli <command> [--json]

commands:
  providers   list the providers Switchboard can connect to
  doctor      check the data directory, database, keyring and deep-link scheme";

enum Command {
    Providers { json: bool },
    Doctor { json: bool },
    Help,
}

fn main() -> ExitCode {
    let args: Vec<String> = match std::env::args_os().skip(1).map(|arg| arg.into_string()).collect() {
        Ok(args) => args,
        Err(_) => return usage_error("arguments must be valid UTF-8"),
    };
    let command = match parse(&args) {
        Ok(command) => command,
        Err(message) => return usage_error(&message),
    };
    let outcome = match command {
        Command::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Command::Providers { json } => providers(json),
        Command::Doctor { json } => doctor(json),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("switchboard-cli: {reason}");
            ExitCode::from(1)
        }
    }
}

fn parse(args: &[String]) -> Result<Command, String> {
    let (name, rest) = args.split_first().ok_or("no command given")?;
    let json = match rest {
        [] => false,
        [flag] if flag == "--json" => true,
        [other, ..] => return Err(format!("unexpected argument `{other}`")),
    };
    match name.as_str() {
        "providers" => Ok(Command::Providers { json }),
        "doctor" => Ok(Command::Doctor { json }),
        "help" | "--help" | "-h" if rest.is_empty() => Ok(Command::Help),
        other => Err(format!("unknown command `{other}`")),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("switchboard-cli: {message}\n{USAGE}");
    ExitCode::from(2)
}

fn providers(json: bool) -> Result<(), String> {
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

fn doctor(json: bool) -> Result<(), String> {
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

fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|error| format!("could not encode JSON: {error}"))?;
    println!("{text}");
    Ok(())
}
