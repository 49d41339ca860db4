//! Google Sheets' actions (Sheets API v4, on the catalogue's Sheets base): reading a range,
//! appending rows (`values:append` with `INSERT_ROWS`), updating a range (`values.update`) —
//! both with `valueInputOption` (`USER_ENTERED` unless raw; an update sends an empty cell as
//! `""`, since Sheets skips a null one) — and creating a spreadsheet. Ranges are A1 notation,
//! sent as one path segment.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{action, items, string_param, text, ActionCode, Answer, Target};
use crate::tools::call::{Call, Method};
use crate::tools::error::ToolError;
use crate::tools::output::{bounded, list_summary, ActionOutput};

pub fn actions() -> Vec<ActionCode> {
    vec![
        action!("sheets.read_range", ReadRange, read_range, read_values),
        action!("sheets.append_rows", WriteRows, append, read_appended),
        action!("sheets.update_range", WriteRows, update, read_updated),
        action!("sheets.create_spreadsheet", CreateSpreadsheet, create, read_created),
    ]
}

string_param!(
    /// A spreadsheet's id, chosen with the spreadsheet picker.
    Spreadsheet,
    pattern = "^[A-Za-z0-9_-]{1,200}$",
    picker = ("google", "sheets.spreadsheet")
);

string_param!(
    /// A range in A1 notation (`Q3!A1:D20`, `'My tab'!B2`, a tab's name).
    Range,
    pattern = r"^[^\x00-\x1f/?#]{1,200}$"
);

/// One cell's value: text, a number, true or false, or empty.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct Cell(Value);

impl JsonSchema for Cell {
    fn schema_name() -> Cow<'static, str> {
        "Cell".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number", "boolean", "null"] })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadRange {
    /// The spreadsheet.
    spreadsheet: Spreadsheet,
    /// The range, such as Q3!A1:D20.
    range: Range,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteRows {
    /// The spreadsheet.
    spreadsheet: Spreadsheet,
    /// The range, such as Q3!A1.
    range: Range,
    /// The rows, each a list of cells.
    #[schemars(length(min = 1, max = 10000))]
    rows: Vec<Vec<Cell>>,
    /// Store the values as they are (not read as if typed: no formulas, no dates).
    #[serde(default)]
    raw: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSpreadsheet {
    /// Its title.
    #[schemars(length(min = 1, max = 256))]
    title: String,
    /// Names of its tabs (one "Sheet1" if none).
    #[serde(default)]
    tabs: Vec<String>,
}

fn values_url(target: &Target<'_>, spreadsheet: &Spreadsheet, range: &str) -> Result<url::Url, ToolError> {
    target.url(&["v4", "spreadsheets", &spreadsheet.0, "values", range])
}

fn read_range(params: &ReadRange, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = values_url(target, &params.spreadsheet, &params.range.0)?;
    url.query_pairs_mut()
        .append_pair("majorDimension", "ROWS")
        .append_pair("valueRenderOption", "FORMATTED_VALUE");
    Ok(Call::new(Method::Get, url))
}

fn read_values(params: &ReadRange, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let rows: Vec<Value> = items(answer.json.get("values").unwrap_or(&Value::Null)).to_vec();
    let lines = rows.iter().map(|row| bounded(&row.to_string(), 200));
    let noun = format!("rows in {}", text(&answer.json, "range").unwrap_or(&params.range.0));
    let summary = list_summary(rows.len(), &noun, lines.collect::<Vec<_>>());
    let table: Vec<Value> = rows
        .iter()
        .map(|row| {
            let cells: serde_json::Map<String, Value> = items(row)
                .iter()
                .enumerate()
                .map(|(index, cell)| (column_name(index), cell.clone()))
                .collect();
            Value::Object(cells)
        })
        .collect();
    Ok(ActionOutput::new(summary, Value::Array(table)))
}

/// A, B, … Z, AA, AB… for a zero-based column index.
fn column_name(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + u8::try_from(index % 26).unwrap_or(0));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The rows as a ValueRange. `empty`: what a null cell is sent as (Sheets skips a null one,
/// keeping what the cell had; `""` empties it).
fn body(params: &WriteRows, empty: &Value) -> Value {
    let rows: Vec<Vec<&Value>> = params
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| if cell.0.is_null() { empty } else { &cell.0 })
                .collect()
        })
        .collect();
    json!({ "majorDimension": "ROWS", "values": rows })
}

fn input_option(params: &WriteRows) -> &'static str {
    if params.raw {
        "RAW"
    } else {
        "USER_ENTERED"
    }
}

fn append(params: &WriteRows, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = values_url(target, &params.spreadsheet, &format!("{}:append", params.range.0))?;
    url.query_pairs_mut()
        .append_pair("valueInputOption", input_option(params))
        .append_pair("insertDataOption", "INSERT_ROWS");
    Ok(Call::new(Method::Post, url).json(body(params, &Value::Null)))
}

fn update(params: &WriteRows, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = values_url(target, &params.spreadsheet, &params.range.0)?;
    url.query_pairs_mut()
        .append_pair("valueInputOption", input_option(params));
    // It replaces what is there: an empty cell is emptied, not skipped.
    Ok(Call::new(Method::Put, url).json(body(params, &json!(""))))
}

fn sheet_link(params: &WriteRows) -> Option<String> {
    Some(format!(
        "https://docs.google.com/spreadsheets/d/{}/edit",
        params.spreadsheet.0
    ))
}

fn read_appended(params: &WriteRows, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let updates = answer.json.get("updates").cloned().unwrap_or(Value::Null);
    let range = text(&updates, "updatedRange").unwrap_or(&params.range.0).to_owned();
    let summary = format!("Appended {} row(s) at {range}.", params.rows.len());
    Ok(ActionOutput::new(summary, json!({ "range": range, "rows": params.rows.len() })).link(sheet_link(params)))
}

fn read_updated(params: &WriteRows, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let range = text(&answer.json, "updatedRange").unwrap_or(&params.range.0).to_owned();
    let cells = answer.json.get("updatedCells").and_then(Value::as_u64).unwrap_or(0);
    let summary = format!("Updated {range} ({cells} cell(s)).");
    Ok(ActionOutput::new(summary, json!({ "range": range, "cells": cells })).link(sheet_link(params)))
}

fn create(params: &CreateSpreadsheet, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut body = json!({ "properties": { "title": params.title } });
    if !params.tabs.is_empty() {
        let sheets: Vec<Value> = params
            .tabs
            .iter()
            .map(|tab| json!({ "properties": { "title": tab } }))
            .collect();
        body["sheets"] = json!(sheets);
    }
    Ok(Call::new(Method::Post, target.url(&["v4", "spreadsheets"])?).json(body))
}

fn read_created(params: &CreateSpreadsheet, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let link = text(&answer.json, "spreadsheetUrl").map(str::to_owned);
    let summary = format!("Created the spreadsheet “{}”.", params.title);
    Ok(ActionOutput::new(
        summary,
        json!({ "id": text(&answer.json, "spreadsheetId"), "url": link }),
    )
    .link(link))
}
