//! A language model's part of a conversation: it is asked with the conversation so far, its
//! words stream into a message as they arrive, and its tool calls are checked (a known tool,
//! arguments that are JSON and fit the schema) before any becomes a run. A bad call goes back
//! to the model with what was wrong, at most twice; a run's results go back to it when the run
//! ends, so its next words say what actually happened. A turn has a cap on calls and on time.

use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use tokio::sync::watch;

use super::error::AssistantError as Error;
use super::model::Card;
use super::model_context::{edits, untrusted, Tools, CONNECT_TOOL};
use super::progress::{Run, RunState};
use super::service::Assistant;
use crate::db::{chat_messages, model_turns, runs};
use crate::llm::model::{model_error_code, ModelClient, ModelError, ModelReply, ToolCall, Turn};
use crate::llm::PlannedStep;
use crate::tools::ActionCatalog;

/// How far one request may take a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelLimits {
    /// Tool calls between two messages of the person.
    pub calls_per_turn: usize,
    /// The model's own time (asking and streaming, not the person's) for one message.
    pub time_per_turn: Duration,
    /// Answers with bad tool calls sent back before giving up.
    pub invalid_retries: u32,
}

impl Default for ModelLimits {
    fn default() -> Self {
        Self {
            calls_per_turn: 8,
            time_per_turn: Duration::from_secs(180),
            invalid_retries: 2,
        }
    }
}

/// A checked call.
enum Checked {
    Action(PlannedStep),
    Connect { product: String },
    Invalid(String),
}

