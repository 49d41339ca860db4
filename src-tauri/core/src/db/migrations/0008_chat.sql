-- The chat: conversations, their messages (a card as JSON where a run asks or reports), and
-- runs, each one request on its way through connect, clarify, approve and execute.
CREATE TABLE conversations (
    id         INTEGER PRIMARY KEY,
    title      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE chat_messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL CHECK (role IN ('user', 'assistant')),
    text            TEXT    NOT NULL,
    run_id          INTEGER,
    card            TEXT,
    created_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX chat_messages_by_conversation ON chat_messages (conversation_id, id);

CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    request         TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('working', 'needs_connection', 'needs_input',
                        'needs_approval', 'executing', 'done', 'failed', 'denied', 'cancelled')),
    -- The planned steps (JSON), the one under way, and its arguments as filled so far.
    steps           TEXT    NOT NULL,
    step            INTEGER NOT NULL DEFAULT 0,
    arguments       TEXT    NOT NULL DEFAULT '{}',
    connection_id   INTEGER,
    -- The previous step's result summary, for a later step built from it.
    previous        TEXT,
    -- The message whose card waits for the person.
    card_message_id INTEGER,
    -- Why the person denied an approval, for the planner.
    denied_because  TEXT,
    updated_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX runs_by_state ON runs (state);
