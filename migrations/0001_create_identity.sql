-- 0001_create_identity: who uses RealAlgo and through which accounts.
--
-- Conventions for every migration (see docs/SCHEMA.md):
-- * STRICT tables, explicit INTEGER PRIMARY KEY ids, snake_case names.
-- * Business timestamps are UTC ISO-8601 text with milliseconds ('2026-11-21T09:15:00.000Z');
--   market-data timestamps are integers (ticks: ts_ns, bars: ts seconds). Calendar dates are
--   'YYYY-MM-DD', checked with date(x, '+0 days') IS x: SQLite's date() alone accepts '2026-02-30',
--   while a modifier normalises it to '2026-03-02', so only real dates compare equal.
-- * Every closed set of values is enforced: small ones with CHECK, exchanges through the
--   `exchanges` reference table (a CHECK list cannot grow without rebuilding the table).
-- * Trigger messages start with the table name and say what rule was broken.
-- * REPLACE deletes a conflicting row without firing delete triggers (unless the connection sets
--   recursive_triggers, which a person at the shell will not), so every protected table refuses
--   an insert whose key already exists and a change of its id or unique columns that would
--   collide: INSERT OR REPLACE and UPDATE OR REPLACE cannot delete what DELETE may not.
-- * A shipped migration is never edited; change the schema with a new file.

CREATE TABLE exchanges (
    code      TEXT PRIMARY KEY CHECK (length(code) BETWEEN 2 AND 16 AND code NOT GLOB '*[^A-Z_]*'),
    name      TEXT NOT NULL,
    segment   TEXT NOT NULL CHECK (segment IN ('equity', 'derivatives', 'currency', 'commodity', 'index', 'crypto')),
    timezone  TEXT NOT NULL DEFAULT 'Asia/Kolkata',
    tradable  INTEGER NOT NULL DEFAULT 1 CHECK (tradable IN (0, 1))  -- 0: quote-only (indices)
) STRICT, WITHOUT ROWID;

-- Reference data other rules rely on (a quote-only exchange takes no orders): changed only by a
-- new migration that drops these triggers, never in place.
CREATE TRIGGER exchanges_no_update BEFORE UPDATE ON exchanges
BEGIN
    SELECT RAISE(ABORT, 'exchanges: the exchange list is reference data; change it with a migration');
END;

CREATE TRIGGER exchanges_no_delete BEFORE DELETE ON exchanges
BEGIN
    SELECT RAISE(ABORT, 'exchanges: the exchange list is reference data; change it with a migration');
END;

CREATE TRIGGER exchanges_never_replaced BEFORE INSERT ON exchanges
WHEN EXISTS (SELECT 1 FROM exchanges WHERE code = NEW.code)
BEGIN
    SELECT RAISE(ABORT, 'exchanges: the exchange list is reference data; change it with a migration');
END;

INSERT INTO exchanges (code, name, segment, timezone, tradable) VALUES
    ('NSE',          'National Stock Exchange — cash',                'equity',      'Asia/Kolkata', 1),
    ('BSE',          'BSE — cash',                                    'equity',      'Asia/Kolkata', 1),
    ('NFO',          'NSE futures and options',                       'derivatives', 'Asia/Kolkata', 1),
    ('BFO',          'BSE futures and options',                       'derivatives', 'Asia/Kolkata', 1),
    ('CDS',          'NSE currency derivatives',                      'currency',    'Asia/Kolkata', 1),
    ('BCD',          'BSE currency derivatives',                      'currency',    'Asia/Kolkata', 1),
    ('MCX',          'Multi Commodity Exchange',                      'commodity',   'Asia/Kolkata', 1),
    ('NCDEX',        'National Commodity and Derivatives Exchange',  'commodity',   'Asia/Kolkata', 1),
    ('NCO',          'NSE commodity derivatives',                     'commodity',   'Asia/Kolkata', 1),
    ('NSE_INDEX',    'NSE indices',                                   'index',       'Asia/Kolkata', 0),
    ('BSE_INDEX',    'BSE indices',                                   'index',       'Asia/Kolkata', 0),
    ('MCX_INDEX',    'MCX indices',                                   'index',       'Asia/Kolkata', 0),
    ('GLOBAL_INDEX', 'Global indices',                                'index',       'UTC',          0),
    ('CRYPTO',       'Crypto derivatives',                            'crypto',      'UTC',          1);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL COLLATE NOCASE UNIQUE
                   CHECK (length(username) BETWEEN 1 AND 64 AND username NOT GLOB '*[^A-Za-z0-9._-]*'),
    password_hash  TEXT NOT NULL CHECK (password_hash GLOB 'pbkdf2-sha256$*$*$*'),
    is_admin       INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    is_active      INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    last_login_at  TEXT,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TRIGGER users_first_is_active BEFORE INSERT ON users
