//! `switchboard-cli model show|set|test|list`: the chat's language model, headless, as Settings ›
//! Chat model does it. A key is read from stdin (never an argument, which other users of the
//! machine can see) and sealed in the vault; it is never printed.

use std::io::BufRead;
use std::path::Path;

use clap::{Subcommand, ValueEnum};
use switchboard_core::llm::model::{
    KeyChange, ModelKind, ModelListRequest, ModelSettings, ModelSettingsInput, DEFAULT_TOKEN_BUDGET,
};

use crate::connect::{block_on, open_core};
use crate::report::{print_json, said};

#[derive(Subcommand)]
pub enum Operation {
    /// The model the chat uses (never its key).
    Show,
    /// Choose the model: built-in (offline), openai (any OpenAI-compatible server) or anthropic.
    Set {
        #[arg(value_enum)]
        kind: KindArg,
        /// The server: up to /v1 for OpenAI-compatible ones (http://127.0.0.1:11434/v1), the
        /// origin for Anthropic (https://api.anthropic.com).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// The model's name (see `model list`).
        #[arg(long, value_name = "NAME")]
        model: Option<String>,
        /// Read the API key from the first line of stdin.
        #[arg(long)]
        key_stdin: bool,
        /// Forget the saved key.
        #[arg(long, conflicts_with = "key_stdin")]
        remove_key: bool,
        /// How much of a conversation the model is sent, in tokens.
        #[arg(long, value_name = "TOKENS")]
        token_budget: Option<u32>,
    },
    /// Send one small request to the model in use; a failure exits 1 saying what is wrong.
    Test,
    /// The models a server offers (with the saved key).
    List {
        #[arg(value_enum)]
        kind: KindArg,
        #[arg(long, value_name = "URL")]
        base_url: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
    BuiltIn,
    Openai,
    Anthropic,
}

impl From<KindArg> for ModelKind {
    fn from(kind: KindArg) -> Self {
        match kind {
            KindArg::BuiltIn => ModelKind::Builtin,
            KindArg::Openai => ModelKind::OpenAiCompatible,
            KindArg::Anthropic => ModelKind::Anthropic,
        }
    }
}

pub fn run(operation: Operation, overrides: Option<&Path>, json: bool) -> Result<(), String> {
    block_on(async {
        let (services, _events) = open_core(overrides, false)?;
        let models = &services.models;
        match operation {
            Operation::Show => {
                let view = models.view().map_err(said)?;
                if json {
                    return print_json(&view);
                }
                println!("In use: {}", view.in_use);
                if view.settings.kind != ModelKind::Builtin {
                    println!("Server: {}", view.settings.base_url);
                    println!("Key: {}", if view.has_key { "saved" } else { "none" });
                }
                println!("Token budget: {}", view.settings.token_budget);
            }
            Operation::Set {
                kind,
                base_url,
                model,
                key_stdin,
                remove_key,
                token_budget,
            } => {
                let key = if key_stdin {
                    let mut line = String::new();
                    std::io::stdin()
                        .lock()
                        .read_line(&mut line)
                        .map_err(|error| format!("could not read the key: {error}"))?;
                    KeyChange::Set {
                        value: line.trim().to_owned(),
                    }
                } else if remove_key {
                    KeyChange::Remove
                } else {
                    KeyChange::Keep
                };
                let before = models.settings().map_err(said)?;
                let input = ModelSettingsInput {
                    settings: ModelSettings {
                        kind: kind.into(),
                        base_url: base_url.unwrap_or_default(),
                        model: model.unwrap_or_default(),
                        token_budget: token_budget.unwrap_or(if before.token_budget > 0 {
                            before.token_budget
                        } else {
                            DEFAULT_TOKEN_BUDGET
                        }),
                    },
                    key,
                };
                let view = models.save(input).map_err(said)?;
                if json {
                    return print_json(&view);
                }
                println!("In use: {}", view.in_use);
            }
            Operation::Test => {
                let report = models.test().await.map_err(said)?;
                if json {
                    return print_json(&report);
                }
                println!(
                    "{} answered in {} ms: {}",
                    report.model, report.latency_ms, report.reply
                );
                if let Some(note) = report.note {
                    println!("{note}");
                }
            }
            Operation::List { kind, base_url } => {
                let request = ModelListRequest {
                    kind: kind.into(),
                    base_url,
                    key: None,
                };
                let names = models.list(request).await.map_err(said)?;
                if json {
                    return print_json(&names);
                }
                for name in names {
                    println!("{name}");
                }
            }
        }
        Ok(())
    })
}
