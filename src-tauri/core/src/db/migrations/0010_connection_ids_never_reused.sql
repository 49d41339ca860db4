-- A connection's id is never given again once its connection is deleted. Policies, audit rows
-- and chat runs waiting for approval name connections by id; without AUTOINCREMENT SQLite hands
-- the highest id out again after that row goes, and an account connected next would inherit an
-- "always allow" set for, the history of, and an approval meant for another one. The table is
-- rebuilt with AUTOINCREMENT (SQLite then remembers the highest id in sqlite_sequence), and the
-- sequence starts past every id anything still names.
CREATE TABLE connections_rebuilt (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    provider               TEXT    NOT NULL,
    products               TEXT    NOT NULL,            -- JSON array of product ids
    auth_kind              TEXT    NOT NULL,
    account_id             TEXT    NOT NULL,
    account_label          TEXT    NOT NULL,
    scopes                 TEXT    NOT NULL,            -- JSON array, as granted
    expires_at             INTEGER,
    status                 TEXT    NOT NULL,
    status_reason          TEXT,
    config                 TEXT    NOT NULL DEFAULT '{}', -- non-secret settings (a project URL, a site)
    session_only           INTEGER NOT NULL DEFAULT 0,
    created_at             INTEGER NOT NULL,
    last_used_at           INTEGER,
    label                  TEXT,
    enabled                INTEGER NOT NULL DEFAULT 1,
    token_version          INTEGER NOT NULL DEFAULT 0,
    received_at            INTEGER,
    refreshed_at           INTEGER,
    last_error             TEXT,
    error_is_configuration INTEGER NOT NULL DEFAULT 0,
    next_retry_at          INTEGER,
    failures               INTEGER NOT NULL DEFAULT 0,
    renewal_started_at     INTEGER,
    UNIQUE (provider, account_id)
) STRICT;

INSERT INTO connections_rebuilt
    (id, provider, products, auth_kind, account_id, account_label, scopes, expires_at, status,
     status_reason, config, session_only, created_at, last_used_at, label, enabled, token_version,
     received_at, refreshed_at, last_error, error_is_configuration, next_retry_at, failures,
     renewal_started_at)
SELECT id, provider, products, auth_kind, account_id, account_label, scopes, expires_at, status,
       status_reason, config, session_only, created_at, last_used_at, label, enabled, token_version,
       received_at, refreshed_at, last_error, error_is_configuration, next_retry_at, failures,
       renewal_started_at
FROM connections;

DROP TABLE connections;
ALTER TABLE connections_rebuilt RENAME TO connections;

DELETE FROM sqlite_sequence WHERE name IN ('connections', 'connections_rebuilt');
INSERT INTO sqlite_sequence (name, seq)
SELECT 'connections', MAX(highest) FROM (
    SELECT COALESCE(MAX(id), 0) AS highest FROM connections
    UNION ALL SELECT COALESCE(MAX(connection_id), 0) FROM audit
    UNION ALL SELECT COALESCE(MAX(connection_id), 0) FROM action_policies
    UNION ALL SELECT COALESCE(MAX(connection_id), 0) FROM runs
);
