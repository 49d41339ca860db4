-- What a language model has seen of a conversation and said in it, provider-neutral: the
-- person's words, the model's words and tool calls, and each call's result (JSON per turn).
CREATE TABLE model_turns (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    turn            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX model_turns_by_conversation ON model_turns (conversation_id, id);
