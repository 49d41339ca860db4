//! The one path every action run takes, from the window, the CLI and the assistant: validate the
//! arguments against the schema (F3), resolve the connection (the one given, else the only one
//! that can), check its scopes (F2), apply the person's policy (F4: a write asks first, showing
//! the exact request), get a token through connections, send (retrying only what is safe to
//! repeat), record it in the audit log (a write's "sending" row committed before the request
//! goes out, so a crash mid-call leaves "sent, outcome unknown", never a write with no record)
//! and return a bounded summary, the data and a link; for a write that may have happened, the
//! page to check it on. It owns nothing but its HTTP client.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::actions::Target;
use super::call::RequestPreview;
use super::catalog::{Action, ActionCatalog, SideEffect};
use super::error::ToolError;
use super::info::{in_words, missing_scopes, ActionInfo};
use super::output::{bounded, check_page, ActionResult, MAX_SUMMARY_BYTES};
use super::policy::Policy;
use super::send::Sender;
use crate::catalog::Provider;
use crate::connections::{display_name, Connection, ConnectionStatus, ConnectionStore, RequestAuth, TokenRenewal};
use crate::context::CoreContext;
use crate::db::{action_policies, audit};
use crate::ids::ConnectionId;
use crate::resources::ApiPolicy;

/// What to run: an action, its arguments, and the connection (optional when one is obvious).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunRequest {
    pub action: String,
    #[serde(default)]
    pub connection_id: Option<ConnectionId>,
    #[ts(type = "unknown")]
    pub arguments: serde_json::Value,
}

/// Whether the person has approved this run's exact arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// Not yet: a run that must ask returns a pending approval and sends nothing.
    NotYet,
    /// The person approved these arguments (re-validated; what is sent is what they saw).
    Approved,
}

/// What a run came to.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RunOutcome {
    Done(ActionResult),
    NeedsApproval(PendingApproval),
}

/// A run waiting for the person: the exact parameters and the exact request it would send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingApproval {
    pub action: String,
    pub title: String,
    pub side_effect: SideEffect,
    pub connection_id: ConnectionId,
    pub connection_name: String,
    #[ts(type = "unknown")]
    pub arguments: serde_json::Value,
    pub request: RequestPreview,
    /// "Always allow for this account" may be offered (never for a destructive action).
    pub can_always_allow: bool,
}

pub struct Executor {
    context: CoreContext,
    store: Arc<ConnectionStore>,
    renewal: Arc<TokenRenewal>,
    /// Built at the first request, as listings' is: an idle app loads no TLS roots.
    client: OnceLock<reqwest::Client>,
    policy: ApiPolicy,
}

impl Executor {
    pub fn new(
        context: CoreContext,
        store: Arc<ConnectionStore>,
        renewal: Arc<TokenRenewal>,
        policy: ApiPolicy,
    ) -> Self {
        Self {
            client: OnceLock::new(),
            context,
            store,
            renewal,
            policy,
        }
    }

