//! The person's answers to a run's open card (fill, approve, deny, retry, cancel) and what the
//! world tells a waiting run (a connection landed, a sign-in ended, the app restarted). An
//! approval moves the run `needs_approval → executing` in one guarded update before anything is
//! sent, so it acts once however often, and from however many windows, it is approved.

use serde_json::{Map, Value};

use super::access::Access;
use super::error::AssistantError as Error;
use super::model::{Card, CardAnswer, ChatMessage, NextStep};
use super::progress::{Run, RunState};
use super::service::Assistant;
use crate::db::{chat_messages, runs};
use crate::error::ErrorCode;
use crate::ids::ConnectionId;
use crate::tools::info::missing_scopes;
use crate::tools::{ActionCatalog, Consent, RunOutcome, RunRequest, ToolError};

impl Assistant {
    /// The person's answer to run `id`'s open card; returns the messages it added.
    pub async fn answer(&self, id: i64, answer: CardAnswer) -> Result<Vec<ChatMessage>, Error> {
        let run = self.load(id)?;
        let conversation = run.row.conversation_id;
        let last = chat_messages::last_id(self.context.read().conn(), conversation)?;
        let now = self.context.now();
        match answer {
            CardAnswer::Fill { arguments } => {
                self.take(id, &[RunState::NeedsInput], RunState::Working)?;
                let mut run = self.load(id)?;
                // Only the action's own parameters are taken (a stray field would fail every try).
                let schema = run
                    .step()
                    .and_then(|step| {
                        ActionCatalog::get()
                            .and_then(|catalog| catalog.action(&step.action))
                            .ok()
                    })
                    .map(|action| action.schema.clone())
                    .unwrap_or_default();
                let known = |field: &String| schema["properties"].get(field.as_str()).is_some();
                for (field, value) in arguments.into_iter().filter(|(field, _)| known(field)) {
                    run.progress.searches.remove(&field);
                    run.progress.arguments.insert(field, value);
                }
                runs::save_progress(self.context.db().conn(), &run.to_row(RunState::Working), now)?;
                self.advance(id).await?;
            }
            CardAnswer::Approve { arguments } => {
                // Moved once: a second approval (another window, a restart) finds it taken.
                self.take(id, &[RunState::NeedsApproval], RunState::Executing)?;
                self.execute_approved(id, arguments).await?;
            }
            CardAnswer::Deny { reason } => {
                self.take(id, &[RunState::NeedsApproval], RunState::Denied)?;
                let mut run = self.load(id)?;
                run.row.denied_because = reason.clone().filter(|reason| !reason.trim().is_empty());
                runs::save_progress(self.context.db().conn(), &run.to_row(RunState::Denied), now)?;
                if let (Some(step), Some(connection)) = (run.step(), run.row.connection_id) {
                    let request = RunRequest {
                        action: step.action.clone(),
                        connection_id: Some(ConnectionId(connection)),
                        arguments: Value::Object(run.progress.arguments.clone()),
                    };
                    if let Err(error) = self.executor.decline(&request) {
                        tracing::warn!(%error, "a denial could not be audited");
                    }
                }
                let because = run.row.denied_because.as_deref().map(str::trim);
                if run.step().is_some_and(|step| step.call_id.is_some()) {
                    // The model is told, and says it in its own words.
                    let why = because
                        .map(|reason| format!(" Their reason: {reason}"))
                        .unwrap_or_default();
                    self.tell_model_not_done(&run, &format!("The person denied this; nothing was done.{why}"))?;
                } else {
                    let text = match because {
                        Some(reason) => format!("Okay, I didn't do it. (You said: {reason})"),
                        None => "Okay, I didn't do it.".to_owned(),
                    };
                    self.say(conversation, Some(id), &text, None)?;
                }
            }
            CardAnswer::Retry => {
                self.take(id, &[RunState::Failed, RunState::NeedsConnection], RunState::Working)?;
                self.advance(id).await?;
            }
            CardAnswer::Cancel => {
                let waiting: Vec<&str> = RunState::WAITING.to_vec();
                if !runs::move_state(
                    self.context.db().conn(),
                    id,
                    &waiting,
                    RunState::Cancelled.as_str(),
                    now,
                )? {
                    return Err(Error::AlreadyAnswered);
                }
                self.tell_model_not_done(&self.load(id)?, "The person cancelled this; nothing was done.")?;
                self.say(conversation, Some(id), "Cancelled. Nothing was done.", None)?;
            }
        }
        self.continue_after(id).await?;
        self.added_since(conversation, last)
    }

    /// Runs waiting for a product that is connected now (with the access they need) go on by
    /// themselves.
    pub async fn resume_waiting(&self) -> Result<(), Error> {
        let waiting = runs::in_state(self.context.read().conn(), RunState::NeedsConnection.as_str())?;
        for row in waiting {
            let run = Run::read(row);
            let Some(product) = self.ready_to_resume(&run)? else {
                continue;
            };
            if runs::move_state(
                self.context.db().conn(),
                run.row.id,
                &[RunState::NeedsConnection.as_str()],
                RunState::Working.as_str(),
                self.context.now(),
            )? {
                self.say(
                    run.row.conversation_id,
                    Some(run.row.id),
                    &format!("{product} is connected. Carrying on."),
                    None,
                )?;
                self.advance(run.row.id).await?;
                self.continue_after(run.row.id).await?;
                (self.changed)(run.row.conversation_id);
            }
        }
        Ok(())
    }

