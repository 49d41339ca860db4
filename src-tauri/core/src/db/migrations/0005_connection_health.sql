-- What keeping a connection healthy needs: a person's label, enabled, the token version the
-- refresh compare-and-swap works on, when the current token arrived and was last refreshed,
-- and the last transient error with its next retry.
ALTER TABLE connections ADD COLUMN label TEXT;
ALTER TABLE connections ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE connections ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE connections ADD COLUMN received_at INTEGER;
ALTER TABLE connections ADD COLUMN refreshed_at INTEGER;
ALTER TABLE connections ADD COLUMN last_error TEXT;
ALTER TABLE connections ADD COLUMN error_is_configuration INTEGER NOT NULL DEFAULT 0;
ALTER TABLE connections ADD COLUMN next_retry_at INTEGER;
ALTER TABLE connections ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
UPDATE connections SET received_at = created_at;

-- What was done to which account, and how it went. Append-only: rows are never changed or
-- removed (a deleted connection's entries stay, naming the account).
CREATE TABLE audit (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    connection_id INTEGER,
    provider      TEXT    NOT NULL,
    account_label TEXT    NOT NULL,
    operation     TEXT    NOT NULL,
    outcome       TEXT    NOT NULL,
    detail        TEXT
) STRICT;
CREATE INDEX audit_by_connection ON audit (connection_id, at);
CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Revocations that failed when a connection was deleted, retried later. The token to revoke
-- is sealed in `secrets` (owner 'revocation:{id}') until the provider confirms.
CREATE TABLE revocations (
    id              INTEGER PRIMARY KEY,
    provider        TEXT    NOT NULL,
    account_label   TEXT    NOT NULL,
    account_id      TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL
) STRICT;
