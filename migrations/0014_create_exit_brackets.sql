-- 0014_create_exit_brackets: the exit bracket `placeorder` attaches with target, stoploss and
-- trailing_sl — an OCO target + stop on the position the entry opens, the stop optionally trailing.
--
-- A bracket waits for its entry order. The schema itself moves it: when the entry completes the
-- bracket becomes active at the entry's average price; when the entry is cancelled or rejected
-- the bracket is cancelled. So whoever fills or cancels the entry (the sandbox broker, a restart's
-- recovery, a hand-written UPDATE) carries its bracket along in the same transaction. An active
-- bracket exits once: the move to 'exited' and the exit order are written together, and a
-- finished bracket never changes again.

CREATE TABLE exit_brackets (
    id               INTEGER PRIMARY KEY,
    entry_order_id   INTEGER NOT NULL UNIQUE REFERENCES orders(id),
    account_id       INTEGER NOT NULL REFERENCES accounts(id),
    exchange         TEXT NOT NULL REFERENCES exchanges(code),
    symbol           TEXT NOT NULL CHECK (length(symbol) BETWEEN 1 AND 64),
    instrument_id    INTEGER NOT NULL REFERENCES instruments(id),
    product          TEXT NOT NULL CHECK (product IN ('CNC', 'NRML', 'MIS')),
    -- The position the entry opens: an exit sells a long and buys back a short.
    side             TEXT NOT NULL CHECK (side IN ('long', 'short')),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    target_price     REAL CHECK (target_price IS NULL OR target_price > 0),
    stoploss_price   REAL CHECK (stoploss_price IS NULL OR stoploss_price > 0),
    trailing_points  REAL CHECK (trailing_points IS NULL OR trailing_points > 0),
    -- Set when the entry fills.
    entry_price      REAL CHECK (entry_price IS NULL OR entry_price > 0),
    -- The live stop: the stoploss (or entry ∓ trailing points), only ever tightened by trailing.
    stop_price       REAL,
    -- The best last price since the entry filled: the highest for a long, the lowest for a short.
    best_price       REAL,
    status           TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'active', 'exited', 'cancelled')),
    exit_leg         TEXT CHECK (exit_leg IS NULL OR exit_leg IN ('target', 'stoploss', 'trailing')),
    exit_order_id    INTEGER REFERENCES orders(id),
    reason           TEXT,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (target_price IS NOT NULL OR stoploss_price IS NOT NULL OR trailing_points IS NOT NULL),
    CHECK ((status = 'exited') = (exit_order_id IS NOT NULL AND exit_leg IS NOT NULL)),
    CHECK (status NOT IN ('active', 'exited') OR entry_price IS NOT NULL),
    CHECK (status <> 'cancelled' OR reason IS NOT NULL)
) STRICT;

CREATE INDEX exit_brackets_live ON exit_brackets (instrument_id) WHERE status IN ('waiting', 'active');
CREATE INDEX exit_brackets_account ON exit_brackets (account_id, created_at);

CREATE TRIGGER exit_brackets_start_waiting BEFORE INSERT ON exit_brackets
WHEN NEW.status <> 'waiting' OR NEW.exit_order_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'exit_brackets: a new bracket starts waiting for its entry, with no exit order');
END;

CREATE TRIGGER exit_brackets_final BEFORE UPDATE ON exit_brackets
WHEN OLD.status IN ('exited', 'cancelled')
BEGIN
    SELECT RAISE(ABORT, 'exit_brackets: an exited or cancelled bracket is final; it never changes or exits again');
END;

CREATE TRIGGER exit_brackets_no_delete BEFORE DELETE ON exit_brackets
BEGIN
    SELECT RAISE(ABORT, 'exit_brackets: brackets are never deleted; cancel a live one instead');
END;

-- The entry filled: arm the bracket at the entry's average price.
CREATE TRIGGER exit_brackets_arm_on_fill AFTER UPDATE OF status ON orders
WHEN NEW.status = 'complete' AND OLD.status <> 'complete'
BEGIN
    UPDATE exit_brackets
       SET status = 'active', quantity = NEW.filled_quantity, entry_price = NEW.average_price, best_price = NEW.average_price,
           stop_price = COALESCE(stoploss_price,
                                 CASE side WHEN 'long' THEN NEW.average_price - trailing_points ELSE NEW.average_price + trailing_points END),
           updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE entry_order_id = NEW.id AND status = 'waiting';
END;

-- The entry will never fill: nothing to protect.
CREATE TRIGGER exit_brackets_cancel_with_entry AFTER UPDATE OF status ON orders
WHEN NEW.status IN ('cancelled', 'rejected')
BEGIN
    UPDATE exit_brackets
       SET status = 'cancelled', reason = 'the entry order was ' || NEW.status, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE entry_order_id = NEW.id AND status = 'waiting';
END;
