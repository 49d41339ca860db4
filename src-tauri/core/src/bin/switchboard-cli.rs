//! `switchboard-cli`: Switchboard's core from the command line, for scripts and tests.
//! Exit codes: 0 ok, 1 failure (one line on stderr), 2 usage.

#[path = "cli/browse.rs"]
mod browse;
#[path = "cli/connect.rs"]
mod connect;
#[path = "cli/connection.rs"]
mod connection;

use std::path::PathBuf;
use std::process::ExitCode;

use browse::BrowseArgs;
use connect::ConnectArgs;
use connection::Operation;

use switchboard_core::catalog::{AuthKind, Catalog};
use switchboard_core::doctor::{run_doctor, DatabaseCheck, DoctorReport};
use switchboard_core::paths::AppPaths;
use switchboard_core::resources::ListRequest;
use switchboard_core::scheme::SchemeRegistration;
use switchboard_core::vault::KeyStorageStatus;

const USAGE: &str = "usage: switchboard-cli <command> [options]

commands:
  providers [--json]       list the providers Switchboard can connect to
  doctor [--json]          check the data directory, database, keyring and deep-link scheme
  connect <provider> [--products a,b] [--no-browser] [--overrides FILE] [--json]
                           sign in (the authorization URL is printed first), then print the connection
  connections [--provider P] [--overrides FILE] [--json]
                           list connected accounts (all, or one provider's)
  connection <id> <op> [--overrides FILE] [--json]
                           one connection: get | enable | disable | refresh | test | rename <label> | delete
                           (rename \"\" removes the label; delete revokes at the provider first;
                           a failed test exits 1)
  audit [--connection ID] [--jsonl] [--overrides FILE]
                           the audit log, oldest first; --jsonl prints one JSON object per line
  browse <connection> <kind> [--parent ID] [--search TEXT] [--filter F] [--refresh] [--overrides FILE] [--json]
                           list what a picker shows: kinds are drive.file, drive.folder,
                           sheets.spreadsheet, sheets.sheet, calendar.calendar, github.repo,
                           github.branch, github.file, supabase.table, supabase.column,
                           slack.channel, slack.user, jira.site, jira.project, jira.issue;
                           a row's `> X` is the --parent that opens it";

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
        provider: Option<String>,
        overrides: Option<PathBuf>,
        json: bool,
    },
    Connection {
        id: i64,
        operation: Operation,
        overrides: Option<PathBuf>,
        json: bool,
    },
    Audit {
        connection: Option<i64>,
        overrides: Option<PathBuf>,
        jsonl: bool,
    },
    Browse {
        args: BrowseArgs,
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
        Command::Connections {
            provider,
            overrides,
            json,
        } => connect::connections(overrides.as_deref(), provider.as_deref(), json),
        Command::Connection {
            id,
            operation,
            overrides,
            json,
        } => connection::run(id, operation, overrides.as_deref(), json),
        Command::Audit {
            connection,
            overrides,
            jsonl,
        } => connection::audit(connection, overrides.as_deref(), jsonl),
        Command::Browse { args, overrides, json } => browse::browse(args, overrides.as_deref(), json),
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
    let (options, positional) = Options::read(rest)?;
    let allowed: &[&str] = match name.as_str() {
        "connect" => &["--json", "--no-browser", "--products", "--overrides"],
        "connections" => &["--json", "--provider", "--overrides"],
        "connection" => &["--json", "--overrides"],
        "audit" => &["--jsonl", "--connection", "--overrides"],
        "browse" => &["--json", "--parent", "--search", "--filter", "--refresh", "--overrides"],
        _ => &["--json"],
    };
    if let Some(flag) = options.given.iter().find(|flag| !allowed.contains(flag)) {
        return Err(format!("{name} does not take {flag}"));
    }
    match (name.as_str(), positional.as_slice()) {
        ("providers", []) => Ok(Command::Providers { json: options.json }),
        ("doctor", []) => Ok(Command::Doctor { json: options.json }),
        ("connections", []) => Ok(Command::Connections {
            provider: options.provider,
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
        ("connection", [id, op, rest @ ..]) => Ok(Command::Connection {
            id: connection_id(id)?,
            operation: Operation::parse(op, rest)?,
            overrides: options.overrides,
            json: options.json,
        }),
        ("connection", _) => Err("connection needs an id and an operation, e.g. `connection 3 test`".into()),
        ("audit", []) => Ok(Command::Audit {
            connection: options.connection.as_deref().map(connection_id).transpose()?,
            overrides: options.overrides,
            jsonl: options.jsonl,
        }),
        ("browse", [id, kind]) => Ok(Command::Browse {
            args: BrowseArgs {
                request: ListRequest {
                    connection: connection_id(id)?,
                    kind: kind.clone(),
                    location: options.parent,
                    search: options.search,
                    filter: options.filter,
                    refresh: options.refresh,
                },
            },
            overrides: options.overrides,
            json: options.json,
        }),
        ("browse", _) => Err("browse needs a connection id and a kind, e.g. `browse 3 drive.file`".into()),
        ("help" | "--help" | "-h", []) => Ok(Command::Help),
        ("providers" | "doctor" | "connections" | "connect" | "audit", [extra, ..]) => {
            Err(format!("unexpected argument `{extra}`"))
        }
        (other, _) => Err(format!("unknown command `{other}`")),
    }
}

fn connection_id(text: &str) -> Result<i64, String> {
    text.parse()
        .ok()
        .filter(|id: &i64| *id > 0)
        .ok_or_else(|| format!("`{text}` is not a connection id (see `connections`)"))
}

#[derive(Default)]
struct Options {
    /// The flags given, as typed, to check them against the command.
    given: Vec<&'static str>,
    json: bool,
    jsonl: bool,
    no_browser: bool,
    products: Option<String>,
    overrides: Option<PathBuf>,
    provider: Option<String>,
    connection: Option<String>,
    parent: Option<String>,
    search: Option<String>,
    filter: Option<String>,
    refresh: bool,
}

impl Options {
    /// Flags (anywhere on the line) apart from positional arguments.
    fn read(args: &[String]) -> Result<(Self, Vec<String>), String> {
        let mut options = Self::default();
        let mut positional = Vec::new();
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            let mut value = |flag: &str| rest.next().cloned().ok_or(format!("{flag} needs a value"));
            let flag = match arg.as_str() {
                "--json" => {
                    options.json = true;
                    "--json"
                }
                "--jsonl" => {
                    options.jsonl = true;
                    "--jsonl"
                }
                "--no-browser" => {
                    options.no_browser = true;
                    "--no-browser"
                }
                "--products" => {
                    options.products = Some(value("--products")?);
                    "--products"
                }
                "--overrides" => {
                    options.overrides = Some(PathBuf::from(value("--overrides")?));
                    "--overrides"
                }
                "--provider" => {
                    options.provider = Some(value("--provider")?);
                    "--provider"
                }
                "--connection" => {
                    options.connection = Some(value("--connection")?);
                    "--connection"
                }
                "--parent" => {
                    options.parent = Some(value("--parent")?);
                    "--parent"
                }
                "--search" => {
                    options.search = Some(value("--search")?);
                    "--search"
                }
                "--filter" => {
                    options.filter = Some(value("--filter")?);
                    "--filter"
                }
                "--refresh" => {
                    options.refresh = true;
                    "--refresh"
                }
                flag if flag.starts_with("--") => return Err(format!("unexpected argument `{flag}`")),
                _ => {
                    positional.push(arg.clone());
                    continue;
                }
            };
            options.given.push(flag);
        }
        Ok((options, positional))
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