impl Assistant {
    /// The model answers the conversation, acting through runs, until it has said its piece or
    /// a run waits for the person.
    pub(super) async fn converse(&self, conversation: i64, client: &ModelClient) -> Result<(), Error> {
        let (stop, mut cancel) = watch::channel(false);
        self.streams
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(conversation, stop);
        let outcome = self.converse_until_done(conversation, client, &mut cancel).await;
        self.streams
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&conversation);
        outcome
    }

    async fn converse_until_done(
        &self,
        conversation: i64,
        client: &ModelClient,
        cancel: &mut watch::Receiver<bool>,
    ) -> Result<(), Error> {
        let started = Instant::now();
        let mut bad_answers = 0;
        loop {
            if self.calls_this_turn(conversation)? >= self.limits.calls_per_turn {
                let text = format!(
                    "I stopped here: one request may take at most {} actions. Ask again to go on.",
                    self.limits.calls_per_turn
                );
                self.say(conversation, None, &text, None)?;
                return Ok(());
            }
            let tools = self.model_tools()?;
            let request = self.model_request(conversation, &tools)?;
            let left = self.limits.time_per_turn.saturating_sub(started.elapsed());
            let mut live = LiveMessage::new(self, conversation);
            let answer = tokio::time::timeout(left, client.complete(&request, &mut |piece| live.push(piece), cancel))
                .await
                .unwrap_or(Err(ModelError::TooSlow(self.limits.time_per_turn)));
            let reply = match answer {
                Ok(reply) => reply,
                Err(error) => return self.model_failed(&mut live, error),
            };
            live.finish(&reply.text)?;
            let checked: Vec<Checked> = reply.calls.iter().map(|call| self.check_call(call, &tools)).collect();
            self.remember(
                conversation,
                &Turn::Assistant {
                    text: reply.text.clone(),
                    calls: reply.calls.clone(),
                },
            )?;
            if reply.calls.is_empty() {
                if reply.text.trim().is_empty() {
                    self.say(conversation, None, "The model gave no answer. Try asking again.", None)?;
                }
                return Ok(());
            }
            if let Some(problem) = first_problem(&checked) {
                self.reject_calls(conversation, &reply, &checked)?;
                bad_answers += 1;
                if bad_answers > self.limits.invalid_retries {
                    let text = format!(
                        "The model kept asking for something I can't run ({problem}), so nothing was done. Try \
                         saying it differently."
                    );
                    self.say(conversation, None, &text, None)?;
                    return Ok(());
                }
                continue;
            }
            let Some(run) = self.start_model_run(conversation, &reply, checked).await? else {
                continue; // every call was answered at once (say, a product connected already)
            };
            let state = self.load(run)?.row.state;
            if ![RunState::Done, RunState::Failed, RunState::Denied]
                .iter()
                .any(|ended| ended.as_str() == state)
            {
                return Ok(()); // a card waits for the person; `continue_after` picks up
            }
        }
    }

    /// After the person answered a card or a connection landed: a model's run that ended
    /// hands its results back, and the model goes on.
    pub(super) async fn continue_after(&self, run: i64) -> Result<(), Error> {
        let Some(client) = self.model.client().ok().flatten() else {
            return Ok(());
        };
        let run = self.load(run)?;
        let from_model = run.steps.iter().any(|step| step.call_id.is_some()) || run.progress.connect_product.is_some();
        let ended = [RunState::Done, RunState::Failed, RunState::Denied]
            .iter()
            .any(|ended| ended.as_str() == run.row.state);
        if !from_model || !ended {
            return Ok(());
        }
        if let (Some(product), true) = (&run.progress.connect_product, run.row.state == RunState::Done.as_str()) {
            let text = format!("[Switchboard] The person connected {product}; its tools are available now.");
            self.remember(run.row.conversation_id, &Turn::User { text })?;
        }
        self.converse(run.row.conversation_id, &client).await
    }

    /// Stops the model's answer streaming in `conversation`, if any.
    pub(super) fn stop_stream(&self, conversation: i64) -> bool {
        let streams = self.streams.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        streams.get(&conversation).is_some_and(|stop| stop.send(true).is_ok())
    }

    fn check_call(&self, call: &ToolCall, tools: &Tools) -> Checked {
        let arguments = if call.arguments.trim().is_empty() {
            "{}"
        } else {
            call.arguments.as_str()
        };
        let arguments: Map<String, Value> = match serde_json::from_str(arguments) {
            Ok(Value::Object(arguments)) => arguments,
            Ok(_) => return Checked::Invalid(format!("the arguments of {} are not a JSON object", call.name)),
            Err(error) => {
                return Checked::Invalid(format!("the arguments of {} are not valid JSON ({error})", call.name))
            }
        };
        if call.name == CONNECT_TOOL {
            return match arguments.get("product").and_then(Value::as_str) {
                Some(product) if tools.connectable.iter().any(|known| known == product) => Checked::Connect {
                    product: product.to_owned(),
                },
                Some(product) => Checked::Invalid(format!("\"{product}\" is not a product that can be connected")),
                None => Checked::Invalid("connect needs a product".into()),
            };
        }
        let Some(id) = tools.actions.get(&call.name) else {
            return Checked::Invalid(format!(
                "there is no tool named \"{}\"",
                call.name.chars().take(80).collect::<String>()
            ));
        };
        let Ok(action) = ActionCatalog::get().and_then(|catalog| catalog.action(id)) else {
            return Checked::Invalid(format!("there is no tool named \"{}\"", call.name));
        };
        let problems = action.invalid_arguments(&Value::Object(arguments.clone()));
        if !problems.is_empty() {
            return Checked::Invalid(format!(
                "the arguments of {} don't fit its schema: {}",
                call.name,
                problems.join("; ")
            ));
        }
        let mut step = PlannedStep::new(id);
        step.arguments = arguments;
        step.call_id = Some(call.id.clone());
        Checked::Action(step)
    }

    /// Every call of an answer with a bad one goes back unrun, the bad ones saying why.
    fn reject_calls(&self, conversation: i64, reply: &ModelReply, checked: &[Checked]) -> Result<(), Error> {
        for (call, checked) in reply.calls.iter().zip(checked) {
            let content = match checked {
                Checked::Invalid(problem) => format!("Not run: {problem}. Fix the call, or ask the person."),
                _ => "Not run, because another call in the same answer was invalid. Call it again.".into(),
            };
            self.tell_model(conversation, &call.id, &content, true)?;
        }
        Ok(())
    }

    /// Makes a run of the checked calls (or the Connect card); `None` when nothing needed one.
    async fn start_model_run(
        &self,
        conversation: i64,
        reply: &ModelReply,
        checked: Vec<Checked>,
    ) -> Result<Option<i64>, Error> {
        let request = self.last_request(conversation)?;
        let mut steps = Vec::new();
        let mut connect = None;
        for (call, checked) in reply.calls.iter().zip(checked) {
            match checked {
                Checked::Action(step) => steps.push(step),
                Checked::Connect { product } if connect.is_none() => {
                    self.tell_model(
                        conversation,
                        &call.id,
                        "The Connect card is shown to the person. You will be told when they have connected.",
                        false,
                    )?;
                    connect = Some(product);
                }
                Checked::Connect { .. } | Checked::Invalid(_) => {
                    self.tell_model(conversation, &call.id, "Not run: one Connect card at a time.", true)?;
                }
            }
        }
        if steps.is_empty() && connect.is_none() {
            return Ok(None);
        }
        let id = runs::insert(
            self.context.db().conn(),
            conversation,
            &request,
            &serde_json::to_string(&steps)?,
            self.context.now(),
        )?;
        match connect {
            Some(product) if steps.is_empty() => {
                let mut run = self.load(id)?;
                let provider = self.provider_of(&product);
                run.progress.connect_product = Some(product.clone());
                self.ask_to_connect(&mut run, &provider, &product, None, None)?;
            }
            _ => self.advance(id).await?,
        }
        Ok(Some(id))
    }

    /// Tells the model how the step `run` just finished went (nothing for the offline planner's runs).
    pub(super) fn tell_model_done(&self, run: &Run, result: &crate::tools::ActionResult) -> Result<(), Error> {
        let Some(step) = run.step() else { return Ok(()) };
        let Some(call) = &step.call_id else { return Ok(()) };
        let content = format!(
            "{}{}",
            edits(&step.arguments, &run.progress.arguments),
            untrusted(&step.action, &result.summary, result.link.as_deref())
        );
        self.tell_model(run.row.conversation_id, call, &content, false)
    }

    /// Tells the model its call at the run's current step did not happen, and why.
    pub(super) fn tell_model_not_done(&self, run: &Run, why: &str) -> Result<(), Error> {
        match run.step().and_then(|step| step.call_id.as_ref()) {
            Some(call) => self.tell_model(run.row.conversation_id, call, why, true),
            None => Ok(()),
        }
    }

    fn tell_model(&self, conversation: i64, call_id: &str, content: &str, is_error: bool) -> Result<(), Error> {
        self.remember(
            conversation,
            &Turn::ToolResult {
                call_id: call_id.to_owned(),
                content: content.to_owned(),
                is_error,
            },
        )
    }

    pub(super) fn remember(&self, conversation: i64, turn: &Turn) -> Result<(), Error> {
        model_turns::append(
            self.context.db().conn(),
            conversation,
            &serde_json::to_string(turn)?,
            self.context.now(),
        )?;
        Ok(())
    }

    fn calls_this_turn(&self, conversation: i64) -> Result<usize, Error> {
        let turns = model_turns::latest(self.context.read().conn(), conversation, 200)?;
        let mut calls = 0;
        for turn in turns
            .iter()
            .rev()
            .filter_map(|text| serde_json::from_str::<Turn>(text).ok())
        {
            match turn {
                Turn::User { text } if !text.starts_with("[Switchboard]") => break,
                Turn::Assistant { calls: made, .. } => calls += made.len(),
                _ => {}
            }
        }
        Ok(calls)
    }

    fn last_request(&self, conversation: i64) -> Result<String, Error> {
        let last = chat_messages::last_id(self.context.read().conn(), conversation)?;
        Ok(
            chat_messages::earlier_requests(self.context.read().conn(), conversation, last + 1, 1)?
                .into_iter()
                .next()
                .unwrap_or_default(),
        )
    }

    pub(super) fn provider_of(&self, product: &str) -> String {
        self.context
            .catalog()
            .providers()
            .iter()
            .find(|provider| provider.products.iter().any(|known| known.id == product))
            .map_or_else(|| product.to_owned(), |provider| provider.id.to_string())
    }

    fn model_failed(&self, live: &mut LiveMessage<'_>, error: ModelError) -> Result<(), Error> {
        let conversation = live.conversation;
        let partial = live.text.clone();
        live.finish(&partial)?;
        if !partial.is_empty() {
            self.remember(
                conversation,
                &Turn::Assistant {
                    text: partial,
                    calls: Vec::new(),
                },
            )?;
        }
        if error == ModelError::Cancelled {
            self.say(conversation, None, "Stopped.", None)?;
            return Ok(());
        }
        let card = Card::Error {
            code: model_error_code(&error),
            message: error.to_string(),
            next: None,
        };
        self.say(conversation, None, "The model couldn't answer.", Some(&card))?;
        Ok(())
    }
}

