//! The `connections` table: connected accounts, without their secrets (the vault keeps those).

use rusqlite::{params, Connection as Sqlite, OptionalExtension, Row};

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use super::DbError;
use crate::catalog::AuthKind;
use crate::ids::{ConnectionId, ProviderId};

/// A row as stored. `connections` makes the connection a person sees of it (status derived).
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionRow {
    pub id: ConnectionId,
    pub provider: ProviderId,
    pub products: Vec<String>,
    pub auth_kind: AuthKind,
    pub account_id: String,
    pub account_label: String,
    pub scopes: Vec<String>,
    pub expires_at: Option<i64>,
    /// Set when the tokens can no longer be used, with why.
    pub reauthorization_reason: Option<String>,
    pub config: serde_json::Value,
    pub session_only: bool,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub label: Option<String>,
    pub enabled: bool,
    pub refreshed_at: Option<i64>,
    pub token_version: i64,
    pub received_at: Option<i64>,
    pub last_error: Option<String>,
    pub error_is_configuration: bool,
    pub next_retry_at: Option<i64>,
    pub failures: i64,
}

/// What is written when an account is connected (or connected again).
#[derive(Debug, Clone)]
pub struct ConnectionRecord<'a> {
    pub provider: &'a str,
    pub products: &'a [String],
    pub auth_kind: AuthKind,
    pub account_id: &'a str,
    pub account_label: &'a str,
    pub scopes: &'a [String],
    pub expires_at: Option<i64>,
    pub config: &'a serde_json::Value,
    pub session_only: bool,
}

const COLUMNS: &str = "id, provider, products, auth_kind, account_id, account_label, scopes, expires_at, \
                       status, status_reason, config, session_only, created_at, last_used_at, label, enabled, \
                       refreshed_at, token_version, received_at, last_error, error_is_configuration, \
                       next_retry_at, failures";

/// Inserts the account, or updates it when `(provider, account_id)` is already connected;
/// returns its id. A reconnected account is connected again whatever its old status.
pub fn upsert(conn: &Sqlite, record: &ConnectionRecord<'_>, now: i64) -> Result<ConnectionId, DbError> {
    let id = conn.query_row(
        "INSERT INTO connections (provider, products, auth_kind, account_id, account_label, scopes, expires_at,
                                  status, status_reason, config, session_only, created_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'connected', NULL, ?8, ?9, ?10, ?10)
         ON CONFLICT (provider, account_id) DO UPDATE SET products = excluded.products,
             auth_kind = excluded.auth_kind, account_label = excluded.account_label, scopes = excluded.scopes,
             expires_at = excluded.expires_at, status = 'connected', status_reason = NULL,
             config = excluded.config, session_only = excluded.session_only,
             token_version = token_version + 1, received_at = excluded.created_at, last_error = NULL,
             error_is_configuration = 0, next_retry_at = NULL, failures = 0
         RETURNING id",
        params![
            record.provider,
            to_json(record.products),
            auth_kind_name(record.auth_kind),
            record.account_id,
            record.account_label,
            to_json(record.scopes),
            record.expires_at,
            record.config.to_string(),
            record.session_only,
            now
        ],
        |row| row.get(0),
    )?;
    Ok(id)
}

pub fn list(conn: &Sqlite) -> Result<Vec<ConnectionRow>, DbError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM connections ORDER BY provider, created_at, id"
    ))?;
    let rows = statement.query_map([], read)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn get(conn: &Sqlite, id: ConnectionId) -> Result<Option<ConnectionRow>, DbError> {
    let found = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM connections WHERE id = ?1"),
            params![id],
            read,
        )
        .optional()?;
    Ok(found)
}

/// The existing connection of this account, if any.
pub fn find_account(conn: &Sqlite, provider: &str, account_id: &str) -> Result<Option<ConnectionRow>, DbError> {
    let found = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM connections WHERE provider = ?1 AND account_id = ?2"),
            params![provider, account_id],
            read,
        )
        .optional()?;
    Ok(found)
}

/// The tokens can no longer be used; `reason` says why. A fresh sign-in clears it (`upsert`).
pub fn set_needs_reauthorization(conn: &Sqlite, id: ConnectionId, reason: &str) -> Result<(), DbError> {
    conn.execute(
        "UPDATE connections SET status = 'needs_reauthorization', status_reason = ?2, next_retry_at = NULL
         WHERE id = ?1",
        params![id, reason],
    )?;
    Ok(())
}

pub fn set_enabled(conn: &Sqlite, id: ConnectionId, enabled: bool) -> Result<bool, DbError> {
    Ok(conn.execute(
        "UPDATE connections SET enabled = ?2 WHERE id = ?1",
        params![id, enabled],
    )? == 1)
}

/// `None` (or blank) goes back to showing the account alone.
pub fn set_label(conn: &Sqlite, id: ConnectionId, label: Option<&str>) -> Result<bool, DbError> {
    Ok(conn.execute("UPDATE connections SET label = ?2 WHERE id = ?1", params![id, label])? == 1)
}

