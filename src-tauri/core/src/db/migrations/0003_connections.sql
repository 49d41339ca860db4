-- Connected accounts. Their tokens are in `secrets` (owner 'connection:{id}'); this table holds
-- only what is safe to show. `account_id` is the stable identity (issuer|sub for OpenID
-- Connect, the provider's numeric user id otherwise), so connecting the same account again
-- updates its row instead of adding a second one.
CREATE TABLE connections (
    id            INTEGER PRIMARY KEY,
    provider      TEXT    NOT NULL,
    products      TEXT    NOT NULL,            -- JSON array of product ids
    auth_kind     TEXT    NOT NULL,
    account_id    TEXT    NOT NULL,
    account_label TEXT    NOT NULL,
    scopes        TEXT    NOT NULL,            -- JSON array, as granted
    expires_at    INTEGER,
    status        TEXT    NOT NULL,
    status_reason TEXT,
    config        TEXT    NOT NULL DEFAULT '{}', -- non-secret settings (a project URL, a site)
    session_only  INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    UNIQUE (provider, account_id)
) STRICT;

-- What a person set up per provider in Settings; the client secret is in `secrets`
-- (owner 'provider:{id}').
CREATE TABLE provider_settings (
    provider   TEXT    PRIMARY KEY,
    client_id  TEXT,
    redirect   TEXT,
    updated_at INTEGER NOT NULL
) STRICT;
