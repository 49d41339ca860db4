//! The catalogue of actions: each one's description as data (`catalog/actions/*.toml`, read at
//! compile time with unknown keys refused) joined by id to its code (parameters type, request,
//! answer), with the JSON Schema derived from the parameters type and compiled once for
//! validation. Built once per process; a unit test checks that data and code name the same
//! actions.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::actions::{self, ActionCode};
use super::error::ToolError;

const FILES: &[(&str, &str)] = &[
    ("calendar.toml", include_str!("../../catalog/actions/calendar.toml")),
    ("confluence.toml", include_str!("../../catalog/actions/confluence.toml")),
    ("drive.toml", include_str!("../../catalog/actions/drive.toml")),
    ("github.toml", include_str!("../../catalog/actions/github.toml")),
    ("gmail.toml", include_str!("../../catalog/actions/gmail.toml")),
    ("jira.toml", include_str!("../../catalog/actions/jira.toml")),
    ("notion.toml", include_str!("../../catalog/actions/notion.toml")),
    ("sheets.toml", include_str!("../../catalog/actions/sheets.toml")),
    ("slack.toml", include_str!("../../catalog/actions/slack.toml")),
    ("supabase.toml", include_str!("../../catalog/actions/supabase.toml")),
    ("telegram.toml", include_str!("../../catalog/actions/telegram.toml")),
];

/// What running an action does to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SideEffect {
    /// Reads only: allowed unless the person says otherwise.
    Read,
    /// Creates or changes something: asks first unless the person said "always allow".
    Write,
    /// Deletes or cannot be undone: always asks.
    Destructive,
}

/// An action as the catalogue describes it, for people and for models (read from snake_case
/// TOML, sent in camelCase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all(serialize = "camelCase"))]
#[ts(rename_all = "camelCase")]
pub struct ActionMeta {
    pub id: String,
    #[serde(default)]
    pub provider: String,
    pub product: String,
    pub title: String,
    /// What it does, when to use it, what it returns.
    pub description: String,
    pub side_effect: SideEffect,
    /// Each entry is one need, met by any of its scopes (the narrowest first).
    pub scopes: Vec<Vec<String>>,
    /// Asks every time, even if it only writes (it reads a file from this computer).
    #[serde(default)]
    pub always_asks: bool,
    /// How people ask for it, beyond its title ("bookmark a repo", "ping #eng"): the offline
    /// planner ranks requests against these.
    #[serde(default, skip_serializing)]
    #[ts(skip)]
    pub synonyms: Vec<String>,
    /// Parameters whose values another (read) action lists from the action's other fields, by
    /// parameter: a Jira issue's transitions, found by `jira.list_transitions` and chosen by
    /// name (the chat's way; a form has the `jira.transition` picker).
    #[serde(default, skip_serializing)]
    #[ts(skip)]
    pub resolved_by: BTreeMap<String, String>,
}

impl ActionMeta {
    /// Whether every run asks first: a destructive action, or one marked `always_asks`.
    pub fn must_ask(&self) -> bool {
        self.side_effect == SideEffect::Destructive || self.always_asks
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionFile {
    provider: String,
    actions: Vec<ActionMeta>,
}

/// An action ready to run: its description, schema, validator and code.
pub struct Action {
    pub meta: ActionMeta,
    /// The parameters' JSON Schema (draft 2020-12, `additionalProperties: false`, pickers
    /// marked with `x-resource-picker`).
    pub schema: serde_json::Value,
    validator: jsonschema::Validator,
    pub(super) code: ActionCode,
}

impl Action {
    /// Every way `arguments` fails the schema, each as "JSON pointer: what is wrong".
    pub fn invalid_arguments(&self, arguments: &serde_json::Value) -> Vec<String> {
        self.validator
            .iter_errors(arguments)
            .map(|error| {
                let pointer = error.instance_path().to_string();
                let at = if pointer.is_empty() { "/".to_owned() } else { pointer };
                format!("{at}: {error}")
            })
            .collect()
    }
}

pub struct ActionCatalog {
    actions: BTreeMap<String, Action>,
}

static CATALOG: LazyLock<Result<ActionCatalog, String>> = LazyLock::new(ActionCatalog::build);

impl ActionCatalog {
    /// The catalogue of this build.
    pub fn get() -> Result<&'static ActionCatalog, ToolError> {
        CATALOG.as_ref().map_err(|problem| ToolError::Catalog(problem.clone()))
    }

    pub fn action(&self, id: &str) -> Result<&Action, ToolError> {
        self.actions
            .get(id)
            .ok_or_else(|| ToolError::UnknownAction(id.to_owned()))
    }

    /// Every action, by id.
    pub fn all(&self) -> impl Iterator<Item = &Action> {
        self.actions.values()
    }

    fn build() -> Result<Self, String> {
        let mut code: BTreeMap<&'static str, ActionCode> =
            actions::all().into_iter().map(|code| (code.id, code)).collect();
        let mut actions = BTreeMap::new();
        for (name, text) in FILES {
            let file: ActionFile = toml::from_str(text).map_err(|error| format!("{name}: {error}"))?;
            for mut meta in file.actions {
                meta.provider = file.provider.clone();
                let code = code
                    .remove(meta.id.as_str())
                    .ok_or_else(|| format!("{name}: {} has no code", meta.id))?;
                let schema = serde_json::to_value((code.schema)()).map_err(|error| error.to_string())?;
                let validator =
                    jsonschema::validator_for(&schema).map_err(|error| format!("{}: schema: {error}", meta.id))?;
                let action = Action {
                    meta,
                    schema,
                    validator,
                    code,
                };
                actions.insert(action.meta.id.clone(), action);
            }
        }
        if let Some(id) = code.keys().next() {
            return Err(format!("{id} has code but no entry in catalog/actions"));
        }
        Ok(Self { actions })
    }
}

#[cfg(test)]
#[path = "catalog_tests.rs"]
mod tests;