    /// The name of the product a waiting run can go on with now, if it can.
    fn ready_to_resume(&self, run: &Run) -> Result<Option<String>, Error> {
        let Some(step) = run.step() else {
            // A model's Connect card: waiting for its product to be connected.
            let Some(product) = &run.progress.connect_product else {
                return Ok(None);
            };
            let connected = self.connected_products()?.contains(product);
            return Ok(connected.then(|| self.product_name(&self.provider_of(product), product)));
        };
        let Ok(action) = ActionCatalog::get().and_then(|catalog| catalog.action(&step.action)) else {
            return Ok(None);
        };
        let ready = self.connection_for(run, &action.meta.provider, &action.meta.product)?;
        if ready.is_none_or(|connection| !missing_scopes(action, &connection).is_empty()) {
            return Ok(None);
        }
        Ok(Some(self.product_name(&action.meta.provider, &action.meta.product)))
    }

    /// A sign-in for `provider` ended without a connection: the runs waiting on it say so.
    pub fn sign_in_ended(&self, provider: &str, problem: &str) -> Result<(), Error> {
        let waiting = runs::in_state(self.context.read().conn(), RunState::NeedsConnection.as_str())?;
        for row in waiting {
            let mut run = Run::read(row);
            let Some(step) = run.step().cloned() else {
                // A model's Connect card for one of this provider's products says so too.
                if let Some(product) = run
                    .progress
                    .connect_product
                    .clone()
                    .filter(|product| self.provider_of(product) == provider)
                {
                    self.ask_to_connect(&mut run, provider, &product, Some(problem.to_owned()), None)?;
                    (self.changed)(run.row.conversation_id);
                }
                continue;
            };
            let Ok(action) = ActionCatalog::get().and_then(|catalog| catalog.action(&step.action)) else {
                continue;
            };
            if action.meta.provider != provider {
                continue;
            }
            // A run waiting for more access on its account is offered that again.
            let access = self
                .connection_for(&run, &action.meta.provider, &action.meta.product)?
                .map(|connection| Access {
                    scopes: missing_scopes(action, &connection),
                    connection: connection.id,
                })
                .filter(|access| !access.scopes.is_empty());
            self.ask_to_connect(
                &mut run,
                provider,
                &action.meta.product,
                Some(problem.to_owned()),
                access,
            )?;
            (self.changed)(run.row.conversation_id);
        }
        Ok(())
    }

    /// At start: a run cut off while sending may have acted, so it is never sent again on its
    /// own; one cut off while working is offered again.
    pub fn recover_at_start(&self) -> Result<(), Error> {
        for row in runs::in_state(self.context.read().conn(), RunState::Executing.as_str())? {
            let mut run = Run::read(row);
            let card = Card::Error {
                code: ErrorCode::Network,
                message:
                    "Switchboard closed while this was being sent, so it may have happened. Check before trying again."
                        .into(),
                next: None,
            };
            self.stop_at(
                &mut run,
                RunState::Failed,
                "I can't tell whether this went through.",
                &card,
            )?;
        }
        for row in runs::in_state(self.context.read().conn(), RunState::Working.as_str())? {
            let mut run = Run::read(row);
            let card = Card::Error {
                code: ErrorCode::Internal,
                message: "Switchboard closed while working on this; nothing was sent.".into(),
                next: Some(NextStep::Retry),
            };
            self.stop_at(&mut run, RunState::Failed, "This was interrupted.", &card)?;
        }
        Ok(())
    }

    async fn execute_approved(&self, id: i64, arguments: Map<String, Value>) -> Result<(), Error> {
        let mut run = self.load(id)?;
        let Some(step) = run.step().cloned() else {
            return self.finish(&run, RunState::Done);
        };
        if run.progress.arguments != arguments {
            run.progress.proposed = Some(std::mem::replace(&mut run.progress.arguments, arguments));
        }
        let request = RunRequest {
            action: step.action.clone(),
            connection_id: run.row.connection_id.map(ConnectionId),
            arguments: Value::Object(run.progress.arguments.clone()),
        };
        let title = ActionCatalog::get()
            .and_then(|catalog| catalog.action(&step.action))
            .map(|action| action.meta.title.clone())
            .unwrap_or_else(|_| step.action.clone());
        match self.executor.run(&request, Consent::Approved).await {
            Ok(RunOutcome::Done(result)) => {
                self.step_done(&mut run, &title, &result)?;
                self.advance(id).await
            }
            Ok(RunOutcome::NeedsApproval(_)) => {
                self.failed(&mut run, &ToolError::Plan("it asked again after approval".into()))
            }
            Err(error) => self.failed(&mut run, &error),
        }
    }
}
