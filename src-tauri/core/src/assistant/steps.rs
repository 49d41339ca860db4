//! A run's steps, one after another, until one needs the person: connect the product, fill
//! what is missing (after looking named resources up), approve a write, or read a failure; and
//! the person's answers that move it on. Each stop is saved before the card shows.

use serde_json::{json, Map, Value};

use super::access::Access;
use super::error::AssistantError as Error;
use super::lookup::{find, find_by_action, picker_kind, Found};
use super::model::{Card, NextStep};
use super::model_context::failure;
use super::present::present;
use super::progress::{Run, RunState};
use super::service::Assistant;
use crate::connections::{display_name, Connection};
use crate::db::runs;
use crate::error::ErrorCode;
use crate::ids::ConnectionId;
use crate::tools::info::missing_scopes;
use crate::tools::{Action, ActionCatalog, ActionResult, Consent, RunOutcome, RunRequest, ToolError};

impl Assistant {
    /// Carries run `id` on until it needs the person or ends.
    pub(super) async fn advance(&self, id: i64) -> Result<(), Error> {
        loop {
            let mut run = self.load(id)?;
            if self.was_stopped(id) || run.row.state != RunState::Working.as_str() {
                return Ok(());
            }
            let Some(step) = run.step().cloned() else {
                return self.finish(&run, RunState::Done);
            };
            let catalog = ActionCatalog::get()?;
            let action = catalog.action(&step.action)?;
            let Some(connection) = self.connection_for(&run, &action.meta.provider, &action.meta.product)? else {
                return self.ask_to_connect(&mut run, &action.meta.provider, &action.meta.product, None, None);
            };
            run.row.connection_id = Some(connection.id.0);
            // Not granted what the action needs: ask for more access on this account first.
            let missing = missing_scopes(action, &connection);
            if !missing.is_empty() {
                let access = Access {
                    connection: connection.id,
                    scopes: missing,
                };
                return self.ask_to_connect(
                    &mut run,
                    &action.meta.provider,
                    &action.meta.product,
                    None,
                    Some(access),
                );
            }
            if !run.progress.prepared {
                self.prepare(&mut run, &connection, action).await;
            }
            let mut missing: Vec<String> = required(&action.schema)
                .into_iter()
                .filter(|field| !run.progress.arguments.contains_key(field))
                .collect();
            let arguments = Value::Object(run.progress.arguments.clone());
            for problem in action.invalid_arguments(&arguments) {
                let field = problem
                    .trim_start_matches('/')
                    .split(['/', ':'])
                    .next()
                    .unwrap_or("")
                    .to_owned();
                if !field.is_empty() && !missing.contains(&field) {
                    run.progress.arguments.remove(&field);
                    missing.push(field);
                }
            }
            if !missing.is_empty() {
                return self.ask_for(
                    &mut run,
                    &action.meta.id,
                    &action.meta.title,
                    &action.schema,
                    &missing,
                    connection.id,
                );
            }
            let request = RunRequest {
                action: action.meta.id.clone(),
                connection_id: Some(connection.id),
                arguments: Value::Object(run.progress.arguments.clone()),
            };
            match self.executor.run(&request, Consent::NotYet).await {
                Ok(RunOutcome::NeedsApproval(pending)) => {
                    let names = run.progress.names.clone();
                    let card = Card::Approve {
                        presentation: present(&action.meta.id, &pending.arguments, &|id| names.get(id).cloned()),
                        schema: action.schema.clone(),
                        pending: Box::new(pending),
                    };
                    let text = format!(
                        "Here is what I'll do on {}. Check it, then approve or deny.",
                        display_name(&connection)
                    );
                    return self.stop_at(&mut run, RunState::NeedsApproval, &text, &card);
                }
                Ok(RunOutcome::Done(result)) => self.step_done(&mut run, &action.meta.title, &result)?,
                Err(error) => return self.failed(&mut run, &error),
            }
        }
    }

    /// Reports a step's result and moves to the next step.
    pub(super) fn step_done(&self, run: &mut Run, title: &str, result: &ActionResult) -> Result<(), Error> {
        // The summary is the message; the card under it says what finished and opens the result.
        let text = result.summary.clone();
        let card = Card::Result {
            result: Box::new(result.clone()),
            action_title: title.to_owned(),
        };
        self.tell_model_done(run, result)?;
        self.say(run.row.conversation_id, Some(run.row.id), &text, Some(&card))?;
        run.row.previous = Some(result.summary.clone());
        run.row.step += 1;
        run.row.card_message_id = None;
        run.progress = Default::default();
        runs::save_progress(
            self.context.db().conn(),
            &run.to_row(RunState::Working),
            self.context.now(),
        )?;
        Ok(())
    }

