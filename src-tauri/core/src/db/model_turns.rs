//! The `model_turns` table: a conversation as a language model sees it, one JSON turn per row,
//! in order. No meaning here; `assistant` reads and writes the turns.

use rusqlite::{params, Connection};

use super::DbError;

pub fn append(conn: &Connection, conversation_id: i64, turn: &str, now: i64) -> Result<i64, DbError> {
    conn.execute(
        "INSERT INTO model_turns (conversation_id, turn, created_at) VALUES (?1, ?2, ?3)",
        params![conversation_id, turn, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The conversation's last `limit` turns, oldest first.
pub fn latest(conn: &Connection, conversation_id: i64, limit: u32) -> Result<Vec<String>, DbError> {
    let mut statement = conn.prepare(
        "SELECT turn FROM (SELECT id, turn FROM model_turns WHERE conversation_id = ?1 ORDER BY id DESC LIMIT ?2)
         ORDER BY id",
    )?;
    let rows = statement.query_map(params![conversation_id, limit], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
