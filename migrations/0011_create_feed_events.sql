-- 0011_create_feed_events: what the market-data feeds did, and indexes for time-ordered tick work.
--
-- A feed that goes quiet, fails over to another account or loses every upstream is an event a
-- user must be able to find afterwards (and the SPA shows); rows are append-only.

CREATE TABLE feed_events (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    feed        TEXT NOT NULL CHECK (feed IN ('simulator', 'replay', 'upstream')),
    account_id  INTEGER REFERENCES accounts(id),
    kind        TEXT NOT NULL CHECK (kind IN ('started', 'connected', 'disconnected', 'failover', 'silent',
                                              'all_accounts_down', 'recovered', 'stopped', 'error')),
    message     TEXT NOT NULL CHECK (length(message) BETWEEN 1 AND 2000),
    details     TEXT CHECK (details IS NULL OR json_valid(details))
) STRICT;

CREATE INDEX feed_events_at ON feed_events (at);

CREATE TRIGGER feed_events_never_replaced BEFORE INSERT ON feed_events
WHEN EXISTS (SELECT 1 FROM feed_events WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'feed_events: feed events are append-only; rows are never replaced');
END;

CREATE TRIGGER feed_events_no_update BEFORE UPDATE ON feed_events
BEGIN
    SELECT RAISE(ABORT, 'feed_events: feed events are append-only; rows are never changed');
END;

-- Old events are trimmed by retention only (the hub's pruning deletes rows older than its window).
CREATE TRIGGER feed_events_delete_old_only BEFORE DELETE ON feed_events
WHEN OLD.at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day')
BEGIN
    SELECT RAISE(ABORT, 'feed_events: only events older than a day are deleted (retention)');
END;

-- Rebuilding today's bars after a restart and retention both read ticks by time, not by instrument.
CREATE INDEX ticks_by_time ON ticks (ts_ns);
-- Retention trims sub-minute bars by age.
CREATE INDEX bars_by_age ON bars (timeframe, ts);
