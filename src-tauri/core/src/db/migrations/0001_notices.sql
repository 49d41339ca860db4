-- Things the app must tell the person once, until they dismiss them
-- (e.g. "your database was damaged; the old file was kept at ...").
CREATE TABLE notices (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    message      TEXT    NOT NULL,
    detail       TEXT,
    created_at   INTEGER NOT NULL,
    dismissed_at INTEGER
) STRICT;

CREATE INDEX notices_active ON notices (created_at) WHERE dismissed_at IS NULL;
