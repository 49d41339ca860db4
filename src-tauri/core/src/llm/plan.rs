//! What a planner is asked and what it answers: the request with its clock and the products the
//! person has connected, and either the steps to take or a plain reply.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// A request to plan.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub text: String,
    /// Now, in the person's time zone: every relative date is read against it.
    pub now: jiff::Zoned,
    /// The products with at least one usable connection (suggestions and tie-breaks only:
    /// a request for a product not connected is still planned, and the run asks to connect).
    pub connected: Vec<String>,
    /// The person's earlier messages in this conversation, newest first (what "it" points at).
    pub earlier: Vec<String>,
}

/// A planner's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Plan {
    /// One action, or several chained (each later one may take an earlier one's result).
    Steps { steps: Vec<PlannedStep> },
    /// Nothing in the catalogue fits: a reply that says so and what it can do.
    NotUnderstood { reply: String },
}

/// One action to run, as far as the request fills it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedStep {
    pub action: String,
    /// The parameters the request gave, already in the schema's shapes.
    #[ts(type = "Record<string, unknown>")]
    pub arguments: Map<String, Value>,
    /// Parameters that name a resource in words ("the Q3 numbers sheet" → "q3 numbers"),
    /// to be found with the resources search; "" means the person's only one.
    pub lookups: BTreeMap<String, String>,
    /// Required parameters nobody gave (asked for, never guessed).
    pub missing: Vec<String>,
    /// The parameter filled with the previous step's result (a chain's "post a summary").
    pub from_previous: Option<String>,
    /// The language model's tool call this step answers (its result goes back to the model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub call_id: Option<String>,
}

impl PlannedStep {
    pub fn new(action: &str) -> Self {
        Self {
            action: action.to_owned(),
            arguments: Map::new(),
            lookups: BTreeMap::new(),
            missing: Vec::new(),
            from_previous: None,
            call_id: None,
        }
    }
}
