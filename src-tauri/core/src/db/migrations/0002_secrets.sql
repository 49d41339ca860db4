-- Secrets (tokens, client secrets), each sealed by the vault with the master key named by
-- key_id. `owner` and `name` are opaque to the database: e.g. ('connection:42', 'access_token').
CREATE TABLE secrets (
    owner      TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    key_id     TEXT    NOT NULL,
    sealed     BLOB    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (owner, name)
) STRICT;