WHEN NEW.is_active = 0 AND NOT EXISTS (SELECT 1 FROM users WHERE is_active = 1 AND is_admin = 1)
BEGIN
    SELECT RAISE(ABORT, 'users: RealAlgo must keep at least one active admin; the first user must be active');
END;

-- The first user becomes the admin: RealAlgo ships with no default account.
CREATE TRIGGER users_first_is_admin AFTER INSERT ON users
WHEN NEW.is_admin = 0 AND NOT EXISTS (SELECT 1 FROM users WHERE id <> NEW.id)
BEGIN
    UPDATE users SET is_admin = 1 WHERE id = NEW.id;
END;

CREATE TRIGGER users_keep_an_admin BEFORE UPDATE OF is_admin, is_active ON users
WHEN OLD.is_admin = 1 AND OLD.is_active = 1 AND (NEW.is_admin = 0 OR NEW.is_active = 0)
 AND NOT EXISTS (SELECT 1 FROM users WHERE id <> OLD.id AND is_admin = 1 AND is_active = 1)
BEGIN
    SELECT RAISE(ABORT, 'users: RealAlgo must keep at least one active admin; make another user admin first');
END;

CREATE TRIGGER users_never_replaced BEFORE INSERT ON users
WHEN EXISTS (SELECT 1 FROM users WHERE id = NEW.id OR username = NEW.username)
BEGIN
    SELECT RAISE(ABORT, 'users: a user with this id or username already exists; users are never replaced');
END;

CREATE TRIGGER users_identity_fixed BEFORE UPDATE OF id, username ON users
WHEN NEW.id IS NOT OLD.id
  OR EXISTS (SELECT 1 FROM users WHERE username = NEW.username AND id <> OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'users: a user''s id never changes and a username belongs to one user');
END;

-- Orders, keys and the audit trail point at users, so a user is deactivated, never deleted.
CREATE TRIGGER users_no_delete BEFORE DELETE ON users
BEGIN
    SELECT RAISE(ABORT, 'users: users are never deleted; set is_active = 0 to disable one');
END;

CREATE TRIGGER users_updated_at AFTER UPDATE ON users
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE users SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- API keys are stored only as HMAC-SHA256(pepper, key): the pepper lives outside the database
-- (data/realalgo.key or REALALGO_SECRET_KEY), so a copy of this file alone cannot forge a key.
CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL DEFAULT 'default' CHECK (length(name) BETWEEN 1 AND 64),
    key_hash      TEXT NOT NULL UNIQUE CHECK (length(key_hash) = 64 AND key_hash NOT GLOB '*[^0-9a-f]*'),
    key_prefix    TEXT NOT NULL CHECK (length(key_prefix) = 8),  -- first characters, to tell keys apart
    order_mode    TEXT NOT NULL DEFAULT 'auto' CHECK (order_mode IN ('auto', 'semi_auto')),
    last_used_at  TEXT,
    revoked_at    TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TRIGGER api_keys_never_replaced BEFORE INSERT ON api_keys
WHEN EXISTS (SELECT 1 FROM api_keys WHERE id = NEW.id OR key_hash = NEW.key_hash)
BEGIN
    SELECT RAISE(ABORT, 'api_keys: a key with this id or hash already exists; keys are never replaced');
END;

CREATE TRIGGER api_keys_identity_fixed BEFORE UPDATE OF id, key_hash, key_prefix, user_id ON api_keys
WHEN NEW.id IS NOT OLD.id OR NEW.key_hash IS NOT OLD.key_hash OR NEW.key_prefix IS NOT OLD.key_prefix OR NEW.user_id IS NOT OLD.user_id
BEGIN
    SELECT RAISE(ABORT, 'api_keys: a key''s hash and owner never change; create a new key instead');
END;

CREATE TRIGGER api_keys_revocation_is_final BEFORE UPDATE OF revoked_at ON api_keys
WHEN OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS NOT OLD.revoked_at
BEGIN
    SELECT RAISE(ABORT, 'api_keys: a revoked key stays revoked; create a new key instead');
END;