    /// Runs `request`: done, waiting for approval, or an error that says what to do.
    pub async fn run(&self, request: &RunRequest, consent: Consent) -> Result<RunOutcome, ToolError> {
        let action = ActionCatalog::get()?.action(&request.action)?;
        let invalid = action.invalid_arguments(&request.arguments);
        if !invalid.is_empty() {
            return Err(ToolError::InvalidArguments(invalid));
        }
        let connection = self.resolve(action, request.connection_id)?;
        let provider = self
            .context
            .provider(&connection.provider)
            .map_err(crate::connections::ConnectionError::from)?;
        self.check_scopes(action, &connection, provider)?;
        // A product with an API of its own (Sheets) has its own base in the catalogue.
        let api_base = provider
            .api_bases
            .get(&action.meta.product)
            .unwrap_or(&provider.api_base_url);
        let target = Target {
            api_base,
            connection: &connection,
        };
        // Planned only when it is shown or sent (an upload reads its file to plan it).
        let plan = || (action.code.plan)(&request.arguments, &target);
        let digest = digest(&request.arguments);
        let decision = match (self.policy_of(action, connection.id)?, consent) {
            (Policy::Deny, _) => {
                self.audit(&connection, action, "denied", &format!("by your setting; {digest}"))?;
                return Err(ToolError::Denied {
                    action: action.meta.title.clone(),
                });
            }
            (Policy::Ask, Consent::NotYet) => {
                return Ok(RunOutcome::NeedsApproval(PendingApproval {
                    action: action.meta.id.clone(),
                    title: action.meta.title.clone(),
                    side_effect: action.meta.side_effect,
                    connection_id: connection.id,
                    connection_name: display_name(&connection),
                    arguments: request.arguments.clone(),
                    request: plan()?.preview(
                        &provider.api_headers,
                        RequestAuth::of(provider, connection.auth_kind, &connection.config).shown(),
                    ),
                    can_always_allow: Policy::Allow.allowed_for(action.meta.must_ask()),
                }))
            }
            (Policy::Ask, Consent::Approved) => "approved",
            (Policy::Allow, _) => "allowed",
        };
        let call = plan()?;
        let token = self.renewal.access_token(connection.id).await?;
        let version = self.store.get(connection.id)?.health.token_version;
        let writes = action.meta.side_effect != SideEffect::Read;
        if writes {
            // Committed before the request leaves: a crash from here on leaves "sending".
            self.audit(&connection, action, "sending", &format!("{decision}; {digest}"))?;
        }
        let started = Instant::now();
        let sender = Sender {
            renewal: &self.renewal,
            connection: &connection,
            provider,
            client: self.client.get_or_init(|| crate::resources::api_client(&self.policy)),
            policy: &self.policy,
            side_effect: action.meta.side_effect,
        };
        let answer = sender.send(&call, token, version).await.map_err(|error| match error {
            ToolError::Unknown { provider, .. } => ToolError::Unknown {
                provider,
                check: check_page(
                    &action.meta.id,
                    &action.meta.product,
                    &connection.account_label,
                    &request.arguments,
                ),
            },
            error => error,
        });
        let took = started.elapsed().as_millis();
        let output = answer.and_then(|answer| (action.code.read)(&request.arguments, &answer));
        let (outcome, detail) = match &output {
            Ok(_) => ("ok", format!("{decision}; {digest}; {took} ms")),
            Err(ToolError::Unknown { .. }) => ("unknown", format!("{decision}; {digest}; no answer after {took} ms")),
            Err(error) => (
                "failed",
                format!("{decision}; {digest}; {:?} after {took} ms", error.code()),
            ),
        };
        if let Err(error) = self.audit(&connection, action, outcome, &detail) {
            tracing::warn!(%error, action = %action.meta.id, "the outcome of an action could not be audited");
        }
        let output = output?;
        Ok(RunOutcome::Done(ActionResult {
            action: action.meta.id.clone(),
            connection_id: connection.id,
            summary: bounded(&output.summary, MAX_SUMMARY_BYTES),
            data: output.data,
            link: output.link,
        }))
    }

    /// The person declined a pending approval: recorded, nothing sent.
    pub fn decline(&self, request: &RunRequest) -> Result<(), ToolError> {
        let action = ActionCatalog::get()?.action(&request.action)?;
        let connection = self.resolve(action, request.connection_id)?;
        self.audit(
            &connection,
            action,
            "denied",
            &format!("by you; {}", digest(&request.arguments)),
        )
    }

    /// What applies to `action` on `connection` now.
    pub fn policy_of(&self, action: &Action, connection: ConnectionId) -> Result<Policy, ToolError> {
        let stored = action_policies::get(self.context.read().conn(), &action.meta.id, connection)?;
        Ok(Policy::effective(
            stored.as_deref(),
            action.meta.side_effect,
            action.meta.must_ask(),
        ))
    }

    /// Sets the person's choice for `action` (on one connection, or every account); `None`
    /// goes back to the default. "Always allow" is refused for a destructive action.
    pub fn set_policy(
        &self,
        action: &str,
        connection: Option<ConnectionId>,
        policy: Option<Policy>,
    ) -> Result<(), ToolError> {
        let action = ActionCatalog::get()?.action(action)?;
        if policy.is_some_and(|policy| !policy.allowed_for(action.meta.must_ask())) {
            return Err(ToolError::CannotAlwaysAllow {
                action: action.meta.title.clone(),
            });
        }
        if let Some(id) = connection {
            self.store.get(id)?;
        }
        let now = self.context.now();
        action_policies::set(
            self.context.db().conn(),
            &action.meta.id,
            connection,
            policy.map(Policy::as_str),
            now,
        )?;
        Ok(())
    }

