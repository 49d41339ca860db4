//! The `runs` table: each request on its way, its state and what it has gathered, so a run
//! survives a restart where it stopped. A state change names the state it expects to leave:
//! two answers to one card (two windows, a double click, a restart) move it once.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::DbError;

#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub id: i64,
    pub conversation_id: i64,
    pub request: String,
    pub state: String,
    pub steps: String,
    pub step: i64,
    pub arguments: String,
    pub connection_id: Option<i64>,
    pub previous: Option<String>,
    pub card_message_id: Option<i64>,
    pub denied_because: Option<String>,
}

const SELECT: &str = "SELECT id, conversation_id, request, state, steps, step, arguments, connection_id,
        previous, card_message_id, denied_because FROM runs";

fn run(row: &Row<'_>) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        id: row.get(0)?,
        conversation_id: row.get(1)?,
        request: row.get(2)?,
        state: row.get(3)?,
        steps: row.get(4)?,
        step: row.get(5)?,
        arguments: row.get(6)?,
        connection_id: row.get(7)?,
        previous: row.get(8)?,
        card_message_id: row.get(9)?,
        denied_because: row.get(10)?,
    })
}

pub fn insert(conn: &Connection, conversation_id: i64, request: &str, steps: &str, now: i64) -> Result<i64, DbError> {
    conn.execute(
        "INSERT INTO runs (conversation_id, request, state, steps, updated_at) VALUES (?1, ?2, 'working', ?3, ?4)",
        params![conversation_id, request, steps, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<RunRow>, DbError> {
    Ok(conn
        .query_row(&format!("{SELECT} WHERE id = ?1"), params![id], run)
        .optional()?)
}

/// The id of the conversation's newest run, if it is still working or waiting on a card (an
/// older run's card is left alone).
pub fn latest_open(conn: &Connection, conversation_id: i64) -> Result<Option<i64>, DbError> {
    Ok(conn
        .query_row(
            "SELECT id FROM (SELECT id, state FROM runs WHERE conversation_id = ?1 ORDER BY id DESC LIMIT 1)
             WHERE state IN ('working', 'needs_connection', 'needs_input', 'needs_approval', 'failed')",
            params![conversation_id],
            |row| row.get(0),
        )
        .optional()?)
}

/// Runs in `state`, oldest first.
pub fn in_state(conn: &Connection, state: &str) -> Result<Vec<RunRow>, DbError> {
    let mut statement = conn.prepare(&format!("{SELECT} WHERE state = ?1 ORDER BY id"))?;
    let rows = statement.query_map(params![state], run)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Moves `id` from one of `from` to `to`; false (nothing changed) when it was not in any of them.
pub fn move_state(conn: &Connection, id: i64, from: &[&str], to: &str, now: i64) -> Result<bool, DbError> {
    let from = serde_json::to_string(from).unwrap_or_default();
    Ok(conn.execute(
        "UPDATE runs SET state = ?3, updated_at = ?4 WHERE id = ?1 AND state IN (SELECT value FROM json_each(?2))",
        params![id, from, to, now],
    )? == 1)
}

/// Saves what the run has gathered for its current step.
pub fn save_progress(conn: &Connection, row: &RunRow, now: i64) -> Result<(), DbError> {
    conn.execute(
        "UPDATE runs SET state = ?2, steps = ?3, step = ?4, arguments = ?5, connection_id = ?6, previous = ?7,
                card_message_id = ?8, denied_because = ?9, updated_at = ?10 WHERE id = ?1",
        params![
            row.id,
            row.state,
            row.steps,
            row.step,
            row.arguments,
            row.connection_id,
            row.previous,
            row.card_message_id,
            row.denied_because,
            now
        ],
    )?;
    Ok(())
}
