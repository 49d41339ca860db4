//! Supabase: a project's tables and views and their columns, read from the OpenAPI (2.0)
//! document its REST API (PostgREST) serves at `{project_url}/rest/v1/`. One request, no
//! pages. Not rows, functions or storage.
//!
//! Locations: none is the tables and views; `<table>` that table's (or view's) columns. Ids: a
//! table's name, `<table>.<column>` for a column. The base is the connection's `project_url`
//! setting, not the catalogue's. The listing filters by name.

use super::super::model::Resource;
use super::super::source::{
    api_url, bad_location, clean_text, count_of, joined_detail, text_field, ApiAnswer, Next, Parsed, Plan, Query,
    Source,
};
use crate::resources::error::ResourceError;
use crate::resources::KindId;

pub struct Supabase;

/// Postgres names are at most 63 bytes.
const NAME_MAX: usize = 63;
/// How PostgREST marks a primary key column in its description.
const PRIMARY_KEY_MARK: &str = "<pk/>";

impl Source for Supabase {
    fn plan(&self, query: &Query) -> Result<Plan, ResourceError> {
        if let Some(location) = query.location {
            if query.kind != KindId::SupabaseColumn || !is_name(location) {
                return Err(bad_location(location));
            }
        }
        let project_url = query
            .config
            .get("project_url")
            .and_then(serde_json::Value::as_str)
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .ok_or_else(|| ResourceError::NoProjectUrl)?;
        Ok(Plan::get(api_url(project_url, "/rest/v1/")?))
    }

    fn parse(&self, query: &Query, answer: &ApiAnswer) -> Result<Parsed, ResourceError> {
        let document = &answer.json;
        let definitions = document.get("definitions").and_then(serde_json::Value::as_object);
        let items = match query.location {
            None => {
                let mut items: Vec<Resource> = definitions
                    .into_iter()
                    .flatten()
                    .filter_map(|(name, definition)| relation(query, document, name, definition))
                    .collect();
                items.sort_by(|a, b| a.name.cmp(&b.name));
                items
            }
            Some(table) => {
                let definition = definitions
                    .and_then(|definitions| definitions.get(table))
                    .ok_or_else(|| ResourceError::NotInProject {
                        place: clean_text(table),
                    })?;
                columns(table, definition)
            }
        };
        Ok(Parsed {
            items,
            next: Next::Done,
        })
    }

    fn searches(&self, _query: &Query) -> bool {
        false
    }
}

/// A table or column name as a location or id can carry it: 1 to 63 bytes, no control
/// character.
fn is_name(text: &str) -> bool {
    !text.is_empty() && text.len() <= NAME_MAX && !text.chars().any(char::is_control)
}

/// A definition as a table or a view: a view is one its path cannot write to (no `post`,
/// `patch` or `delete`).
fn relation(
    query: &Query,
    document: &serde_json::Value,
    name: &str,
    definition: &serde_json::Value,
) -> Option<Resource> {
    if !is_name(name) {
        return None;
    }
    let path = document.get("paths").and_then(|paths| paths.get(format!("/{name}")));
    let writable = ["post", "patch", "delete"]
        .iter()
        .any(|method| path.and_then(|path| path.get(method)).is_some());
    let item = if writable { "table" } else { "view" };
    if !matches!(query.filter, "" | "all") && query.filter != item {
        return None;
    }
    let columns = definition
        .get("properties")
        .and_then(serde_json::Value::as_object)
        .map_or(0, serde_json::Map::len);
    let leads = query.kind == KindId::SupabaseColumn;
    Some(Resource {
        id: name.to_owned(),
        name: clean_text(name),
        item: item.to_owned(),
        detail: Some(count_of(columns as u64, "column")),
        location: leads.then(|| name.to_owned()),
        selectable: !leads,
    })
}

/// A definition's columns, in the order the parsed document keeps them: the document's own
/// (the table's) order where serde_json preserves order, by name where it does not.
fn columns(table: &str, definition: &serde_json::Value) -> Vec<Resource> {
    let required: Vec<&str> = definition
        .get("required")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect();
    definition
        .get("properties")
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(column, _)| is_name(column))
        .map(|(column, schema)| {
            let primary = schema
                .get("description")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|description| description.contains(PRIMARY_KEY_MARK));
            Resource {
                id: format!("{table}.{column}"),
                name: clean_text(column),
                item: "column".to_owned(),
                detail: joined_detail([
                    text_field(schema, "format").or_else(|| text_field(schema, "type")),
                    primary.then(|| "primary key".to_owned()),
                    required.contains(&column.as_str()).then(|| "required".to_owned()),
                ]),
                location: None,
                selectable: true,
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "supabase_tests.rs"]
mod tests;
