//! `switchboard-cli plan` and `chat`. `plan` shows what the offline planner makes of a request
//! (the action, the parameters filled, what it would look up or ask), running nothing. `chat`
//! is a conversation in the terminal over the same runs as the window: each card becomes a
//! prompt, and an approval shows the exact request and asks y/n.

use std::io::{BufRead, Write};
use std::path::Path;

use serde_json::{Map, Value};
use switchboard_core::assistant::{Card, CardAnswer, ChatMessage, Role};
use switchboard_core::connections::{ConnectMethod, ConnectRequest};
use switchboard_core::llm::{OfflinePlanner, Plan, PlanRequest};
use switchboard_core::Services;

use crate::connect::{block_on, open_core, sign_in};
use crate::report::{print_json, said};

pub fn plan(request: &str, now: Option<&str>, json: bool) -> Result<(), String> {
    let now = match now {
        Some(text) => text.parse::<jiff::Zoned>().map_err(|error| {
            format!("--now is not a time with its zone (2026-03-11T10:00-04:00[America/New_York]): {error}")
        })?,
        None => jiff::Zoned::now(),
    };
    let planner = OfflinePlanner::new();
    let plan = planner.plan_now(&PlanRequest {
        text: request.to_owned(),
        now,
        connected: Vec::new(),
        earlier: Vec::new(),
    });
    if json {
        return print_json(&plan);
    }
    match plan {
        Plan::NotUnderstood { reply } => println!("{reply}"),
        Plan::Steps { steps } => {
            for (number, step) in steps.iter().enumerate() {
                println!("{}. {}", number + 1, step.action);
                for (name, value) in &step.arguments {
                    println!("   {name} = {value}");
                }
                for (name, words) in &step.lookups {
                    println!("   {name}: look up “{words}”");
                }
                if let Some(field) = &step.from_previous {
                    println!("   {field}: the previous step's result");
                }
                if !step.missing.is_empty() {
                    println!("   still missing: {}", step.missing.join(", "));
                }
            }
        }
    }
    Ok(())
}

pub fn chat(conversation: Option<i64>, overrides: Option<&Path>) -> Result<(), String> {
    block_on(async {
        let (services, mut events) = open_core(overrides, true)?;
        services.assistant.recover_at_start().map_err(said)?;
        let conversation = match conversation {
            Some(id) => id,
            None => services.assistant.create_conversation().map_err(said)?.id,
        };
        eprintln!("Conversation {conversation}. Write a request; an empty line or Ctrl+D ends.");
        let stdin = std::io::stdin();
        let mut lines = stdin.lock().lines();
        while let Some(text) = prompt(&mut lines, "> ") {
            if text.trim().is_empty() {
                break;
            }
            let mut said_now = services.assistant.send(conversation, &text).await.map_err(said)?;
            loop {
                show(&said_now);
                let Some(last) = said_now.last().filter(|last| last.card_open) else {
                    break;
                };
                let (Some(card), Some(run)) = (&last.card, last.run_id) else {
                    break;
                };
                let Some(answer) = ask(&services, &mut events, card, &mut lines).await? else {
                    break;
                };
                said_now = match answer {
                    Asked::Answer(answer) => services.assistant.answer(run, answer).await.map_err(said)?,
                    Asked::Connected => {
                        services.assistant.resume_waiting().await.map_err(said)?;
                        let page = services.assistant.messages(conversation, None, 50).map_err(said)?;
                        page.messages
                            .into_iter()
                            .filter(|message| message.id > last.id)
                            .collect()
                    }
                };
            }
        }
        Ok(())
    })
}

enum Asked {
    Answer(CardAnswer),
    Connected,
}

fn prompt(lines: &mut impl Iterator<Item = std::io::Result<String>>, text: &str) -> Option<String> {
    eprint!("{text}");
    let _ = std::io::stderr().flush();
    lines.next().and_then(Result::ok)
}

