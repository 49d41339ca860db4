//! Finding what a request names in words ("the Q3 numbers sheet", "#eng", "ABC-123") among the
//! account's resources, with the same search the pickers use. One clear match (the only result,
//! or the only one whose name is the words exactly) is used and said; several or none leave the
//! field to the person, with a picker searched for those words. A container met on the way
//! (the only Jira site) is opened once. A value a read action lists from the step's other fields
//! (a Jira issue's transitions) is found by the action the catalogue names for it.

use serde_json::{Map, Value};

use crate::ids::ConnectionId;
use crate::resources::{ListRequest, Resource, Resources};
use crate::tools::{ActionCatalog, Consent, Executor, RunOutcome, RunRequest};

/// What a lookup came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    One(Resource),
    /// Several or none: ask, with a picker searched for the words.
    Ask,
}

/// A value only an action lists (a Jira issue's transitions): runs that read `resolver` with the
/// arguments it shares with the step, and takes the one entry whose name (or destination) is the
/// words; its id and name.
pub async fn find_by_action(
    executor: &Executor,
    connection: ConnectionId,
    resolver: &str,
    known: &Map<String, Value>,
    words: &str,
) -> Option<(String, String)> {
    let action = ActionCatalog::get().ok()?.action(resolver).ok()?;
    let shared: Map<String, Value> = known
        .iter()
        .filter(|(name, _)| action.schema["properties"].get(name.as_str()).is_some())
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let request = RunRequest {
        action: resolver.to_owned(),
        connection_id: Some(connection),
        arguments: Value::Object(shared),
    };
    let Ok(RunOutcome::Done(result)) = executor.run(&request, Consent::NotYet).await else {
        return None;
    };
    let wanted = words.trim();
    let matching: Vec<&Value> = result
        .data
        .as_array()?
        .iter()
        .filter(|entry| {
            ["name", "to"].iter().any(|field| {
                entry[*field]
                    .as_str()
                    .is_some_and(|name| name.eq_ignore_ascii_case(wanted))
            })
        })
        .collect();
    match matching.as_slice() {
        [one] => Some((
            one["id"].as_str()?.to_owned(),
            one["name"].as_str().unwrap_or(wanted).to_owned(),
        )),
        _ => None,
    }
}

/// The resource kind a parameter's picker lists (`x-resource-picker.kind`, also on an array's items).
pub fn picker_kind(schema: &Value, field: &str) -> Option<String> {
    let property = &schema["properties"][field];
    property["x-resource-picker"]["kind"]
        .as_str()
        .or_else(|| property["items"]["x-resource-picker"]["kind"].as_str())
        .map(str::to_owned)
}

pub async fn find(resources: &Resources, connection: ConnectionId, kind: &str, words: &str) -> Found {
    if kind == "jira.issue" || kind == "jira.project" {
        if let Some(found) = jira_by_key(resources, connection, words).await {
            return found;
        }
    }
    let mut location = None;
    for _ in 0..2 {
        let items = list(resources, connection, kind, location.clone(), words).await;
        let selectable: Vec<&Resource> = items.iter().filter(|item| item.selectable).collect();
        let exact: Vec<&Resource> = selectable
            .iter()
            .copied()
            .filter(|item| !words.is_empty() && same_name(&item.name, words))
            .collect();
        match (exact.as_slice(), selectable.as_slice()) {
            ([one], _) | (_, [one]) => return Found::One((*one).clone()),
            (_, []) => {
                // Nothing selectable here: open the only container, once.
                let containers: Vec<&Resource> = items.iter().filter(|item| item.location.is_some()).collect();
                match containers.as_slice() {
                    [only] if location.is_none() => location = only.location.clone(),
                    _ => return Found::Ask,
                }
            }
            _ => return Found::Ask,
        }
    }
    Found::Ask
}

/// A Jira key ("WEB-42", "WEB") names an issue or project by itself: its id is the site whose
/// projects include the key's project, then the key (`<cloudId>/<KEY>`). Not a key: `None`.
async fn jira_by_key(resources: &Resources, connection: ConnectionId, words: &str) -> Option<Found> {
    let key = words.trim();
    let project = key.split_once('-').map_or(key, |(project, _)| project);
    let is_key = !project.is_empty()
        && project.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && project.starts_with(|c: char| c.is_ascii_uppercase())
        && key
            .split_once('-')
            .is_none_or(|(_, number)| !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()));
    if !is_key {
        return None;
    }
    let mut sites = Vec::new();
    for site in list(resources, connection, "jira.site", None, "").await {
        let projects = list(resources, connection, "jira.project", Some(site.id.clone()), project).await;
        if projects
            .iter()
            .any(|found| found.id.rsplit_once('/').is_some_and(|(_, own)| own == project))
        {
            sites.push(site);
        }
    }
    match sites.as_slice() {
        [site] => Some(Found::One(Resource {
            id: format!("{}/{key}", site.id),
            name: key.to_owned(),
            item: if key.contains('-') { "issue" } else { "project" }.to_owned(),
            detail: Some(site.name.clone()),
            location: None,
            selectable: true,
        })),
        _ => Some(Found::Ask),
    }
}

fn same_name(name: &str, words: &str) -> bool {
    let simple = |text: &str| {
        text.to_lowercase()
            .trim_start_matches('#')
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let name = simple(name);
    let words = simple(words);
    // A repository is named by its full name or its own ("octocat/hello-world", "hello-world").
    name == words || name.rsplit_once('/').is_some_and(|(_, own)| own == words)
}

async fn list(
    resources: &Resources,
    connection: ConnectionId,
    kind: &str,
    location: Option<String>,
    words: &str,
) -> Vec<Resource> {
    let request = ListRequest {
        connection,
        kind: kind.to_owned(),
        location,
        search: (!words.is_empty()).then(|| words.to_owned()),
        filter: None,
        refresh: false,
    };
    let mut items = Vec::new();
    let listing = format!("assistant-{}-{}", connection.0, kind.replace('.', "-"));
    let result = resources
        .list(&listing, &request, &mut |page| items.extend(page.items))
        .await;
    if let Err(error) = result {
        tracing::info!(%error, kind, "a lookup found nothing it could use");
        return Vec::new();
    }
    items
}
