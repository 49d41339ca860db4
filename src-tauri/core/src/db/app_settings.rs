//! The `app_settings` table: app-wide choices as key and text value. No meaning here; the
//! modules that own a setting name its key.

use rusqlite::{params, Connection, OptionalExtension};

use super::DbError;

pub fn get(conn: &Connection, key: &str) -> Result<Option<String>, DbError> {
    let value = conn
        .query_row("SELECT value FROM app_settings WHERE key = ?1", params![key], |row| {
            row.get(0)
        })
        .optional()?;
    Ok(value)
}

/// Sets `key` to `value`, or removes it when `value` is `None`.
pub fn set(conn: &Connection, key: &str, value: Option<&str>, now: i64) -> Result<(), DbError> {
    match value {
        Some(value) => conn.execute(
            "INSERT INTO app_settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![key, value, now],
        )?,
        None => conn.execute("DELETE FROM app_settings WHERE key = ?1", params![key])?,
    };
    Ok(())
}
