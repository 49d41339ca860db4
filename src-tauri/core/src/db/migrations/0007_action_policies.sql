-- What the person decided about an action: for every account (connection_id 0) or for one.
-- Absent: the action's default (reads allowed, writes and destructive ones ask).
CREATE TABLE action_policies (
    action        TEXT    NOT NULL,
    connection_id INTEGER NOT NULL DEFAULT 0,
    policy        TEXT    NOT NULL CHECK (policy IN ('allow', 'ask', 'deny')),
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (action, connection_id)
) STRICT;
