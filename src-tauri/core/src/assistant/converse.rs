//! A language model's part of a conversation: it is asked with the conversation so far, its
//! words stream into a message as they arrive, and its tool calls are checked (a known tool,
//! arguments that are JSON and fit the schema) before any becomes a run. A bad call goes back
//! to the model with what was wrong, at most twice; a run's results go back to it when the run
//! ends, so its next words say what actually happened. A turn has a cap on calls and on time.

use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::error::AssistantError as Error;
use super::live::LiveMessage;
use super::model::Card;
use super::model_context::{edits, untrusted};
use super::progress::{Run, RunState};
use super::service::Assistant;
use super::tool_calls::{first_problem, Checked};
use crate::db::{chat_messages, model_turns, runs};
use crate::llm::model::{model_error_code, ModelClient, ModelError, ModelReply, Turn};

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

impl Assistant {
    /// The model answers the conversation, acting through runs, until it has said its piece or
    /// a run waits for the person.
    pub(super) async fn converse(&self, conversation: i64, client: &ModelClient) -> Result<(), Error> {
        // One model turn at a time per conversation (a send, and a connection landing): each
        // sees the other's turns, and Stop reaches the one streaming.
        let turn = self
            .conversing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(conversation)
            .or_default()
            .clone();
        let _turn = turn.lock().await;
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
            let room = self
                .limits
                .calls_per_turn
                .saturating_sub(self.calls_this_turn(conversation)?);
            if room == 0 {
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
            if !reply.text.is_empty() || !reply.calls.is_empty() {
                self.remember(
                    conversation,
                    &Turn::Assistant {
                        text: reply.text.clone(),
                        calls: reply.calls.clone(),
                    },
                )?;
            }
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
            let Some(run) = self.start_model_run(conversation, &reply, checked, room).await? else {
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

    /// Makes a run of the checked calls (or the Connect card); `None` when nothing needed one.
    async fn start_model_run(
        &self,
        conversation: i64,
        reply: &ModelReply,
        checked: Vec<Checked>,
        room: usize,
    ) -> Result<Option<i64>, Error> {
        let request = self.last_request(conversation)?;
        let alone = reply.calls.len() == 1;
        let mut steps = Vec::new();
        let mut connect = None;
        for (call, checked) in reply.calls.iter().zip(checked) {
            match checked {
                Checked::Action(_) if steps.len() >= room => {
                    let why = format!(
                        "Not run: one request may take at most {} actions.",
                        self.limits.calls_per_turn
                    );
                    self.tell_model(conversation, &call.id, &why, true)?;
                }
                Checked::Action(step) => steps.push(step),
                Checked::Connect { .. } if !alone => {
                    self.tell_model(
                        conversation,
                        &call.id,
                        "Not run: call connect on its own, then wait.",
                        true,
                    )?;
                }
                Checked::Connect { product } => {
                    self.tell_model(
                        conversation,
                        &call.id,
                        "The Connect card is shown to the person. You will be told when they have connected.",
                        false,
                    )?;
                    connect = Some(product);
                }
                Checked::Invalid(problem) => {
                    self.tell_model(conversation, &call.id, &format!("Not run: {problem}."), true)?;
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
            Some(product) => {
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
            run.progress
                .proposed
                .as_ref()
                .map(|proposed| edits(proposed, &run.progress.arguments))
                .unwrap_or_default(),
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

    pub(super) fn tell_model(
        &self,
        conversation: i64,
        call_id: &str,
        content: &str,
        is_error: bool,
    ) -> Result<(), Error> {
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