pub fn touch(conn: &Sqlite, id: ConnectionId, now: i64) -> Result<(), DbError> {
    conn.execute(
        "UPDATE connections SET last_used_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// Notes that a token request is about to go out (in the caller's durable transaction, which
/// shows the database accepts writes before a refresh token is spent); `false` if the
/// connection is gone.
pub fn record_renewal_started(conn: &Sqlite, id: ConnectionId, now: i64) -> Result<bool, DbError> {
    let changed = conn.execute(
        "UPDATE connections SET renewal_started_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(changed == 1)
}

/// What a successful refresh changes, written only if nobody wrote tokens since `version`.
pub struct Refreshed<'a> {
    pub version: i64,
    pub expires_at: Option<i64>,
    pub scopes: Option<&'a [String]>,
    pub now: i64,
}

/// The compare-and-swap of a refresh: `false` when the row moved on (another writer won).
pub fn record_refreshed(conn: &Sqlite, id: ConnectionId, refreshed: &Refreshed<'_>) -> Result<bool, DbError> {
    let scopes = refreshed.scopes.map(to_json);
    let changed = conn.execute(
        "UPDATE connections SET token_version = token_version + 1, expires_at = ?3, received_at = ?4,
             refreshed_at = ?4, scopes = COALESCE(?5, scopes), status = 'connected', status_reason = NULL,
             last_error = NULL, error_is_configuration = 0, next_retry_at = NULL, failures = 0
         WHERE id = ?1 AND token_version = ?2",
        params![id, refreshed.version, refreshed.expires_at, refreshed.now, scopes],
    )?;
    Ok(changed == 1)
}

/// A renewal that failed but may work later (or, with `configuration`, after Settings change).
pub fn record_refresh_failure(
    conn: &Sqlite,
    id: ConnectionId,
    message: &str,
    configuration: bool,
    next_retry_at: Option<i64>,
) -> Result<(), DbError> {
    conn.execute(
        "UPDATE connections SET last_error = ?2, error_is_configuration = ?3, next_retry_at = ?4,
             failures = failures + 1 WHERE id = ?1",
        params![id, message, configuration, next_retry_at],
    )?;
    Ok(())
}

pub fn delete(conn: &Sqlite, id: ConnectionId) -> Result<bool, DbError> {
    Ok(conn.execute("DELETE FROM connections WHERE id = ?1", params![id])? == 1)
}

/// Removes the connections made in session-only mode (their key is gone); returns their ids.
pub fn delete_session_only(conn: &Sqlite) -> Result<Vec<ConnectionId>, DbError> {
    let mut statement = conn.prepare("DELETE FROM connections WHERE session_only = 1 RETURNING id")?;
    let ids = statement
        .query_map([], |row| row.get(0))?
        .collect::<Result<Vec<ConnectionId>, _>>()?;
    Ok(ids)
}

fn read(row: &Row<'_>) -> rusqlite::Result<ConnectionRow> {
    let reauthorization_reason = match row.get::<_, String>(8)?.as_str() {
        "connected" => None,
        _ => Some(row.get::<_, Option<String>>(9)?.unwrap_or_default()),
    };
    Ok(ConnectionRow {
        id: row.get(0)?,
        provider: row.get(1)?,
        products: from_json(&row.get::<_, String>(2)?),
        auth_kind: auth_kind_from(&row.get::<_, String>(3)?),
        account_id: row.get(4)?,
        account_label: row.get(5)?,
        scopes: from_json(&row.get::<_, String>(6)?),
        expires_at: row.get(7)?,
        reauthorization_reason,
        config: serde_json::from_str(&row.get::<_, String>(10)?).unwrap_or_default(),
        session_only: row.get(11)?,
        created_at: row.get(12)?,
        last_used_at: row.get(13)?,
        label: row.get(14)?,
        enabled: row.get(15)?,
        refreshed_at: row.get(16)?,
        token_version: row.get(17)?,
        received_at: row.get(18)?,
        last_error: row.get(19)?,
        error_is_configuration: row.get(20)?,
        next_retry_at: row.get(21)?,
        failures: row.get(22)?,
    })
}

impl ToSql for ConnectionId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl ToSql for ProviderId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for ProviderId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        String::column_result(value).map(ProviderId::from)
    }
}

impl FromSql for ConnectionId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(ConnectionId)
    }
}

fn to_json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned())
}

fn from_json(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn auth_kind_name(kind: AuthKind) -> &'static str {
    match kind {
        AuthKind::Oauth2 => "oauth2",
        AuthKind::DeviceCode => "device_code",
        AuthKind::ApiKey => "api_key",
        AuthKind::BotToken => "bot_token",
    }
}

fn auth_kind_from(name: &str) -> AuthKind {
    match name {
        "device_code" => AuthKind::DeviceCode,
        "api_key" => AuthKind::ApiKey,
        "bot_token" => AuthKind::BotToken,
        _ => AuthKind::Oauth2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;

    fn record<'a>(account: &'a str, products: &'a [String], config: &'a serde_json::Value) -> ConnectionRecord<'a> {
        ConnectionRecord {
            provider: "google",
            products,
            auth_kind: AuthKind::Oauth2,
            account_id: account,
            account_label: "ana@example.com",
            scopes: products,
            expires_at: Some(100),
            config,
            session_only: false,
        }
    }

    #[test]
    fn the_same_account_connected_twice_is_one_row_and_reconnected() {
        let db = Database::open_in_memory().expect("db");
        let config = serde_json::json!({});
        let first = vec!["gmail".to_owned()];
        let second = vec!["gmail".to_owned(), "drive".to_owned()];
        let id = upsert(db.conn(), &record("iss|ana", &first, &config), 1).expect("insert");
        set_needs_reauthorization(db.conn(), id, "revoked").expect("status");
        let again = upsert(db.conn(), &record("iss|ana", &second, &config), 2).expect("upsert");
        assert_eq!(again, id, "connecting the same account again keeps its id");
        let stored = get(db.conn(), id).expect("get").expect("present");
        assert_eq!(stored.products, second, "the new products are stored");
        assert_eq!(
            stored.reauthorization_reason, None,
            "a fresh sign-in clears the old status"
        );
        assert_eq!(stored.created_at, 1, "created_at is the first connection's time");
        upsert(db.conn(), &record("iss|bob", &first, &config), 3).expect("another account");
        assert_eq!(
            list(db.conn()).expect("list").len(),
            2,
            "two accounts of one provider are two connections"
        );
    }
}
