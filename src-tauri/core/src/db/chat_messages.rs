//! The `chat_messages` table: what the person wrote and what the assistant answered, a card
//! (JSON) on the answers that ask or report. A card is open while its run waits on it.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::DbError;

#[derive(Debug, Clone, PartialEq)]
pub struct MessageRow {
    pub id: i64,
    pub conversation_id: i64,
    pub role: String,
    pub text: String,
    pub created_at: i64,
    pub run_id: Option<i64>,
    pub card: Option<String>,
    pub card_open: bool,
}

/// A new message to append.
pub struct NewMessage<'a> {
    pub conversation_id: i64,
    pub role: &'a str,
    pub text: &'a str,
    pub run_id: Option<i64>,
    pub card: Option<&'a str>,
}

pub fn append(conn: &Connection, message: &NewMessage<'_>, now: i64) -> Result<i64, DbError> {
    conn.execute(
        "INSERT INTO chat_messages (conversation_id, role, text, run_id, card, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            message.conversation_id,
            message.role,
            message.text,
            message.run_id,
            message.card,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

const SELECT: &str = "SELECT m.id, m.conversation_id, m.role, m.text, m.created_at, m.run_id, m.card,
        EXISTS (SELECT 1 FROM runs r WHERE r.card_message_id = m.id
                AND r.state IN ('needs_connection', 'needs_input', 'needs_approval', 'failed'))
     FROM chat_messages m";

fn message(row: &Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: row.get(0)?,
        conversation_id: row.get(1)?,
        role: row.get(2)?,
        text: row.get(3)?,
        created_at: row.get(4)?,
        run_id: row.get(5)?,
        card: row.get(6)?,
        card_open: row.get(7)?,
    })
}

/// Up to `limit` messages before `before` (the newest when `None`), oldest first, and whether
/// older ones exist.
pub fn page(
    conn: &Connection,
    conversation_id: i64,
    before: Option<i64>,
    limit: u32,
) -> Result<(Vec<MessageRow>, bool), DbError> {
    let mut statement = conn.prepare(&format!(
        "{SELECT} WHERE m.conversation_id = ?1 AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3"
    ))?;
    let rows = statement.query_map(
        params![conversation_id, before.unwrap_or(i64::MAX), i64::from(limit) + 1],
        message,
    )?;
    let mut messages: Vec<MessageRow> = rows.collect::<Result<_, _>>()?;
    let has_more = messages.len() > limit as usize;
    messages.truncate(limit as usize);
    messages.reverse();
    Ok((messages, has_more))
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<MessageRow>, DbError> {
    Ok(conn
        .query_row(&format!("{SELECT} WHERE m.id = ?1"), params![id], message)
        .optional()?)
}

/// Messages after `after` in a conversation, oldest first (what a step added).
pub fn since(conn: &Connection, conversation_id: i64, after: i64) -> Result<Vec<MessageRow>, DbError> {
    let mut statement = conn.prepare(&format!(
        "{SELECT} WHERE m.conversation_id = ?1 AND m.id > ?2 ORDER BY m.id"
    ))?;
    let rows = statement.query_map(params![conversation_id, after], message)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces a message's text (a streamed answer, once it is whole).
pub fn set_text(conn: &Connection, id: i64, text: &str) -> Result<(), DbError> {
    conn.execute("UPDATE chat_messages SET text = ?2 WHERE id = ?1", params![id, text])?;
    Ok(())
}

/// Replaces a message's card (a connect card whose sign-in failed says so).
pub fn set_card(conn: &Connection, id: i64, card: &str) -> Result<(), DbError> {
    conn.execute("UPDATE chat_messages SET card = ?2 WHERE id = ?1", params![id, card])?;
    Ok(())
}

/// The person's own messages before `before`, newest first, at most `limit`.
pub fn earlier_requests(
    conn: &Connection,
    conversation_id: i64,
    before: i64,
    limit: u32,
) -> Result<Vec<String>, DbError> {
    let mut statement = conn.prepare(
        "SELECT text FROM chat_messages WHERE conversation_id = ?1 AND id < ?2 AND role = 'user'
         ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = statement.query_map(params![conversation_id, before, limit], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The newest message id of a conversation (0 when empty).
pub fn last_id(conn: &Connection, conversation_id: i64) -> Result<i64, DbError> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(id), 0) FROM chat_messages WHERE conversation_id = ?1",
        params![conversation_id],
        |row| row.get(0),
    )?)
}