fn yes(answer: &str) -> bool {
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

fn show(messages: &[ChatMessage]) {
    for message in messages.iter().filter(|message| message.role == Role::Assistant) {
        println!("{}", message.text);
        if let Some(Card::Approve { pending, .. }) = &message.card {
            let request = &pending.request;
            let method = serde_json::to_value(request.method).unwrap_or_default();
            println!("  {} {}", method.as_str().unwrap_or("?"), request.url);
            for (name, value) in &request.headers {
                println!("  {name}: {value}");
            }
            if let Some(body) = &request.body {
                println!("\n{body}\n");
            }
        }
        if let Some(Card::Result { result, .. }) = &message.card {
            if let Some(link) = &result.link {
                println!("{link}");
            }
        }
    }
}

async fn ask(
    services: &Services,
    events: &mut tokio::sync::mpsc::UnboundedReceiver<switchboard_core::app_events::AppEvent>,
    card: &Card,
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
) -> Result<Option<Asked>, String> {
    Ok(match card {
        Card::Connect {
            provider,
            product,
            product_name,
            connection_id,
            scopes,
            ..
        } => {
            let question = match connection_id {
                Some(_) => format!("Allow more access on your {product_name} account now? [y/N] "),
                None => format!("Connect {product_name} now? [y/N] "),
            };
            let Some(answer) = prompt(lines, &question) else {
                return Ok(None);
            };
            if !yes(&answer) {
                return Ok(Some(Asked::Answer(CardAnswer::Cancel)));
            }
            let request = ConnectRequest {
                provider: provider.as_str().into(),
                products: vec![product.clone()],
                method: ConnectMethod::Browser,
                redirect: None,
                connection: *connection_id,
                scopes: scopes.clone(),
            };
            sign_in(services, events, request, false).await?;
            Some(Asked::Connected)
        }
        Card::Clarify { schema, .. } => {
            let mut arguments = Map::new();
            let properties = schema["properties"].as_object().cloned().unwrap_or_default();
            for (field, property) in properties {
                let about = property["description"].as_str().unwrap_or("");
                let Some(answer) = prompt(lines, &format!("{field} ({about}): ")) else {
                    return Ok(None);
                };
                arguments.insert(field, typed(&property, answer.trim()));
            }
            Some(Asked::Answer(CardAnswer::Fill { arguments }))
        }
        Card::Approve { pending, .. } => {
            let Some(answer) = prompt(lines, "Send it? [y/N, or a reason to deny] ") else {
                return Ok(None);
            };
            if yes(&answer) {
                let arguments = pending.arguments.as_object().cloned().unwrap_or_default();
                Some(Asked::Answer(CardAnswer::Approve { arguments }))
            } else {
                let reason = answer.trim();
                let reason = (!reason.is_empty() && !["n", "no"].contains(&reason.to_lowercase().as_str()))
                    .then(|| reason.to_owned());
                Some(Asked::Answer(CardAnswer::Deny { reason }))
            }
        }
        Card::Error { next: Some(_), .. } => {
            let Some(answer) = prompt(lines, "Try again? [y/N] ") else {
                return Ok(None);
            };
            Some(Asked::Answer(if yes(&answer) {
                CardAnswer::Retry
            } else {
                CardAnswer::Cancel
            }))
        }
        _ => None,
    })
}

/// A typed answer as the field's schema wants it: a list split at commas, a number, yes/no.
fn typed(property: &Value, answer: &str) -> Value {
    let kind = match &property["type"] {
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null")
            .unwrap_or("string"),
        other => other.as_str().unwrap_or("string"),
    };
    match kind {
        "array" => Value::Array(
            answer
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| Value::String(item.to_owned()))
                .collect(),
        ),
        "integer" | "number" => answer
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(answer.to_owned())),
        "boolean" => Value::Bool(yes(answer)),
        _ => Value::String(answer.to_owned()),
    }
}
