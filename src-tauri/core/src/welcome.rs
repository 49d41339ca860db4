//! The first-run welcome: the window opens on it while this data folder has never had a
//! connection and the person has not moved past it. Once anything is connected, or the person
//! goes on without connecting, it is marked done and never opens by itself again (Settings can
//! still show it; that is the window's choice and stores nothing).

use crate::db::{app_settings, connections, Database, DbError};

const SETTING_KEY: &str = "welcome_done";

/// Whether the window should open on the welcome. A folder that already has connections (from
/// before the welcome existed, or connected from the CLI) is marked done here.
pub fn should_welcome(db: &Database, now: i64) -> Result<bool, DbError> {
    if app_settings::get(db.conn(), SETTING_KEY)?.is_some() {
        return Ok(false);
    }
    if connections::list(db.conn())?.is_empty() {
        return Ok(true);
    }
    finish_welcome(db, now)?;
    Ok(false)
}

/// Marks the welcome done: it does not open by itself again.
pub fn finish_welcome(db: &Database, now: i64) -> Result<(), DbError> {
    app_settings::set(db.conn(), SETTING_KEY, Some("1"), now)
}