    /// Takes in the step's planned arguments, the previous step's result, and the named
    /// resources found.
    async fn prepare(&self, run: &mut Run, connection: &Connection, action: &Action) {
        let schema = &action.schema;
        let Some(step) = run.step().cloned() else { return };
        for (field, value) in step.arguments {
            run.progress.arguments.entry(field).or_insert(value);
        }
        if let (Some(field), Some(previous)) = (&step.from_previous, &run.row.previous) {
            run.progress
                .arguments
                .entry(field.clone())
                .or_insert_with(|| json!(previous));
        }
        // Resources first: a value another action lists may need one of them (an issue's
        // transitions). That action, given the step's fields, is used even where a picker could
        // list the value too: a picker starts from the top, not at the issue.
        let (resolved, listed): (Vec<_>, Vec<_>) = step
            .lookups
            .into_iter()
            .partition(|(field, _)| action.meta.resolved_by.contains_key(field));
        for (field, words) in listed.into_iter().chain(resolved) {
            if run.progress.arguments.contains_key(&field) {
                continue;
            }
            let found = match (action.meta.resolved_by.get(&field), picker_kind(schema, &field)) {
                (None, Some(kind)) => find(&self.resources, connection.id, &kind, &words).await,
                (Some(resolver), _) => {
                    let known = &run.progress.arguments;
                    match find_by_action(&self.executor, connection.id, resolver, known, &words).await {
                        Some((id, name)) => Found::One(crate::resources::Resource {
                            id,
                            name,
                            item: "transition".into(),
                            detail: None,
                            location: None,
                            selectable: true,
                        }),
                        None => Found::Ask,
                    }
                }
                (None, None) => Found::Ask,
            };
            match found {
                Found::One(resource) => {
                    let is_list = schema["properties"][&field]["type"] == "array";
                    let value = if is_list {
                        json!([resource.id])
                    } else {
                        json!(resource.id)
                    };
                    run.progress.names.insert(resource.id.clone(), resource.name.clone());
                    run.progress.arguments.insert(field, value);
                }
                Found::Ask => {
                    run.progress.searches.insert(field, words);
                }
            }
        }
        run.progress.prepared = true;
    }

    pub(super) fn ask_for(
        &self,
        run: &mut Run,
        action_id: &str,
        title: &str,
        schema: &Value,
        missing: &[String],
        connection: ConnectionId,
    ) -> Result<(), Error> {
        let properties: Map<String, Value> = missing
            .iter()
            .filter_map(|field| {
                schema["properties"]
                    .get(field)
                    .map(|property| (field.clone(), property.clone()))
            })
            .collect();
        let asked = json!({
            "type": "object",
            "properties": properties,
            "required": missing,
            "additionalProperties": false,
        });
        let card = Card::Clarify {
            action_id: action_id.to_owned(),
            action_title: title.to_owned(),
            schema: asked,
            known: run.progress.arguments.clone(),
            searches: run.progress.searches.clone(),
            connection_id: Some(connection),
        };
        let mut text = format!("To {}, I need a little more from you.", lowercase_first(title));
        let found: Vec<String> = run.progress.names.values().map(|name| format!("“{name}”")).collect();
        if !found.is_empty() {
            text.push_str(&format!(" I found {}.", found.join(", ")));
        }
        self.stop_at(run, RunState::NeedsInput, &text, &card)
    }

    pub(super) fn failed(&self, run: &mut Run, error: &ToolError) -> Result<(), Error> {
        let code = error.code();
        let next = match (error, code) {
            (ToolError::Unknown { .. }, _) => None,
            // The provider refused what was asked (not found, not valid): change it and try again.
            (
                ToolError::Refused {
                    status: 400 | 404 | 409 | 422,
                    ..
                },
                _,
            ) => Some(NextStep::FixField),
            (_, ErrorCode::NeedsAuth) => Some(NextStep::Connect),
            (_, ErrorCode::NeedsConsent) => Some(NextStep::AllowMore),
            (_, ErrorCode::InvalidInput) => Some(NextStep::FixField),
            (_, ErrorCode::Denied) => None,
            _ => Some(NextStep::Retry),
        };
        self.tell_model_not_done(run, &failure(&error.to_string()))?;
        let card = Card::Error {
            code,
            message: error.to_string(),
            next,
        };
        self.stop_at(run, RunState::Failed, "That didn't work.", &card)
    }

    /// Saves the run in `state` with a message carrying `card` as its open card.
    pub(super) fn stop_at(&self, run: &mut Run, state: RunState, text: &str, card: &Card) -> Result<(), Error> {
        let message = self.say(run.row.conversation_id, Some(run.row.id), text, Some(card))?;
        run.row.card_message_id = Some(message);
        runs::save_progress(self.context.db().conn(), &run.to_row(state), self.context.now())?;
        Ok(())
    }

    pub(super) fn finish(&self, run: &Run, state: RunState) -> Result<(), Error> {
        runs::move_state(
            self.context.db().conn(),
            run.row.id,
            &[RunState::Working.as_str()],
            state.as_str(),
            self.context.now(),
        )?;
        Ok(())
    }

    pub(super) fn take(&self, id: i64, from: &[RunState], to: RunState) -> Result<(), Error> {
        let from: Vec<&str> = from.iter().map(|state| state.as_str()).collect();
        if runs::move_state(self.context.db().conn(), id, &from, to.as_str(), self.context.now())? {
            Ok(())
        } else {
            Err(Error::AlreadyAnswered)
        }
    }

    /// The run's connection if still usable, else the first enabled, usable one for the product.
    pub(super) fn connection_for(&self, run: &Run, provider: &str, product: &str) -> Result<Option<Connection>, Error> {
        if let Some(id) = run.row.connection_id {
            if let Ok(connection) = self.store.usable(ConnectionId(id)) {
                if connection.provider.as_str() == provider {
                    return Ok(Some(connection));
                }
            }
        }
        let connections = self.store.list()?;
        Ok(connections
            .into_iter()
            .filter(|connection| {
                connection.enabled
                    && connection.provider.as_str() == provider
                    && connection.products.iter().any(|owned| owned == product)
            })
            .find_map(|connection| self.store.usable(connection.id).ok()))
    }

    pub(super) fn product_name(&self, provider: &str, product: &str) -> String {
        self.context
            .catalog()
            .provider(provider)
            .and_then(|provider| provider.products.iter().find(|owned| owned.id == product))
            .map_or_else(|| product.to_owned(), |product| product.name.clone())
    }
}

fn required(schema: &Value) -> Vec<String> {
    schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}
