-- 0016_create_sessions: browser sign-in sessions.
--
-- The browser app signs in with a username and password and gets a random session token in an
-- HttpOnly cookie. Like API keys, the token is stored only as HMAC-SHA256 under a pepper kept
-- outside the database (a subkey of data/realalgo.key or REALALGO_SECRET_KEY), so a copy of this
-- file cannot be turned into a signed-in browser. Sign-out deletes the row; so does the purge of
-- expired rows at each sign-in. A session is worth nothing once its user is deactivated: every
-- lookup joins `users` on is_active = 1.

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    token_hash    TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64 AND token_hash NOT GLOB '*[^0-9a-f]*'),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at    TEXT NOT NULL CHECK (expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    ip            TEXT CHECK (ip IS NULL OR length(ip) <= 64),       -- where the sign-in came from, for people reading the hub
    user_agent    TEXT CHECK (user_agent IS NULL OR length(user_agent) <= 256),
    CHECK (expires_at > created_at)
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TRIGGER sessions_of_a_user BEFORE INSERT ON sessions
WHEN NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id)
BEGIN
    SELECT RAISE(ABORT, 'sessions: a session belongs to an existing user');
END;

-- A session is never moved to another user or token, nor stretched past its expiry; ending one
-- (sign-out, expiry) is a DELETE.
CREATE TRIGGER sessions_fixed BEFORE UPDATE ON sessions
BEGIN
    SELECT RAISE(ABORT, 'sessions: a session never changes; sign in again for a new one');
END;

CREATE TRIGGER sessions_never_replaced BEFORE INSERT ON sessions
WHEN EXISTS (SELECT 1 FROM sessions WHERE id = NEW.id OR token_hash = NEW.token_hash)
BEGIN
    SELECT RAISE(ABORT, 'sessions: a session with this id or token already exists; sessions are never replaced');
END;
