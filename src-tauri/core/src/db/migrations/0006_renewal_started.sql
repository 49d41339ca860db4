-- When the last token request for a connection was about to be sent. It is written, durably,
-- before the request goes out: a write the database accepts then shows it can take the renewed
-- tokens, so a refresh token is never spent while the database refuses writes.
ALTER TABLE connections ADD COLUMN renewal_started_at INTEGER;
