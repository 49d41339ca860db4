//! The `conversations` table: each chat, its title and when it last moved.

use rusqlite::{params, Connection, OptionalExtension};

use super::DbError;

/// A conversation with the text of its latest message.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationRow {
    pub id: i64,
    pub title: String,
    pub preview: String,
    pub updated_at: i64,
}

pub fn create(conn: &Connection, title: &str, now: i64) -> Result<i64, DbError> {
    conn.execute(
        "INSERT INTO conversations (title, created_at, updated_at) VALUES (?1, ?2, ?2)",
        params![title, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Newest activity first; with `search`, only those whose title or any message contains it.
pub fn list(conn: &Connection, search: Option<&str>, limit: u32) -> Result<Vec<ConversationRow>, DbError> {
    let pattern = search.map(|text| {
        format!(
            "%{}%",
            text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
        )
    });
    let mut statement = conn.prepare(
        "SELECT c.id, c.title, c.updated_at,
                COALESCE((SELECT text FROM chat_messages WHERE conversation_id = c.id ORDER BY id DESC LIMIT 1), '')
         FROM conversations c
         WHERE ?1 IS NULL OR c.title LIKE ?1 ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM chat_messages m WHERE m.conversation_id = c.id AND m.text LIKE ?1 ESCAPE '\\')
         ORDER BY c.updated_at DESC, c.id DESC LIMIT ?2",
    )?;
    let rows = statement.query_map(params![pattern, limit], |row| {
        Ok(ConversationRow {
            id: row.get(0)?,
            title: row.get(1)?,
            updated_at: row.get(2)?,
            preview: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<ConversationRow>, DbError> {
    Ok(list_one(conn, id)?)
}

fn list_one(conn: &Connection, id: i64) -> Result<Option<ConversationRow>, rusqlite::Error> {
    conn.query_row(
        "SELECT c.id, c.title, c.updated_at,
                COALESCE((SELECT text FROM chat_messages WHERE conversation_id = c.id ORDER BY id DESC LIMIT 1), '')
         FROM conversations c WHERE c.id = ?1",
        params![id],
        |row| {
            Ok(ConversationRow {
                id: row.get(0)?,
                title: row.get(1)?,
                updated_at: row.get(2)?,
                preview: row.get(3)?,
            })
        },
    )
    .optional()
}

/// Renames `id`; false when there is no such conversation.
pub fn rename(conn: &Connection, id: i64, title: &str) -> Result<bool, DbError> {
    Ok(conn.execute("UPDATE conversations SET title = ?2 WHERE id = ?1", params![id, title])? == 1)
}

/// Marks `id` as just moved.
pub fn touch(conn: &Connection, id: i64, now: i64) -> Result<(), DbError> {
    conn.execute(
        "UPDATE conversations SET updated_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// Deletes `id` with its messages and runs; false when there is no such conversation.
pub fn delete(conn: &Connection, id: i64) -> Result<bool, DbError> {
    Ok(conn.execute("DELETE FROM conversations WHERE id = ?1", params![id])? == 1)
}
