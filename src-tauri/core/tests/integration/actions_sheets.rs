//! Google Sheets' actions through the executor, against the loopback doubles' Sheets API (the
//! catalogue's own Sheets base) with a Google account saved as signed in with Sheets' scope: a
//! range read, rows appended and a range updated with `valueInputOption` as documented (typed
//! unless raw; an empty cell in an update sent as "", since Sheets skips a null one), and a
//! spreadsheet created with its tabs.

use crate::support::actions::{body_of, executor, received, run_approved};
use crate::support::doubles::{seed, ApiDoubles};
use crate::support::pasted;
use crate::support::saved::save_signed_in;

use serde_json::json;

const SCOPES: [&str; 2] = ["openid", "https://www.googleapis.com/auth/spreadsheets"];

#[tokio::test]
async fn sheets_reads_appends_updates_and_creates_as_the_api_documents() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "google", "actions-sheets");
    let ana = save_signed_in(
        &harness,
        "google",
        "ana@example.com",
        &["sheets"],
        &SCOPES,
        "ya29.sheetsActions",
    );
    let executor = executor(&harness);
    let sheet = seed::ROADMAP_07_SHEET;
    let values = format!("/sheets/v4/spreadsheets/{sheet}/values");

    let read = run_approved(
        &executor,
        "sheets.read_range",
        &ana,
        json!({"spreadsheet": sheet, "range": "Q3!A1:C2"}),
    )
    .await;
    let asked = &received(&doubles, "GET", &format!("{values}/Q3!A1:C2")).await[0];
    assert_eq!(
        asked["query"],
        json!({"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"})
    );
    assert_eq!(
        read.data,
        json!([{"A": "Item", "B": "Amount", "C": "Paid"}, {"A": "Hosting", "B": "120", "C": "TRUE"}])
    );

    let appended = run_approved(
        &executor,
        "sheets.append_rows",
        &ana,
        json!({"spreadsheet": sheet, "range": "Q3!A1", "rows": [["Travel", 450.5, false], ["=SUM(B2:B4)", null, true]]}),
    )
    .await;
    let sent = &received(&doubles, "POST", &format!("{values}/Q3!A1:append")).await[0];
    assert_eq!(
        sent["query"],
        json!({"valueInputOption": "USER_ENTERED", "insertDataOption": "INSERT_ROWS"})
    );
    assert_eq!(
        body_of(sent),
        json!({"majorDimension": "ROWS", "values": [["Travel", 450.5, false], ["=SUM(B2:B4)", null, true]]}),
        "cells keep their JSON types"
    );
    assert_eq!(appended.summary, "Appended 2 row(s) at Q3!A4:C5.");
    assert_eq!(
        appended.link.as_deref(),
        Some(format!("https://docs.google.com/spreadsheets/d/{sheet}/edit").as_str())
    );

    let updated = run_approved(
        &executor,
        "sheets.update_range",
        &ana,
        json!({"spreadsheet": sheet, "range": "'Q3'!B2", "rows": [["125"]], "raw": true}),
    )
    .await;
    let put = &received(&doubles, "PUT", &format!("{values}/'Q3'!B2")).await[0];
    assert_eq!(put["query"], json!({"valueInputOption": "RAW"}), "raw: stored as it is");
    assert_eq!(put["bearer"], "ya29.sheetsActions", "as the signed-in account");
    assert_eq!(
        body_of(put),
        json!({"majorDimension": "ROWS", "values": [["125"]]}),
        "values.update takes a ValueRange of rows; the text \"125\" stays text"
    );
    assert_eq!(updated.summary, "Updated Q3!B2:B2 (1 cell(s)).");

    run_approved(
        &executor,
        "sheets.update_range",
        &ana,
        json!({"spreadsheet": sheet, "range": "Q3!A3:C3", "rows": [[null, "", "FALSE"]]}),
    )
    .await;
    let put = &received(&doubles, "PUT", &format!("{values}/Q3!A3:C3")).await[0];
    assert_eq!(
        body_of(put)["values"],
        json!([["", "", "FALSE"]]),
        "Sheets skips a null cell, keeping what is there: an update replaces it, so it sends \"\""
    );
    let read = run_approved(
        &executor,
        "sheets.read_range",
        &ana,
        json!({"spreadsheet": sheet, "range": "Q3!A3:C3"}),
    )
    .await;
    assert_eq!(
        read.data,
        json!([{"A": "", "B": "", "C": "FALSE"}]),
        "the row's old \"Design\" and \"800\" are gone"
    );

    let made = run_approved(
        &executor,
        "sheets.create_spreadsheet",
        &ana,
        json!({"title": "Q4 plan", "tabs": ["Costs", "Income"]}),
    )
    .await;
    let created = &received(&doubles, "POST", "/sheets/v4/spreadsheets").await[0];
    assert_eq!(
        body_of(created),
        json!({"properties": {"title": "Q4 plan"}, "sheets": [{"properties": {"title": "Costs"}}, {"properties": {"title": "Income"}}]})
    );
    assert!(made
        .link
        .is_some_and(|link| link.starts_with("https://docs.google.com/spreadsheets/d/1NewSheet")));
}
