//! `switchboard-cli actions`, `run` and `policy`: the action catalogue, running one action
//! through the executor, and the person's allow / ask / deny. Without `--yes`, a run that must
//! ask prints the exact request it would send and sends nothing (exit 0: nothing failed).

use std::path::Path;

use switchboard_core::ids::ConnectionId;
use switchboard_core::tools::{ActionInfo, Consent, Policy, RunOutcome, RunRequest, SideEffect};

use crate::connect::{block_on, open_core};
use crate::report::{print_json, said};

/// A policy as `policy` takes it: one of the three, or `default` to forget the choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PolicyChoice {
    Allow,
    Ask,
    Deny,
    Default,
}

pub fn list(
    product: Option<&str>,
    connection: Option<ConnectionId>,
    overrides: Option<&Path>,
    json: bool,
) -> Result<(), String> {
    let (services, _events) = open_core(overrides, false)?;
    let actions = services.actions.actions(product, connection).map_err(said)?;
    if json {
        return print_json(&actions);
    }
    for action in &actions {
        print_action(action);
    }
    Ok(())
}

fn print_action(action: &ActionInfo) {
    let meta = &action.meta;
    let effect = match meta.side_effect {
        SideEffect::Read => "read",
        SideEffect::Write => "write",
        SideEffect::Destructive => "destructive",
    };
    println!(
        "{:<34} {:<12} {:<6} {}",
        meta.id,
        effect,
        action.policy.as_str(),
        meta.title
    );
    if !action.missing_scopes.is_empty() {
        println!("{:<34} needs more access: {}", "", action.missing_scopes.join(" "));
    }
}

pub struct RunArgs<'a> {
    pub action: String,
    pub connection: Option<ConnectionId>,
    pub arguments: &'a str,
    pub yes: bool,
}

pub fn run(args: RunArgs<'_>, overrides: Option<&Path>, json: bool) -> Result<(), String> {
    let arguments: serde_json::Value =
        serde_json::from_str(args.arguments).map_err(|error| format!("--args is not JSON: {error}"))?;
    let request = RunRequest {
        action: args.action,
        connection_id: args.connection,
        arguments,
    };
    let consent = if args.yes { Consent::Approved } else { Consent::NotYet };
    block_on(async {
        let (services, _events) = open_core(overrides, false)?;
        let outcome = services.actions.run(&request, consent).await.map_err(said)?;
        if json {
            return print_json(&outcome);
        }
        match outcome {
            RunOutcome::Done(result) => {
                println!("{}", result.summary);
                if let Some(link) = result.link {
                    println!("{link}");
                }
            }
            RunOutcome::NeedsApproval(pending) => {
                let request = &pending.request;
                println!("{} on {} would send:", pending.title, pending.connection_name);
                println!(
                    "{} {}",
                    serde_json::to_value(request.method)
                        .unwrap_or_default()
                        .as_str()
                        .unwrap_or("?"),
                    request.url
                );
                for (name, value) in &request.headers {
                    println!("{name}: {value}");
                }
                if let Some(body) = &request.body {
                    println!("\n{body}");
                }
                println!("\nNothing was sent. Run again with --yes to send it.");
            }
        }
        Ok(())
    })
}

pub fn policy(
    action: &str,
    connection: Option<ConnectionId>,
    choice: PolicyChoice,
    overrides: Option<&Path>,
) -> Result<(), String> {
    let (services, _events) = open_core(overrides, false)?;
    let policy = match choice {
        PolicyChoice::Allow => Some(Policy::Allow),
        PolicyChoice::Ask => Some(Policy::Ask),
        PolicyChoice::Deny => Some(Policy::Deny),
        PolicyChoice::Default => None,
    };
    services.actions.set_policy(action, connection, policy).map_err(said)?;
    let scope = connection.map_or_else(|| "every account".to_owned(), |id| format!("connection {id}"));
    let said_policy = policy.map_or("the default", Policy::as_str);
    println!("{action} on {scope}: {said_policy}");
    Ok(())
}
