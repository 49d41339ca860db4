//! The assistant service: conversations and their messages, and the runs that carry a request
//! from the planner's steps to done (`steps`). Every state is a row, so quitting mid-run and
//! reopening finds the run where it stopped; an approval moves `needs_approval → executing`
//! once, so approving twice, or after a restart, performs the action exactly once.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::watch;

use super::converse::ModelLimits;
use super::error::{AssistantError as Error, MAX_MESSAGE_CHARS, MAX_TITLE_CHARS};
use super::model::{Card, ChatMessage, ConversationSummary, MessagePage, Role};
use super::progress::{Run, RunState};
use crate::connections::{ConnectionStore, ProviderApps};
use crate::context::CoreContext;
use crate::db::chat_messages::{self, MessageRow, NewMessage};
use crate::db::{conversations, runs};
use crate::llm::model::{ModelChoice, Turn};
use crate::llm::{Plan, PlanRequest, Planner};
use crate::resources::Resources;
use crate::tools::Executor;

const NEW_TITLE: &str = "New conversation";
const MAX_PAGE: u32 = 200;

/// Tells the window a conversation moved on by itself (a connection landed, a sign-in failed).
pub type ChatChanged = Arc<dyn Fn(i64) + Send + Sync>;
/// Tells the window a model's answer grew: conversation, message, the whole text so far.
pub type ChatStreamed = Arc<dyn Fn(i64, i64, &str) + Send + Sync>;

/// What the assistant works with.
pub struct AssistantParts {
    pub context: CoreContext,
    pub store: Arc<ConnectionStore>,
    pub apps: Arc<ProviderApps>,
    pub executor: Arc<Executor>,
    pub resources: Arc<Resources>,
    /// The built-in planner, used when no model is chosen.
    pub planner: Arc<dyn Planner>,
    pub model: Arc<ModelChoice>,
    pub limits: ModelLimits,
    pub changed: ChatChanged,
    pub streamed: ChatStreamed,
}

pub struct Assistant {
    pub(super) context: CoreContext,
    pub(super) store: Arc<ConnectionStore>,
    pub(super) apps: Arc<ProviderApps>,
    pub(super) executor: Arc<Executor>,
    pub(super) resources: Arc<Resources>,
    pub(super) planner: Arc<dyn Planner>,
    pub(super) model: Arc<ModelChoice>,
    pub(super) limits: ModelLimits,
    pub(super) changed: ChatChanged,
    pub(super) streamed: ChatStreamed,
    /// Runs the person stopped while they were working.
    pub(super) stopped: Mutex<HashSet<i64>>,
    /// The model answers streaming now, by conversation: sending `true` stops one.
    pub(super) streams: Mutex<HashMap<i64, watch::Sender<bool>>>,
    /// One model turn at a time per conversation.
    pub(super) conversing: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

impl Assistant {
    pub fn new(parts: AssistantParts) -> Self {
        Self {
            context: parts.context,
            store: parts.store,
            apps: parts.apps,
            executor: parts.executor,
            resources: parts.resources,
            planner: parts.planner,
            model: parts.model,
            limits: parts.limits,
            changed: parts.changed,
            streamed: parts.streamed,
            stopped: Mutex::new(HashSet::new()),
            streams: Mutex::new(HashMap::new()),
            conversing: Mutex::new(HashMap::new()),
        }
    }

    /// How Settings names the planner in use: the model chosen, else the built-in one.
    pub fn planner_name(&self) -> String {
        self.model.in_use().unwrap_or_else(|_| self.planner.name().to_owned())
    }

    pub fn conversations(&self, search: Option<&str>) -> Result<Vec<ConversationSummary>, Error> {
        let search = search.map(str::trim).filter(|text| !text.is_empty());
        Ok(conversations::list(self.context.read().conn(), search, 500)?
            .into_iter()
            .map(summary)
            .collect())
    }

    pub fn create_conversation(&self) -> Result<ConversationSummary, Error> {
        let db = self.context.db();
        let id = conversations::create(db.conn(), NEW_TITLE, self.context.now())?;
        conversations::get(db.conn(), id)?
            .map(summary)
            .ok_or(Error::NoConversation(id))
    }