-- Where orders go: the built-in sandbox, or an OpenAlgo-compatible upstream host.
CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    kind         TEXT NOT NULL CHECK (kind IN ('sandbox', 'openalgo')),
    broker       TEXT NOT NULL DEFAULT 'sandbox' CHECK (length(broker) BETWEEN 1 AND 64),
    host_url     TEXT,
    ws_url       TEXT,
    credentials  BLOB,     -- AES-256-GCM: 12-byte nonce || ciphertext || 16-byte tag
    priority     INTEGER NOT NULL DEFAULT 0,  -- failover order: lower first
    is_default   INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    is_active    INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (user_id, name),
    CHECK (
        (kind = 'sandbox' AND host_url IS NULL AND ws_url IS NULL AND credentials IS NULL)
        OR (kind = 'openalgo' AND (host_url GLOB 'http://?*' OR host_url GLOB 'https://?*')
            AND credentials IS NOT NULL AND length(credentials) > 28)
    )
) STRICT;

CREATE UNIQUE INDEX accounts_one_default_per_user ON accounts (user_id) WHERE is_default = 1;

CREATE TRIGGER accounts_kind_fixed BEFORE UPDATE OF id, kind, user_id ON accounts
WHEN NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind OR NEW.user_id IS NOT OLD.user_id
BEGIN
    SELECT RAISE(ABORT, 'accounts: an account''s kind and owner never change; create a new account instead');
END;

CREATE TRIGGER accounts_of_a_user BEFORE INSERT ON accounts
WHEN NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id)
BEGIN
    SELECT RAISE(ABORT, 'accounts: an account belongs to an existing user');
END;

CREATE TRIGGER accounts_never_replaced BEFORE INSERT ON accounts
WHEN EXISTS (
    SELECT 1 FROM accounts
     WHERE id = NEW.id OR (user_id = NEW.user_id AND (name = NEW.name OR (is_default = 1 AND NEW.is_default = 1))))
BEGIN
    SELECT RAISE(ABORT, 'accounts: the user already has an account with this name (or a default account); accounts are never replaced');
END;

CREATE TRIGGER accounts_unique_on_update BEFORE UPDATE OF name, is_default ON accounts
WHEN EXISTS (
    SELECT 1 FROM accounts
     WHERE id <> OLD.id AND user_id = NEW.user_id AND (name = NEW.name OR (is_default = 1 AND NEW.is_default = 1)))
BEGIN
    SELECT RAISE(ABORT, 'accounts: the user already has an account with this name (or a default account); clear the other default first');
END;

-- Orders, trades and funds refer to accounts, and the books must hold even where foreign keys are
-- off (the sqlite3 shell's default), so accounts are deactivated, never deleted.
CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts
BEGIN
    SELECT RAISE(ABORT, 'accounts: accounts are never deleted; set is_active = 0 to disable one');
END;

CREATE TRIGGER accounts_updated_at AFTER UPDATE ON accounts
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE accounts SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- Every user trades on the built-in sandbox out of the box.
CREATE TRIGGER users_get_sandbox_account AFTER INSERT ON users
BEGIN
    INSERT INTO accounts (user_id, name, kind, broker, is_default) VALUES (NEW.id, 'sandbox', 'sandbox', 'sandbox', 1);
END;

-- Server-wide settings; values are JSON so numbers, booleans and lists keep their type.
CREATE TABLE settings (
    key          TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 128 AND key NOT GLOB '*[^a-z0-9._]*'),
    value        TEXT NOT NULL CHECK (json_valid(value)),
    description  TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;  -- a rowid table on purpose: SQLite's update hook (the change feed) skips WITHOUT ROWID tables

CREATE TRIGGER settings_updated_at AFTER UPDATE ON settings
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE settings SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE key = NEW.key;
END;

INSERT INTO settings (key, value, description) VALUES
    ('sandbox.starting_capital', '10000000', 'Opening balance of a new sandbox account, in rupees (₹1 crore).'),
    ('risk.kill_switch', 'false', 'When true, no new order that adds risk is accepted from any source.'),
    ('ticks.retention_days', '30', 'Ticks older than this many days are deleted by the retention job.'),
    ('bars.retention_days', '3650', 'Bars older than this many days are deleted by the retention job.');

-- Who did what. Written by RealAlgo for every change a person or program makes; never edited.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    user_id    INTEGER REFERENCES users(id),
    actor      TEXT NOT NULL CHECK (actor IN ('cli', 'api', 'web', 'strategy', 'system')),
    action     TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    entity     TEXT,
    entity_id  TEXT,
    details    TEXT CHECK (details IS NULL OR json_valid(details)),
    ip         TEXT
) STRICT;

CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_never_replaced BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log: the audit log is append-only; rows are never replaced');
END;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log: the audit log is append-only; rows are never changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log: the audit log is append-only; rows are never deleted');
END;
