-- 0013_create_gtt: good-till-triggered orders (OpenAlgo's GTT, single and OCO).
--
-- A trigger waits on the market; when the last price reaches it, the order it describes is
-- placed. It fires at most once: the move from 'active' to 'triggered' and the order it places
-- are written in one transaction, and nothing leaves 'triggered' again.

CREATE TABLE gtt_triggers (
    id                 INTEGER PRIMARY KEY,
    trigger_id         TEXT NOT NULL UNIQUE CHECK (length(trigger_id) BETWEEN 1 AND 64),
    account_id         INTEGER NOT NULL REFERENCES accounts(id),
    strategy           TEXT NOT NULL DEFAULT '' CHECK (length(strategy) <= 255),
    trigger_type       TEXT NOT NULL CHECK (trigger_type IN ('single', 'two-leg')),
    exchange           TEXT NOT NULL REFERENCES exchanges(code),
    symbol             TEXT NOT NULL CHECK (length(symbol) BETWEEN 1 AND 64),
    instrument_id      INTEGER NOT NULL REFERENCES instruments(id),
    action             TEXT NOT NULL CHECK (action IN ('BUY', 'SELL')),
    product            TEXT NOT NULL CHECK (product IN ('CNC', 'NRML')),
    quantity           INTEGER NOT NULL CHECK (quantity > 0),
    pricetype          TEXT NOT NULL CHECK (pricetype IN ('LIMIT', 'MARKET')),
    -- single: the trigger and its order's limit price; two-leg: the stoploss leg.
    trigger_price      REAL NOT NULL CHECK (trigger_price > 0),
    price              REAL NOT NULL DEFAULT 0 CHECK (price >= 0),
    -- two-leg only: the target leg.
    target_trigger     REAL CHECK (target_trigger IS NULL OR target_trigger > 0),
    target_price       REAL CHECK (target_price IS NULL OR target_price >= 0),
    last_price         REAL NOT NULL CHECK (last_price > 0),   -- when placed: which way the trigger is
    status             TEXT NOT NULL DEFAULT 'active'
                       CHECK (status IN ('active', 'triggered', 'cancelled', 'expired', 'rejected')),
    fired_leg          TEXT CHECK (fired_leg IS NULL OR fired_leg IN ('single', 'stoploss', 'target')),
    order_id           INTEGER REFERENCES orders(id),
    rejection_reason   TEXT,
    expires_at         TEXT,
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((trigger_type = 'two-leg') = (target_trigger IS NOT NULL)),
    CHECK (trigger_type = 'single' OR target_trigger > trigger_price),
    CHECK ((status = 'triggered') = (order_id IS NOT NULL AND fired_leg IS NOT NULL)),
    CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)
) STRICT;

CREATE INDEX gtt_triggers_active ON gtt_triggers (instrument_id) WHERE status = 'active';
CREATE INDEX gtt_triggers_account ON gtt_triggers (account_id, created_at);

CREATE TRIGGER gtt_triggers_final BEFORE UPDATE ON gtt_triggers
WHEN OLD.status <> 'active'
BEGIN
    SELECT RAISE(ABORT, 'gtt_triggers: a triggered, cancelled, expired or rejected GTT is final; it never changes or fires again');
END;

CREATE TRIGGER gtt_triggers_start_active BEFORE INSERT ON gtt_triggers
WHEN NEW.status <> 'active' OR NEW.order_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'gtt_triggers: a new GTT starts active, with no order');
END;

CREATE TRIGGER gtt_triggers_no_delete BEFORE DELETE ON gtt_triggers
BEGIN
    SELECT RAISE(ABORT, 'gtt_triggers: GTTs are never deleted; cancel an active one instead');
END;

-- updated_at is set by each update itself: an AFTER UPDATE stamp would trip gtt_triggers_final
-- on a GTT that just became final.