fn first_problem(checked: &[Checked]) -> Option<String> {
    checked.iter().find_map(|checked| match checked {
        Checked::Invalid(problem) => Some(problem.clone()),
        _ => None,
    })
}

/// The model's words on their way: the message is made at the first piece and told to the
/// window as it grows; the database gets the whole text at the end.
struct LiveMessage<'a> {
    assistant: &'a Assistant,
    conversation: i64,
    id: Option<i64>,
    text: String,
}

impl<'a> LiveMessage<'a> {
    fn new(assistant: &'a Assistant, conversation: i64) -> Self {
        Self {
            assistant,
            conversation,
            id: None,
            text: String::new(),
        }
    }

    fn push(&mut self, piece: &str) {
        self.text.push_str(piece);
        match self.id {
            Some(id) => (self.assistant.streamed)(self.conversation, id, &self.text),
            None => match self.assistant.say(self.conversation, None, &self.text, None) {
                Ok(id) => {
                    self.id = Some(id);
                    (self.assistant.changed)(self.conversation);
                }
                Err(error) => tracing::warn!(%error, "a streamed answer could not be stored"),
            },
        }
    }

    fn finish(&mut self, text: &str) -> Result<(), Error> {
        match self.id {
            Some(id) => {
                chat_messages::set_text(self.assistant.context.db().conn(), id, text)?;
                (self.assistant.changed)(self.conversation); // the window's copy is whole again
            }
            None if !text.trim().is_empty() => {
                self.id = Some(self.assistant.say(self.conversation, None, text, None)?);
            }
            None => {}
        }
        Ok(())
    }
}
