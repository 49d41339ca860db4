//! Supabase's actions, on the project's REST API (PostgREST) at `{project_url}/rest/v1/{table}`:
//! reading rows with PostgREST's filters (`column=operator.value`), ordering and a limit, and
//! inserting one row (`Prefer: return=representation`, so the stored row comes back). The
//! project's URL is the connection's own setting; names are checked by pattern and sent as one
//! path segment or query key each.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use url::Url;

use super::{action, items, picked, string_param, ActionCode, Answer, Target};
use crate::tools::call::{Call, Method};
use crate::tools::error::ToolError;
use crate::tools::output::{bounded, list_summary, ActionOutput, MAX_SUMMARY_BYTES};

/// A Postgres identifier as PostgREST exposes it (lowercase, unquoted).
const NAME_PATTERN: &str = r"^[A-Za-z_][A-Za-z0-9_]{0,62}$";

pub fn actions() -> Vec<ActionCode> {
    vec![
        action!("supabase.select_rows", SelectRows, select, read_rows),
        action!("supabase.insert_row", InsertRow, insert, read_inserted),
    ]
}

string_param!(
    /// A table or view of the project, chosen with the table picker.
    Table,
    pattern = NAME_PATTERN,
    picker = ("supabase", "supabase.table")
);

string_param!(
    /// A column's name, or the column as the column picker names it (`table.column`, of the
    /// table chosen above).
    Column,
    pattern = r"^([A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$",
    picker = ("supabase", "supabase.column", within = "table")
);

/// How a filter compares (PostgREST's operators).
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Operator {
    Eq,
    Neq,
    Gt,
    Gte,
    Lt,
    Lte,
    /// A pattern with `*` (or `%`) as the wildcard.
    Like,
    /// `like` without regard to case.
    Ilike,
    /// `null`, `true` or `false`.
    Is,
    /// One of a comma-separated list.
    In,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    column: Column,
    operator: Operator,
    /// The value to compare with (for `in`, values separated by commas).
    value: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Order {
    column: Column,
    /// Largest (or latest) first.
    #[serde(default)]
    descending: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectRows {
    /// The table or view to read.
    table: Table,
    /// Only these columns (all of them if none are given).
    #[serde(default)]
    columns: Vec<Column>,
    /// Only rows where every filter holds.
    #[serde(default)]
    filters: Vec<Filter>,
    /// The order of the rows.
    #[serde(default)]
    order: Option<Order>,
    /// At most this many rows (1–1000, 100 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 1000))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InsertRow {
    /// The table to insert into.
    table: Table,
    /// The row: column names and their values.
    #[schemars(length(min = 1))]
    row: Map<String, Value>,
}

/// `{project_url}/rest/v1/{table}`, the project URL being the connection's setting.
fn table_url(target: &Target<'_>, table: &Table) -> Result<Url, ToolError> {
    let project = target
        .connection
        .config
        .get("project_url")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .ok_or_else(|| {
            ToolError::Plan("this Supabase connection has no project URL; connect it again with it".into())
        })?;
    let project = Target {
        api_base: project,
        connection: target.connection,
    };
    project.url(&["rest", "v1", &table.0])
}

fn select(params: &SelectRows, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = table_url(target, &params.table)?;
    let table = params.table.0.as_str();
    {
        let mut query = url.query_pairs_mut();
        if !params.columns.is_empty() {
            let names = (params.columns.iter().enumerate())
                .map(|(at, name)| picked::supabase_column(table, &name.0, &format!("/columns/{at}")))
                .collect::<Result<Vec<&str>, _>>()?;
            query.append_pair("select", &names.join(","));
        }
        for (at, filter) in params.filters.iter().enumerate() {
            let name = picked::supabase_column(table, &filter.column.0, &format!("/filters/{at}/column"))?;
            query.append_pair(name, &condition(filter));
        }
        if let Some(order) = &params.order {
            let direction = if order.descending { "desc" } else { "asc" };
            let name = picked::supabase_column(table, &order.column.0, "/order/column")?;
            query.append_pair("order", &format!("{name}.{direction}"));
        }
        query.append_pair("limit", &params.limit.unwrap_or(100).to_string());
    }
    Ok(Call::new(Method::Get, url))
}

/// `operator.value` as PostgREST reads it; a list for `in` is quoted item by item, so a comma or
/// parenthesis inside a value stays part of it.
fn condition(filter: &Filter) -> String {
    let operator = match filter.operator {
        Operator::Eq => "eq",
        Operator::Neq => "neq",
        Operator::Gt => "gt",
        Operator::Gte => "gte",
        Operator::Lt => "lt",
        Operator::Lte => "lte",
        Operator::Like => "like",
        Operator::Ilike => "ilike",
        Operator::Is => "is",
        Operator::In => "in",
    };
    match filter.operator {
        Operator::In => {
            let quoted: Vec<String> = filter
                .value
                .split(',')
                .map(|item| format!("\"{}\"", item.trim().replace('\\', "\\\\").replace('"', "\\\"")))
                .collect();
            format!("in.({})", quoted.join(","))
        }
        _ => format!("{operator}.{}", filter.value),
    }
}

fn read_rows(params: &SelectRows, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let rows = items(&answer.json);
    let lines = rows.iter().map(|row| bounded(&row.to_string(), 200));
    let noun = format!("rows from {}", params.table.0);
    let summary = list_summary(rows.len(), &noun, lines.collect::<Vec<_>>());
    Ok(ActionOutput::new(summary, Value::Array(rows.to_vec())))
}

fn insert(params: &InsertRow, target: &Target<'_>) -> Result<Call, ToolError> {
    let url = table_url(target, &params.table)?;
    Ok(Call::new(Method::Post, url)
        .header("Prefer", "return=representation")
        .json(Value::Object(params.row.clone())))
}

fn read_inserted(params: &InsertRow, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let stored = items(&answer.json).first().cloned().unwrap_or(Value::Null);
    let id = stored.get("id").map(Value::to_string);
    let summary = match id {
        Some(id) => format!("Inserted a row into {} (id {id}).", params.table.0),
        None => format!("Inserted a row into {}.", params.table.0),
    };
    Ok(ActionOutput::new(bounded(&summary, MAX_SUMMARY_BYTES), json!(stored)))
}
