//! Finding what a request names in words ("the Q3 numbers sheet", "#eng", "ABC-123") among the
//! account's resources, with the same search the pickers use. One clear match (the only result,
//! or the only one whose name is the words exactly) is used and said; several or none leave the
//! field to the person, with a picker searched for those words. A container met on the way
//! (the only Jira site) is opened once.

use serde_json::Value;

use crate::ids::ConnectionId;
use crate::resources::{ListRequest, Resource, Resources};

/// What a lookup came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    One(Resource),
    /// Several or none: ask, with a picker searched for the words.
    Ask,
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
