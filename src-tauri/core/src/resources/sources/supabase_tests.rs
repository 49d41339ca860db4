use super::super::test_support::{answer, provider, query, url_of};
use super::*;
use crate::catalog::Provider;
use crate::error::ErrorCode;

fn config() -> serde_json::Value {
    serde_json::json!({"project_url": "http://127.0.0.1:9/project"})
}

fn asked<'a>(
    provider: &'a Provider,
    config: &'a serde_json::Value,
    kind: &'a str,
    location: Option<&'a str>,
) -> Query<'a> {
    Query {
        config,
        ..query(provider, kind, location)
    }
}

/// The shape PostgREST serves: a table (writable path), a view (read-only path), a function.
fn document() -> serde_json::Value {
    serde_json::json!({
        "swagger": "2.0",
        "info": {"title": "standard public schema", "version": "12.2.0"},
        "paths": {
            "/": {"get": {}},
            "/todos": {"get": {}, "post": {}, "delete": {}, "patch": {}},
            "/open_todos": {"get": {}},
            "/<b>odd</b>": {"get": {}, "post": {}},
            "/rpc/add_them": {"post": {}}
        },
        "definitions": {
            "todos": {
                "required": ["id", "task"],
                "properties": {
                    "id": {"description": "Note:\nThis is a Primary Key.<pk/>", "format": "bigint", "type": "integer"},
                    "task": {"format": "text", "type": "string"},
                    "done": {"default": false, "format": "boolean", "type": "boolean"},
                    "due": {"type": "string"}
                },
                "type": "object"
            },
            "open_todos": {
                "properties": {"id": {"format": "bigint", "type": "integer"}},
                "type": "object"
            },
            "<b>odd</b>": {"properties": {}, "type": "object"}
        }
    })
}

#[test]
fn the_openapi_document_is_asked_of_the_connections_project() {
    let provider = provider("supabase");
    let config = config();
    for location in [None, Some("todos")] {
        let plan = Supabase
            .plan(&asked(&provider, &config, "supabase.column", location))
            .expect("a plan");
        assert_eq!(
            url_of(&plan).as_str(),
            "http://127.0.0.1:9/project/rest/v1/",
            "tables and columns both come from the one document"
        );
    }
}

#[test]
fn a_connection_without_a_project_url_says_so() {
    let provider = provider("supabase");
    for config in [serde_json::Value::Null, serde_json::json!({"project_url": " "})] {
        let error = Supabase
            .plan(&asked(&provider, &config, "supabase.table", None))
            .expect_err("nowhere to ask");
        assert_eq!(error.code(), ErrorCode::InvalidInput);
        assert!(
            error.to_string().contains("project URL"),
            "the message names what is missing: {}",
            error
        );
    }
}

#[test]
fn hostile_or_malformed_locations_are_refused() {
    let provider = provider("supabase");
    let config = config();
    let long = "t".repeat(64);
    for (kind, location) in [
        ("supabase.column", ""),
        ("supabase.column", long.as_str()),
        ("supabase.column", "todos\n"),
        ("supabase.column", "to\u{0}dos"),
        ("supabase.table", "todos"),
    ] {
        let error = Supabase
            .plan(&asked(&provider, &config, kind, Some(location)))
            .expect_err("not a table to open");
        assert_eq!(
            error.code(),
            ErrorCode::InvalidInput,
            "{kind} at {location:?} must be refused"
        );
    }
}

#[test]
fn tables_and_views_are_told_apart_by_whether_their_path_writes() {
    let provider = provider("supabase");
    let config = config();
    let query = asked(&provider, &config, "supabase.table", None);
    let parsed = Supabase.parse(&query, &answer(document())).expect("parsed");
    let shown: Vec<(&str, &str, Option<&str>)> = parsed
        .items
        .iter()
        .map(|item| (item.name.as_str(), item.item.as_str(), item.detail.as_deref()))
        .collect();
    assert_eq!(
        shown,
        [
            ("<b>odd</b>", "table", Some("0 columns")),
            ("open_todos", "view", Some("1 column")),
            ("todos", "table", Some("4 columns")),
        ],
        "sorted by name, names kept as text, functions are not relations"
    );
    assert!(parsed
        .items
        .iter()
        .all(|item| item.selectable && item.location.is_none()));
    assert_eq!(parsed.next, Next::Done, "one document, one page");

    for (filter, expected) in [("table", vec!["<b>odd</b>", "todos"]), ("view", vec!["open_todos"])] {
        let mut filtered = asked(&provider, &config, "supabase.table", None);
        filtered.filter = filter;
        let parsed = Supabase.parse(&filtered, &answer(document())).expect("parsed");
        let names: Vec<&str> = parsed.items.iter().map(|item| item.id.as_str()).collect();
        assert_eq!(names, expected, "filter {filter:?}");
    }

    let for_columns = Supabase
        .parse(&asked(&provider, &config, "supabase.column", None), &answer(document()))
        .expect("parsed");
    assert_eq!(
        for_columns.items[2].location.as_deref(),
        Some("todos"),
        "a table opens to its columns"
    );
    assert!(!for_columns.items[2].selectable);
}

#[test]
fn columns_read_with_type_primary_key_and_required() {
    let provider = provider("supabase");
    let config = config();
    let query = asked(&provider, &config, "supabase.column", Some("todos"));
    let parsed = Supabase.parse(&query, &answer(document())).expect("parsed");
    let mut shown: Vec<(&str, &str, Option<&str>)> = parsed
        .items
        .iter()
        .map(|item| (item.id.as_str(), item.name.as_str(), item.detail.as_deref()))
        .collect();
    // The order is the parsed map's (the document's only where serde_json preserves order).
    shown.sort_unstable();
    assert_eq!(
        shown,
        [
            ("todos.done", "done", Some("boolean")),
            ("todos.due", "due", Some("string")),
            ("todos.id", "id", Some("bigint · primary key · required")),
            ("todos.task", "task", Some("text · required")),
        ],
        "the format (else the type), then the <pk/> mark and `required` in words"
    );
    assert!(parsed.items.iter().all(|item| item.selectable && item.item == "column"));
}

#[test]
fn a_table_the_document_does_not_have_is_not_found() {
    let provider = provider("supabase");
    let config = config();
    let query = asked(&provider, &config, "supabase.column", Some("gone"));
    let error = Supabase.parse(&query, &answer(document())).expect_err("no such table");
    assert_eq!(
        error.code(),
        ErrorCode::NotFound,
        "the table was dropped or is not exposed"
    );
    assert!(
        error.to_string().contains("not in this project"),
        "{}",
        error.to_string()
    );
    assert!(!Supabase.searches(&query), "the listing filters tables and columns");
}
