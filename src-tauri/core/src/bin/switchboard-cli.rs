//! `switchboard-cli`: Switchboard's core from the command line, for scripts and tests.
//! Exit codes: 0 ok, 1 failure (one line on stderr), 2 usage.

#[path = "cli/connect.rs"]
mod connect;

use std::path::PathBuf;
use std::process::ExitCode;

use connect::ConnectArgs;

use switchboard_core::catalog::{AuthKind, Catalog};
use switchboard_core::doctor::{run_doctor, DatabaseCheck, DoctorReport};
use switchboard_core::paths::AppPaths;
use switchboard_core::scheme::SchemeRegistration;
use switchboard_core::vault::KeyStorageStatus;

const USAGE: &str = "usage: switchboard-cli <command> [options]

commands:
  providers [--json]       list the providers Switchboard can connect to
  doctor [--json]          check the data directory, database, keyring and deep-link scheme
  connect <provider> [--products a,b] [--no-browser] [--overrides FILE] [--json]
                           sign in (the authorization URL is printed first), then print the connection
  connections [--overrides FILE] [--json]
                           list connected accounts";

enum Command {
    Providers {
        json: bool,
    },
    Doctor {
        json: bool,
    },
    Connect {
        args: ConnectArgs,
        overrides: Option<PathBuf>,
        json: bool,
    },
    Connections {
        overrides: Option<PathBuf>,
        json: bool,
    },
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
        Command::Connect { args, overrides, json } => connect::connect(args, overrides.as_deref(), json),
        Command::Connections { overrides, json } => connect::connections(overrides.as_deref(), json),
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
    let mut options = Options::default();
    let mut positional = Vec::new();
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        let mut value = |flag: &str| rest.next().cloned().ok_or(format!("{flag} needs a value"));
        match arg.as_str() {
            "--json" => options.json = true,
            "--no-browser" => options.no_browser = true,
            "--products" => options.products = Some(value("--products")?),
            "--overrides" => options.overrides = Some(PathBuf::from(value("--overrides")?)),
            flag if flag.starts_with("--") => return Err(format!("unexpected argument `{flag}`")),
            _ => positional.push(arg.clone()),
        }
    }
    let only_json = |options: &Options| options.no_browser || options.products.is_some() || options.overrides.is_some();
    match (name.as_str(), positional.as_slice()) {
        ("providers", []) if !only_json(&options) => Ok(Command::Providers { json: options.json }),
        ("doctor", []) if !only_json(&options) => Ok(Command::Doctor { json: options.json }),
        ("connections", []) if !options.no_browser && options.products.is_none() => Ok(Command::Connections {
            overrides: options.overrides,
            json: options.json,
        }),
        ("connect", [provider]) => Ok(Command::Connect {
            args: ConnectArgs {
                provider: provider.clone(),
                products: options
                    .products
                    .map(|list| list.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect())
                    .unwrap_or_default(),
                open_browser: !options.no_browser,
            },
            overrides: options.overrides,
            json: options.json,
        }),
        ("connect", []) => Err("connect needs a provider, e.g. `connect github`".into()),
        ("help" | "--help" | "-h", []) => Ok(Command::Help),
        ("providers" | "doctor" | "connections" | "connect", [extra, ..]) => {
            Err(format!("unexpected argument `{extra}`"))
        }
        ("providers" | "doctor" | "connections", _) => Err(format!("{name} does not take those options")),
        (other, _) => Err(format!("unknown command `{other}`")),
    }
}

#[derive(Default)]
struct Options {
    json: bool,
    no_browser: bool,
    products: Option<String>,
    overrides: Option<PathBuf>,
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
