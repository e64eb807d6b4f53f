-- 0006_create_calendar: when each exchange trades.
--
-- A day is open for an exchange when (in this order of precedence):
--   1. a special_sessions row names that date (Muhurat, budget-day sessions) — even on a holiday
--      or a weekend — and only in the windows listed there;
--   2. otherwise a market_holidays row of type 'trading' closes it, except for its
--      open_from..open_until window (MCX keeps its evening session on many exchange holidays);
--      a 'settlement' holiday only delays settlement and leaves trading open;
--   3. otherwise the active template's trading_sessions for that ISO weekday apply, choosing the
--      rows whose valid_from..valid_until range contains the date.
-- All times are local to the exchange (IST for Indian exchanges), 'HH:MM', end exclusive.

CREATE TABLE trading_hours_templates (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    exchange         TEXT NOT NULL REFERENCES exchanges(code),
    square_off_time  TEXT CHECK (square_off_time IS NULL OR (square_off_time GLOB '[0-2][0-9]:[0-5][0-9]' AND square_off_time < '24:00')),
    description      TEXT NOT NULL DEFAULT '',
    is_active        INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE UNIQUE INDEX trading_hours_templates_one_active ON trading_hours_templates (exchange) WHERE is_active = 1;

CREATE TRIGGER trading_hours_templates_updated_at AFTER UPDATE ON trading_hours_templates
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE trading_hours_templates SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

CREATE TABLE trading_sessions (
    id            INTEGER PRIMARY KEY,
    template_id   INTEGER NOT NULL REFERENCES trading_hours_templates(id) ON DELETE CASCADE,
    weekday       INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),   -- ISO 8601: 1 = Monday … 7 = Sunday
    session_type  TEXT NOT NULL CHECK (session_type IN ('pre_open', 'normal', 'post_close')),
    start_time    TEXT NOT NULL CHECK (start_time GLOB '[0-2][0-9]:[0-5][0-9]' AND start_time < '24:00'),
    end_time      TEXT NOT NULL CHECK (end_time GLOB '[0-2][0-9]:[0-5][0-9]' AND end_time <= '24:00'),
    valid_from    TEXT NOT NULL DEFAULT '0001-01-01' CHECK (date(valid_from, '+0 days') IS valid_from),
    valid_until   TEXT NOT NULL DEFAULT '9999-12-31' CHECK (date(valid_until, '+0 days') IS valid_until),
    CHECK (start_time < end_time),
    CHECK (valid_from <= valid_until),
    UNIQUE (template_id, weekday, session_type, valid_from)
) STRICT;

CREATE TRIGGER trading_sessions_no_overlap BEFORE INSERT ON trading_sessions
WHEN EXISTS (
    SELECT 1 FROM trading_sessions s
     WHERE s.template_id = NEW.template_id AND s.weekday = NEW.weekday AND s.session_type = NEW.session_type
       AND s.valid_from <= NEW.valid_until AND NEW.valid_from <= s.valid_until)
BEGIN
    SELECT RAISE(ABORT, 'trading_sessions: two sessions of the same type on the same weekday cannot have overlapping date ranges');
END;

CREATE TRIGGER trading_sessions_no_overlap_on_update
BEFORE UPDATE OF template_id, weekday, session_type, valid_from, valid_until ON trading_sessions
WHEN EXISTS (
    SELECT 1 FROM trading_sessions s
     WHERE s.id <> NEW.id AND s.template_id = NEW.template_id AND s.weekday = NEW.weekday
       AND s.session_type = NEW.session_type AND s.valid_from <= NEW.valid_until AND NEW.valid_from <= s.valid_until)
BEGIN
    SELECT RAISE(ABORT, 'trading_sessions: two sessions of the same type on the same weekday cannot have overlapping date ranges');
END;

CREATE TABLE market_holidays (
    id            INTEGER PRIMARY KEY,
    holiday_date  TEXT NOT NULL CHECK (date(holiday_date, '+0 days') IS holiday_date),
    exchange      TEXT NOT NULL REFERENCES exchanges(code),
    description   TEXT NOT NULL CHECK (length(description) >= 1),
    holiday_type  TEXT NOT NULL DEFAULT 'trading' CHECK (holiday_type IN ('trading', 'settlement')),
    open_from     TEXT CHECK (open_from IS NULL OR (open_from GLOB '[0-2][0-9]:[0-5][0-9]' AND open_from < '24:00')),
    open_until    TEXT CHECK (open_until IS NULL OR (open_until GLOB '[0-2][0-9]:[0-5][0-9]' AND open_until <= '24:00')),
    source        TEXT NOT NULL CHECK (length(source) >= 1),   -- where the date was published
    UNIQUE (holiday_date, exchange),
    CHECK ((open_from IS NULL) = (open_until IS NULL)),
    CHECK (open_from IS NULL OR open_from < open_until),
    CHECK (holiday_type = 'trading' OR open_from IS NULL)
) STRICT;

CREATE INDEX market_holidays_exchange ON market_holidays (exchange, holiday_date);

CREATE TABLE special_sessions (
    id            INTEGER PRIMARY KEY,
    session_date  TEXT NOT NULL CHECK (date(session_date, '+0 days') IS session_date),
    exchange      TEXT NOT NULL REFERENCES exchanges(code),
    name          TEXT NOT NULL CHECK (length(name) >= 1),
    session_type  TEXT NOT NULL DEFAULT 'normal' CHECK (session_type IN ('pre_open', 'normal', 'post_close')),
    start_time    TEXT NOT NULL CHECK (start_time GLOB '[0-2][0-9]:[0-5][0-9]' AND start_time < '24:00'),
    end_time      TEXT NOT NULL CHECK (end_time GLOB '[0-2][0-9]:[0-5][0-9]' AND end_time <= '24:00'),
    description   TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL CHECK (length(source) >= 1),
    UNIQUE (session_date, exchange, session_type, start_time),
    CHECK (start_time < end_time)
) STRICT;

CREATE INDEX special_sessions_exchange ON special_sessions (exchange, session_date);
