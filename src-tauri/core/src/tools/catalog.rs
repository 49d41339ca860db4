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
    /// Asks every time, even if it only writes (it reads a file from this computer, or lets
    /// someone else see a file).
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

/// How many of the ways arguments fail the schema are told.
const MAX_TOLD_PROBLEMS: usize = 10;
/// How long one of them may be, in characters.
const MAX_PROBLEM_CHARS: usize = 300;

/// `text` cut to `chars` characters, with "…" where it was cut.
fn bounded(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
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
    /// How `arguments` fails the schema, each as "JSON pointer: what is wrong": the first
    /// [`MAX_TOLD_PROBLEMS`], then how many more. A value too long to repeat is named "value"
    /// (a megabyte of subject line is not echoed back), and each message is cut.
    pub fn invalid_arguments(&self, arguments: &serde_json::Value) -> Vec<String> {
        let mut told = Vec::new();
        let mut more = 0;
        for error in self.validator.iter_errors(arguments) {
            if told.len() == MAX_TOLD_PROBLEMS {
                more += 1;
                continue;
            }
            let pointer = bounded(&error.instance_path().to_string(), MAX_PROBLEM_CHARS / 2);
            let at = if pointer.is_empty() { "/".to_owned() } else { pointer };
            let whole = error.to_string();
            let what = match whole.chars().count() > MAX_PROBLEM_CHARS {
                true => error.masked().to_string(),
                false => whole,
            };
            told.push(format!("{at}: {}", bounded(&what, MAX_PROBLEM_CHARS)));
        }
        if more > 0 {
            told.push(format!("and {more} more"));
        }
        told
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

#[cfg(test)]
mod told_problems {
    use super::ActionCatalog;

    #[test]
    fn a_huge_bad_value_is_not_echoed_and_many_problems_are_counted_not_listed() {
        let catalog = ActionCatalog::build().unwrap_or_else(|problem| panic!("the catalogue: {problem}"));
        let send = catalog.action("gmail.send_email").expect("the action");
        let subject = format!("Q3\n{}", "x".repeat(1_000_000));
        let problems =
            send.invalid_arguments(&serde_json::json!({"to": ["ana@example.com"], "subject": subject, "body": "hi"}));
        assert!(
            problems.iter().any(|problem| problem.starts_with("/subject: ")),
            "F3: the field is still named: {problems:?}"
        );
        let told: usize = problems.iter().map(String::len).sum();
        assert!(
            told < 2_000,
            "a megabyte subject is not repeated back ({told} bytes told)"
        );

        let to: Vec<String> = (0..50).map(|n| format!("not an address {n}")).collect();
        let many = send.invalid_arguments(&serde_json::json!({"to": to, "subject": "Q3", "body": "hi"}));
        assert!(
            many.len() <= 11
                && many
                    .last()
                    .is_some_and(|last| last.starts_with("and ") && last.ends_with(" more")),
            "at most ten problems told, then how many more: {many:?}"
        );
    }
}

#[cfg(test)]
mod what_always_asks {
    use super::ActionCatalog;

    #[test]
    fn deleting_sharing_and_reading_a_local_file_always_ask_and_nothing_else_is_forced_to() {
        let catalog = ActionCatalog::build().unwrap_or_else(|problem| panic!("the catalogue: {problem}"));
        let always: Vec<&str> = catalog
            .all()
            .filter(|action| action.meta.must_ask())
            .map(|action| action.meta.id.as_str())
            .collect();
        assert_eq!(
            always,
            ["calendar.delete_event", "drive.share_file", "drive.trash_file", "drive.upload_file"],
            "F4: what deletes, shares a file with someone else or reads one of this computer's can never be always allowed"
        );
    }
}