    pub fn rename_conversation(&self, id: i64, title: &str) -> Result<ConversationSummary, Error> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
            return Err(Error::BadTitle);
        }
        let db = self.context.db();
        if !conversations::rename(db.conn(), id, title)? {
            return Err(Error::NoConversation(id));
        }
        conversations::get(db.conn(), id)?
            .map(summary)
            .ok_or(Error::NoConversation(id))
    }

    pub fn delete_conversation(&self, id: i64) -> Result<(), Error> {
        if !conversations::delete(self.context.db().conn(), id)? {
            return Err(Error::NoConversation(id));
        }
        Ok(())
    }

    /// The `limit` messages before `before` (the last page when `None`), oldest first.
    pub fn messages(&self, conversation: i64, before: Option<i64>, limit: u32) -> Result<MessagePage, Error> {
        let db = self.context.read();
        if conversations::get(db.conn(), conversation)?.is_none() {
            return Err(Error::NoConversation(conversation));
        }
        let (rows, has_more) = chat_messages::page(db.conn(), conversation, before, limit.clamp(1, MAX_PAGE))?;
        Ok(MessagePage {
            messages: rows.into_iter().map(message).collect(),
            has_more,
        })
    }

    /// Takes the person's message and carries its run as far as it goes without them; returns
    /// every message added.
    pub async fn send(&self, conversation: i64, text: &str) -> Result<Vec<ChatMessage>, Error> {
        let text = text.trim();
        let length = text.chars().count();
        if length == 0 {
            return Err(Error::EmptyMessage);
        }
        if length > MAX_MESSAGE_CHARS {
            return Err(Error::MessageTooLong(length));
        }
        let first = {
            let db = self.context.db();
            let found = conversations::get(db.conn(), conversation)?.ok_or(Error::NoConversation(conversation))?;
            if found.title == NEW_TITLE {
                conversations::rename(db.conn(), conversation, &title_from(text))?;
            }
            chat_messages::append(
                db.conn(),
                &NewMessage {
                    conversation_id: conversation,
                    role: Role::User.as_str(),
                    text,
                    run_id: None,
                    card: None,
                },
                self.context.now(),
            )?
        };
        if let Some(client) = self.model.client()? {
            self.remember(conversation, &Turn::User { text: text.to_owned() })?;
            self.converse(conversation, &client).await?;
            return self.added_since(conversation, first - 1);
        }
        let plan = self.planner.plan(&self.plan_request(text, conversation, first)?).await;
        match plan {
            Plan::NotUnderstood { reply } => {
                self.say(conversation, None, &reply, None)?;
            }
            Plan::Steps { steps } => {
                let steps = serde_json::to_string(&steps)?;
                let id = runs::insert(self.context.db().conn(), conversation, text, &steps, self.context.now())?;
                self.advance(id).await?;
            }
        }
        self.added_since(conversation, first - 1)
    }

    /// Stops a run: one waiting on a card is cancelled; one working stops before its next step.
    pub fn stop(&self, run: i64) -> Result<Vec<ChatMessage>, Error> {
        let found = runs::get(self.context.read().conn(), run)?.ok_or(Error::NoRun(run))?;
        let last = chat_messages::last_id(self.context.read().conn(), found.conversation_id)?;
        let waiting = [RunState::Working.as_str()]
            .into_iter()
            .chain(RunState::WAITING)
            .collect::<Vec<_>>();
        if runs::move_state(
            self.context.db().conn(),
            run,
            &waiting,
            RunState::Cancelled.as_str(),
            self.context.now(),
        )? {
            self.stopped.lock().unwrap_or_else(PoisonError::into_inner).insert(run);
            self.tell_model_not_done(&self.load(run)?, "The person stopped this; nothing more was done.")?;
            self.say(
                found.conversation_id,
                Some(run),
                "Stopped. Nothing more will be done for this request.",
                None,
            )?;
        }
        self.added_since(found.conversation_id, last)
    }

    /// Stops whatever is live in `conversation`: the model's streaming answer at once, and the
    /// newest run still working or waiting on a card.
    pub fn stop_conversation(&self, conversation: i64) -> Result<Vec<ChatMessage>, Error> {
        let last = chat_messages::last_id(self.context.read().conn(), conversation)?;
        self.stop_stream(conversation);
        let open = runs::latest_open(self.context.read().conn(), conversation)?;
        let mut added = match open {
            Some(run) => self.stop(run)?,
            None => Vec::new(),
        };
        if added.is_empty() {
            added = self.added_since(conversation, last)?;
        }
        Ok(added)
    }

    /// What to try, from the products connected now.
    pub fn suggestions(&self) -> Result<Vec<String>, Error> {
        let connected = self.connected_products()?;
        let examples: &[(&str, &str)] = &[
            ("calendar", "What's on my calendar tomorrow?"),
            ("gmail", "Show my unread emails"),
            ("github", "List my repositories"),
            ("slack", "List Slack channels"),
            ("jira", "My open Jira issues due this week"),
            ("drive", "Find the budget file in Drive"),
            ("sheets", "Create a spreadsheet called Expenses"),
            ("notion", "Search Notion for roadmap"),
            ("telegram", "Any new Telegram messages?"),
            ("confluence", "Search Confluence for onboarding"),
            ("supabase", "Show rows from the users table in Supabase"),
        ];
        let mut chosen: Vec<String> = examples
            .iter()
            .filter(|(product, _)| connected.iter().any(|connected| connected == product))
            .map(|(_, text)| (*text).to_owned())
            .take(4)
            .collect();
        if chosen.is_empty() {
            chosen = vec![
                "Star tauri-apps/tauri".into(),
                "What's on my calendar tomorrow?".into(),
                "Email ana@example.com about the Q3 numbers".into(),
                "My open Jira issues due this week".into(),
            ];
        }
        Ok(chosen)
    }

    /// What the planner is asked: the request, now in the person's zone, the products connected,
    /// and the person's last few messages in this conversation (before message `message`).
    fn plan_request(&self, text: &str, conversation: i64, message: i64) -> Result<PlanRequest, Error> {
        let now = jiff::Timestamp::from_second(self.context.now())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .to_zoned(jiff::tz::TimeZone::system());
        Ok(PlanRequest {
            text: text.to_owned(),
            now,
            connected: self.connected_products()?,
            earlier: chat_messages::earlier_requests(self.context.read().conn(), conversation, message, 5)?,
        })
    }

    pub(super) fn connected_products(&self) -> Result<Vec<String>, Error> {
        let connections = self.store.list()?;
        let mut products: Vec<String> = connections
            .iter()
            .filter(|connection| connection.enabled)
            .flat_map(|connection| connection.products.iter().cloned())
            .collect();
        products.sort();
        products.dedup();
        Ok(products)
    }

    /// Appends an assistant message (with a card, for a run) and returns its id.
    pub(super) fn say(
        &self,
        conversation: i64,
        run: Option<i64>,
        text: &str,
        card: Option<&Card>,
    ) -> Result<i64, Error> {
        let card = card.map(|card| serde_json::to_string(card).unwrap_or_default());
        let db = self.context.db();
        let now = self.context.now();
        let id = chat_messages::append(
            db.conn(),
            &NewMessage {
                conversation_id: conversation,
                role: Role::Assistant.as_str(),
                text,
                run_id: run,
                card: card.as_deref(),
            },
            now,
        )?;
        conversations::touch(db.conn(), conversation, now)?;
        Ok(id)
    }

    pub(super) fn added_since(&self, conversation: i64, after: i64) -> Result<Vec<ChatMessage>, Error> {
        Ok(chat_messages::since(self.context.read().conn(), conversation, after)?
            .into_iter()
            .map(message)
            .collect())
    }

    pub(super) fn load(&self, run: i64) -> Result<Run, Error> {
        runs::get(self.context.read().conn(), run)?
            .map(Run::read)
            .ok_or(Error::NoRun(run))
    }

    pub(super) fn was_stopped(&self, run: i64) -> bool {
        self.stopped.lock().unwrap_or_else(PoisonError::into_inner).remove(&run)
    }
}

fn title_from(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text).trim();
    let mut title: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        title.push('…');
    }
    title
}

fn summary(row: conversations::ConversationRow) -> ConversationSummary {
    ConversationSummary {
        id: row.id,
        title: row.title,
        preview: row.preview.chars().take(120).collect(),
        updated_at: row.updated_at,
    }
}

fn message(row: MessageRow) -> ChatMessage {
    let card = row.card.as_deref().and_then(|card| serde_json::from_str(card).ok());
    ChatMessage {
        id: row.id,
        conversation_id: row.conversation_id,
        role: if row.role == "user" {
            Role::User
        } else {
            Role::Assistant
        },
        text: row.text,
        created_at: row.created_at,
        run_id: row.run_id,
        card_open: row.card_open && card.is_some(),
        card,
    }
}
