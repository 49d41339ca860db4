//! `switchboard-cli`: Switchboard's core from the command line, for scripts and tests. The
//! commands, their help and the values they accept come from clap and the core's data (the
//! catalogue's providers, the browsable kinds). Exit codes: 0 ok, 1 failure (one line on
//! stderr), 2 usage.

#[path = "cli/actions.rs"]
mod actions;
#[path = "cli/browse.rs"]
mod browse;
#[path = "cli/chat.rs"]
mod chat;
#[path = "cli/connect.rs"]
mod connect;
#[path = "cli/connection.rs"]
mod connection;
#[path = "cli/model.rs"]
mod model;
#[path = "cli/report.rs"]
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Args, Parser, Subcommand};

use switchboard_core::catalog::Catalog;
use switchboard_core::ids::ConnectionId;
use switchboard_core::resources::{all_kinds, ListRequest};

const EXIT_CODES: &str = "Exit codes: 0 all well, 1 a failure (one line on stderr says why), 2 a usage error.";

#[derive(Parser)]
#[command(
    name = "switchboard-cli",
    about = "Switchboard's core from the command line: the app's data directory and keyring, without a window.",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the core reads provider overrides from (see the README's "Overrides file").
#[derive(Args)]
struct Overrides {
    /// A TOML file pointing providers' endpoints, API bases or client elsewhere.
    #[arg(long, value_name = "FILE", global = true)]
    overrides: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// List the providers Switchboard can connect to.
    Providers {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Check the data directory, database, keyring and deep-link scheme, changing nothing.
    Doctor {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Sign in in the browser (the authorization URL is printed first), then print the connection.
    Connect {
        #[arg(help = provider_help())]
        provider: String,
        /// The products to connect (default: all of the provider's).
        #[arg(long, value_delimiter = ',', value_name = "A,B")]
        products: Vec<String>,
        /// Print the URL without opening it.
        #[arg(long)]
        no_browser: bool,
        #[command(flatten)]
        overrides: Overrides,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List connected accounts (all, or one provider's).
    Connections {
        #[arg(long, help = provider_help())]
        provider: Option<String>,
        #[command(flatten)]
        overrides: Overrides,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// One connection: get, enable, disable, refresh, test (a failed test exits 1), rename,
    /// reauthorize (sign in again) or delete (revoking at the provider first).
    Connection {
        /// The connection's id (see `connections`).
        #[arg(value_parser = connection_id, value_name = "ID")]
        id: ConnectionId,
        #[command(subcommand)]
        operation: connection::Operation,
        #[command(flatten)]
        overrides: Overrides,
        /// Print JSON instead of text.
        #[arg(long, global = true)]
        json: bool,
    },
    /// The audit log, oldest first.
    Audit {
        /// Only this connection's entries.
        #[arg(long, value_parser = connection_id, value_name = "ID")]
        connection: Option<ConnectionId>,
        #[command(flatten)]
        overrides: Overrides,
        /// One JSON object per line.
        #[arg(long)]
        jsonl: bool,
    },
    /// List the actions Switchboard can run (all, one product's, or those a connection can run).
    Actions {
        /// Only this product's actions (e.g. gmail, github).
        #[arg(long, value_name = "P")]
        product: Option<String>,
        /// Only what this connection can run, with its policies and missing access.
        #[arg(long, value_parser = connection_id, value_name = "ID")]
        connection: Option<ConnectionId>,
        #[command(flatten)]
        overrides: Overrides,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run an action. A write (or anything set to ask) prints the exact request it would send
    /// and sends nothing unless --yes is given.
    Run {
        /// The action's id (see `actions`).
        action: String,
        /// The connection to run it on (default: the only one that can).
        #[arg(long, value_parser = connection_id, value_name = "ID")]
        connection: Option<ConnectionId>,
        /// The arguments, a JSON object (see the action's schema in `actions --json`).
        #[arg(long, value_name = "JSON", default_value = "{}")]
        args: String,
        /// Approve it: send without showing the request first.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        overrides: Overrides,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Choose whether an action runs, asks first or never runs (on one connection, or every
    /// account). A destructive action always asks.
    Policy {
        /// The action's id (see `actions`).
        action: String,
        /// Only on this connection.
        #[arg(long, value_parser = connection_id, value_name = "ID")]
        connection: Option<ConnectionId>,
        #[arg(value_enum)]
        choice: actions::PolicyChoice,
        #[command(flatten)]
        overrides: Overrides,
    },
    /// Show what the built-in planner makes of a request: the action, the parameters it
    /// filled, what it would look up or still ask. Runs nothing.
    Plan {
        /// The request, as you would write it in the chat.
        request: String,
        /// Read dates against this time (e.g. 2026-03-11T10:00-04:00[America/New_York]).
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// A conversation in the terminal: the chat's runs, each card a prompt; an approval shows
    /// the exact request and asks y/n.
    Chat {
        /// Go on with this conversation (default: a new one).
        #[arg(long, value_name = "ID")]
        conversation: Option<i64>,
        #[command(flatten)]
        overrides: Overrides,
    },
    /// The chat's language model: show it, set it (a key from stdin), test it, list a server's models.
    Model {
        #[command(subcommand)]
        operation: model::Operation,
        #[command(flatten)]
        overrides: Overrides,
        /// Print JSON instead of text.
        #[arg(long, global = true)]
        json: bool,
    },
    /// List what a picker shows, a row per line as the provider's pages arrive; a row's `> X`
    /// is the --parent that opens it.
    Browse {
        /// The connection's id (see `connections`).
        #[arg(value_parser = connection_id, value_name = "CONNECTION")]
        connection: ConnectionId,
        #[arg(help = kind_help())]
        kind: String,
        /// The place to open (a row's `>` target).
        #[arg(long, value_name = "ID")]
        parent: Option<String>,
        /// Only what matches this text (the provider's search where it has one).
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// One of the kind's filters (file types, public or private channels…).
        #[arg(long, value_name = "F")]
        filter: Option<String>,
        /// Ask the provider again instead of the minute-old copy.
        #[arg(long)]
        refresh: bool,
        #[command(flatten)]
        overrides: Overrides,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// A connection id as `connections` prints it.
fn connection_id(text: &str) -> Result<ConnectionId, String> {
    text.parse()
        .ok()
        .filter(|id: &i64| *id > 0)
        .map(ConnectionId)
        .ok_or_else(|| format!("`{text}` is not a connection id (see `connections`)"))
}

/// The catalogue's providers, for the help (overrides cannot add one). An unknown provider is
/// the core's to refuse, as a failure (exit 1) naming it, not a usage error.
fn provider_help() -> String {
    let ids: Vec<String> = Catalog::builtin()
        .map(|catalog| {
            catalog
                .providers()
                .iter()
                .map(|provider| provider.id.to_string())
                .collect()
        })
        .unwrap_or_default();
    format!("The provider: {}", ids.join(", "))
}

/// The kinds of resources there are to browse, for the help; as with providers, an unknown
/// kind is the core's to refuse.
fn kind_help() -> String {
    let ids: Vec<String> = all_kinds().into_iter().map(|kind| kind.id).collect();
    format!("What to list: {}", ids.join(", "))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage(error),
    };
    let outcome = match cli.command {
        Command::Providers { json } => report::providers(json),
        Command::Doctor { json } => report::doctor(json),
        Command::Connect {
            provider,
            products,
            no_browser,
            overrides,
            json,
        } => {
            let args = connect::ConnectArgs {
                provider,
                products,
                open_browser: !no_browser,
            };
            connect::connect(args, overrides.overrides.as_deref(), json)
        }
        Command::Connections {
            provider,
            overrides,
            json,
        } => connect::connections(overrides.overrides.as_deref(), provider.as_deref(), json),
        Command::Connection {
            id,
            operation,
            overrides,
            json,
        } => connection::run(id, operation, overrides.overrides.as_deref(), json),
        Command::Audit {
            connection,
            overrides,
            jsonl,
        } => connection::audit(connection, overrides.overrides.as_deref(), jsonl),
        Command::Actions {
            product,
            connection,
            overrides,
            json,
        } => actions::list(product.as_deref(), connection, overrides.overrides.as_deref(), json),
        Command::Run {
            action,
            connection,
            args,
            yes,
            overrides,
            json,
        } => {
            let run = actions::RunArgs {
                action,
                connection,
                arguments: &args,
                yes,
            };
            actions::run(run, overrides.overrides.as_deref(), json)
        }
        Command::Policy {
            action,
            connection,
            choice,
            overrides,
        } => actions::policy(&action, connection, choice, overrides.overrides.as_deref()),
        Command::Plan { request, now, json } => chat::plan(&request, now.as_deref(), json),
        Command::Chat {
            conversation,
            overrides,
        } => chat::chat(conversation, overrides.overrides.as_deref()),
        Command::Model {
            operation,
            overrides,
            json,
        } => model::run(operation, overrides.overrides.as_deref(), json),
        Command::Browse {
            connection,
            kind,
            parent,
            search,
            filter,
            refresh,
            overrides,
            json,
        } => {
            let request = ListRequest {
                connection,
                kind,
                location: parent,
                search,
                filter,
                refresh,
            };
            browse::browse(&request, overrides.overrides.as_deref(), json)
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("switchboard-cli: {reason}");
            ExitCode::from(1)
        }
    }
}

/// Help asked for goes to stdout (exit 0); a usage error is a reason and the usage on stderr
/// (exit 2).
fn usage(error: clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprintln!("switchboard-cli: no command given\n\n{}", error.render());
            ExitCode::from(2)
        }
        _ => {
            let rendered = error.render().to_string();
            let reason = rendered.strip_prefix("error: ").unwrap_or(&rendered);
            eprint!("switchboard-cli: {reason}");
            ExitCode::from(2)
        }
    }
}
