//! Supabase's actions through the executor, against the loopback doubles' PostgREST with a
//! pasted key: reading rows with PostgREST's filters, order and limit, inserting a row with
//! `Prefer: return=representation`, each request checked against PostgREST's documented shape,
//! columns as the column picker names them (`table.column`), and a column the table does not
//! have, or one picked in another table, refused plainly.

use crate::support::actions::{body_of, executor, received, run_approved, run_request};
use crate::support::doubles::ApiDoubles;
use crate::support::pasted;

use serde_json::json;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::tools::Consent;

const KEY: &str = "sb_publishable_actionsKey0001";

#[tokio::test]
async fn rows_are_read_with_postgrest_filters_and_a_row_is_inserted_as_stored() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "supabase", "actions-supabase");
    let project = doubles.base("supabase");
    let connection = pasted::paste(
        &harness,
        "supabase",
        &[("project_url", project.as_str()), ("api_key", KEY)],
    )
    .await;
    doubles.reset().await;
    let executor = executor(&harness);

    let read = run_approved(
        &executor,
        "supabase.select_rows",
        &connection,
        json!({
            "table": "todos",
            "columns": ["id", "task"],
            "filters": [
                {"column": "is_complete", "operator": "eq", "value": "false"},
                {"column": "task", "operator": "in", "value": "Buy milk, Write the Q3 report"}
            ],
            "order": {"column": "id", "descending": true},
            "limit": 10
        }),
    )
    .await;
    let sent = received(&doubles, "GET", "/supabase/rest/v1/todos").await;
    assert_eq!(sent.len(), 1, "one request");
    assert_eq!(
        sent[0]["query"],
        json!({
            "select": "id,task",
            "is_complete": "eq.false",
            "task": "in.(\"Buy milk\",\"Write the Q3 report\")",
            "order": "id.desc",
            "limit": "10"
        }),
        "PostgREST's select, column=operator.value filters (an in-list quoted item by item), order and limit"
    );
    assert_eq!(sent[0]["apikey"], KEY, "the gateway's apikey header carries the key");
    assert_eq!(
        read.data,
        json!([{"id": 1, "task": "Buy milk"}]),
        "only the rows every filter allows, only those columns"
    );
    assert!(read.summary.starts_with("1 rows from todos: "), "{}", read.summary);

    run_approved(
        &executor,
        "supabase.select_rows",
        &connection,
        json!({
            "table": "todos",
            "columns": ["todos.id", "todos.task"],
            "filters": [{"column": "todos.is_complete", "operator": "eq", "value": "false"}],
            "order": {"column": "todos.id"}
        }),
    )
    .await;
    let picked = &received(&doubles, "GET", "/supabase/rest/v1/todos").await[1];
    assert_eq!(
        picked["query"],
        json!({"select": "id,task", "is_complete": "eq.false", "order": "id.asc", "limit": "100"}),
        "columns chosen with the column picker (table.column) go out as PostgREST's plain names"
    );
    let before = doubles.requests().await.len();
    let elsewhere = run_request(
        "supabase.select_rows",
        &connection,
        json!({"table": "todos", "order": {"column": "profiles.id"}}),
    );
    let error = UserError::from(executor.run(&elsewhere, Consent::NotYet).await.expect_err("refused"));
    assert_eq!(error.code, ErrorCode::InvalidInput, "{}", error.message);
    assert!(
        error.message.contains("/order/column") && error.message.contains("profiles"),
        "a column picked in another table is named by its field: {}",
        error.message
    );
    assert_eq!(doubles.requests().await.len(), before, "and nothing is sent for it");

    let inserted = run_approved(
        &executor,
        "supabase.insert_row",
        &connection,
        json!({"table": "todos", "row": {"user_id": "8d0fd2b3-9ca7-4d9e-a95f-9e13dded323e", "task": "Send the invoice"}}),
    )
    .await;
    let sent = received(&doubles, "POST", "/supabase/rest/v1/todos").await;
    assert_eq!(
        sent[0]["headers"]["prefer"], "return=representation",
        "the stored row is asked back"
    );
    assert_eq!(sent[0]["headers"]["content-type"], "application/json");
    assert_eq!(
        body_of(&sent[0]),
        json!({"user_id": "8d0fd2b3-9ca7-4d9e-a95f-9e13dded323e", "task": "Send the invoice"})
    );
    assert_eq!(inserted.summary, "Inserted a row into todos (id 4).");
    assert_eq!(inserted.data["task"], "Send the invoice");

    let wrong = run_request(
        "supabase.select_rows",
        &connection,
        json!({"table": "todos", "columns": ["colour"]}),
    );
    let error = UserError::from(
        executor
            .run(&wrong, Consent::NotYet)
            .await
            .expect_err("refused by PostgREST"),
    );
    assert_eq!(error.code, ErrorCode::ProviderRejected, "{}", error.message);
    assert!(
        error.message.contains("did not accept"),
        "said plainly, no PostgREST text: {}",
        error.message
    );
    let bad = run_request(
        "supabase.select_rows",
        &connection,
        json!({"table": "todos; drop table todos"}),
    );
    let error = UserError::from(executor.run(&bad, Consent::NotYet).await.expect_err("F3"));
    assert_eq!(
        error.code,
        ErrorCode::InvalidInput,
        "a table name is checked by pattern: {}",
        error.message
    );
}
