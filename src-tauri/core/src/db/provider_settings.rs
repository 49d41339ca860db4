//! The `provider_settings` table: the client ID and redirect choice a person set per provider.
//! The client secret is not here; the vault keeps it.

use rusqlite::{params, Connection, OptionalExtension};

use super::DbError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderSettings {
    pub client_id: Option<String>,
    /// `loopback` or `deep_link`, as the catalogue spells it.
    pub redirect: Option<String>,
}

pub fn get(conn: &Connection, provider: &str) -> Result<ProviderSettings, DbError> {
    let found = conn
        .query_row(
            "SELECT client_id, redirect FROM provider_settings WHERE provider = ?1",
            params![provider],
            |row| {
                Ok(ProviderSettings {
                    client_id: row.get(0)?,
                    redirect: row.get(1)?,
                })
            },
        )
        .optional()?;
    Ok(found.unwrap_or_default())
}

pub fn save(conn: &Connection, provider: &str, settings: &ProviderSettings, now: i64) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO provider_settings (provider, client_id, redirect, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (provider) DO UPDATE SET client_id = excluded.client_id, redirect = excluded.redirect,
         updated_at = excluded.updated_at",
        params![provider, settings.client_id, settings.redirect, now],
    )?;
    Ok(())
}