    /// The given connection if it can run `action`, else the only enabled one that can.
    fn resolve(&self, action: &Action, given: Option<ConnectionId>) -> Result<Connection, ToolError> {
        let meta = &action.meta;
        let fits = |connection: &Connection| {
            connection.provider.as_str() == meta.provider && connection.products.contains(&meta.product)
        };
        if let Some(id) = given {
            let connection = self.store.usable(id)?;
            if !fits(&connection) {
                return Err(ToolError::WrongConnection {
                    action: meta.title.clone(),
                    product: self.product_name(meta),
                });
            }
            return Ok(connection);
        }
        let candidates: Vec<Connection> = self
            .store
            .list()?
            .into_iter()
            .filter(|connection| fits(connection) && connection.enabled)
            .filter(|connection| !matches!(connection.status, ConnectionStatus::NeedsReauthorization { .. }))
            .collect();
        match candidates.as_slice() {
            [] => Err(ToolError::NoConnection {
                product: self.product_name(meta),
            }),
            [only] => Ok(self.store.usable(only.id)?),
            several => Err(ToolError::WhichConnection {
                choices: several
                    .iter()
                    .map(|connection| format!("{} (connection {})", display_name(connection), connection.id))
                    .collect(),
            }),
        }
    }

    /// Each need met by a granted scope, or `NeedsConsent` naming what is missing in plain
    /// words (SECURITY.md F2).
    fn check_scopes(&self, action: &Action, connection: &Connection, provider: &Provider) -> Result<(), ToolError> {
        let missing = missing_scopes(action, connection);
        if missing.is_empty() {
            return Ok(());
        }
        Err(ToolError::NeedsConsent {
            provider: provider.name.clone(),
            missing: missing
                .iter()
                .map(|scope| in_words(Some(provider), scope).to_lowercase())
                .collect(),
        })
    }

    /// Every action (of `product`, if given) as the window and the CLI show it; for
    /// `connection`, with its policy and the scopes it lacks.
    pub fn actions(
        &self,
        product: Option<&str>,
        connection: Option<ConnectionId>,
    ) -> Result<Vec<ActionInfo>, ToolError> {
        let connection = connection.map(|id| self.store.get(id)).transpose()?;
        let mut infos = Vec::new();
        for action in ActionCatalog::get()?.all() {
            let fits = connection.as_ref().is_none_or(|c| {
                c.provider.as_str() == action.meta.provider && c.products.contains(&action.meta.product)
            });
            if !fits || product.is_some_and(|product| product != action.meta.product) {
                continue;
            }
            let stored = action_policies::get(
                self.context.read().conn(),
                &action.meta.id,
                connection.as_ref().map_or(ConnectionId(0), |c| c.id),
            )?;
            let policy = Policy::effective(stored.as_deref(), action.meta.side_effect, action.meta.must_ask());
            let provider = self.context.catalog().provider(&action.meta.provider);
            infos.push(ActionInfo::new(action, provider, connection.as_ref(), policy));
        }
        Ok(infos)
    }

    fn product_name(&self, meta: &super::catalog::ActionMeta) -> String {
        self.context
            .catalog()
            .provider(&meta.provider)
            .and_then(|provider| provider.products.iter().find(|product| product.id == meta.product))
            .map_or_else(|| meta.product.clone(), |product| product.name.clone())
    }

    /// Appends the run's audit row, committed before this returns.
    fn audit(&self, connection: &Connection, action: &Action, outcome: &str, detail: &str) -> Result<(), ToolError> {
        let entry = self
            .store
            .audit_entry(connection, &action.meta.id, outcome, Some(detail));
        audit::append(self.context.db().conn(), &entry)?;
        Ok(())
    }
}

/// A digest of the arguments for the audit log: which run it was, without what it said.
fn digest(arguments: &serde_json::Value) -> String {
    let hash = Sha256::digest(arguments.to_string().as_bytes());
    let hex: String = hash.iter().take(8).map(|byte| format!("{byte:02x}")).collect();
    format!("arguments sha256:{hex}")
}
