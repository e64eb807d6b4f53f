-- 0017_sandbox_settlement: T+1 settlement of CNC positions into holdings, and one record per
-- settled trading date.
--
-- Money already behaves like a holding: a CNC position's margin (the full value at leverage 1)
-- stays blocked while it is held, and a CNC sell realizes P&L through its trade. So settlement
-- moves only *quantity*: the part of a CNC position traded before the settlement's cutoff
-- (00:00 IST of the trading date) that has not moved yet goes into holdings, and
-- positions.settled_qty remembers how much of the net position that is. The day position the
-- books show is buy_qty - sell_qty - settled_qty. No trade is invented for it.
--
-- The rules, enforced here for every writer:
-- * settled_qty changes only by inserting a settlement_moves row, and always equals the sum of
--   its position's moves;
-- * a move carries exactly the CNC quantity traded before its settlement's cutoff and not yet
--   settled, and only the latest settlement can move anything;
-- * settlements and their moves are never deleted, a settlement's date and cutoff never change,
--   and positions_moved always counts its moves (the counts of expired contracts closed may
--   grow: a contract with no known price is retried later).

ALTER TABLE positions ADD COLUMN settled_qty INTEGER NOT NULL DEFAULT 0;

CREATE TABLE settlements (
    id                INTEGER PRIMARY KEY,
    trading_date      TEXT NOT NULL UNIQUE CHECK (date(trading_date, '+0 days') IS trading_date),
    -- 00:00 IST of trading_date, in the hub's UTC form: trades before it settle in this run
    cutoff_at         TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', cutoff_at, '+0 days') IS cutoff_at),
    positions_moved   INTEGER NOT NULL DEFAULT 0 CHECK (positions_moved >= 0),   -- CNC positions moved into (or out of) holdings: its moves
    expired_closed    INTEGER NOT NULL DEFAULT 0 CHECK (expired_closed >= 0),    -- positions on expired contracts closed
    expired_unpriced  INTEGER NOT NULL DEFAULT 0 CHECK (expired_unpriced >= 0),  -- left open for want of a price; retried
    orders_cancelled  INTEGER NOT NULL DEFAULT 0 CHECK (orders_cancelled >= 0),  -- working orders on expired contracts
    settled_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- What one settlement moved for one position (signed: a positive move adds to holdings).
CREATE TABLE settlement_moves (
    id             INTEGER PRIMARY KEY,
    settlement_id  INTEGER NOT NULL REFERENCES settlements(id),
    position_id    INTEGER NOT NULL REFERENCES positions(id),
    quantity       INTEGER NOT NULL CHECK (quantity <> 0),
    UNIQUE (settlement_id, position_id)
) STRICT;

CREATE INDEX settlement_moves_position ON settlement_moves (position_id);

CREATE TRIGGER settlements_never_replaced BEFORE INSERT ON settlements
WHEN EXISTS (SELECT 1 FROM settlements WHERE id = NEW.id OR trading_date = NEW.trading_date)
  OR NEW.positions_moved <> 0
BEGIN
    SELECT RAISE(ABORT, 'settlements: each trading date is settled once, starting with no moves; settlements are never replaced');
END;

CREATE TRIGGER settlements_fixed
BEFORE UPDATE OF id, trading_date, cutoff_at, expired_closed, orders_cancelled, settled_at ON settlements
WHEN NEW.id IS NOT OLD.id OR NEW.trading_date IS NOT OLD.trading_date OR NEW.cutoff_at IS NOT OLD.cutoff_at
  OR NEW.settled_at IS NOT OLD.settled_at
  OR NEW.expired_closed < OLD.expired_closed OR NEW.orders_cancelled < OLD.orders_cancelled
BEGIN
    SELECT RAISE(ABORT, 'settlements: a settlement''s date and cutoff never change; only the expired-contract counts grow');
END;

CREATE TRIGGER settlements_count_moves BEFORE UPDATE OF positions_moved ON settlements
WHEN NEW.positions_moved IS NOT (SELECT count(*) FROM settlement_moves WHERE settlement_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'settlements: positions_moved counts the settlement''s moves; insert a move instead');
END;

CREATE TRIGGER settlements_no_delete BEFORE DELETE ON settlements
BEGIN
    SELECT RAISE(ABORT, 'settlements: settlements are never deleted');
END;

-- SQLite runs BEFORE triggers newest first: the arithmetic is checked after the basic checks.
CREATE TRIGGER settlement_moves_follow_trades BEFORE INSERT ON settlement_moves
WHEN NEW.quantity IS NOT (
        SELECT COALESCE(SUM(CASE t.action WHEN 'BUY' THEN t.quantity ELSE -t.quantity END), 0)
          FROM positions p
          JOIN trades t ON t.account_id = p.account_id AND t.exchange = p.exchange AND t.symbol = p.symbol
                       AND t.product = p.product
         WHERE p.id = NEW.position_id
           AND t.traded_at < (SELECT cutoff_at FROM settlements WHERE id = NEW.settlement_id))
     - (SELECT settled_qty FROM positions WHERE id = NEW.position_id)
BEGIN
    SELECT RAISE(ABORT, 'settlement_moves: a move carries exactly the CNC quantity traded before its settlement''s cutoff and not yet settled');
END;

CREATE TRIGGER settlement_moves_checked BEFORE INSERT ON settlement_moves
WHEN EXISTS (SELECT 1 FROM settlement_moves
              WHERE id = NEW.id OR (settlement_id = NEW.settlement_id AND position_id = NEW.position_id))
  OR NOT EXISTS (SELECT 1 FROM positions WHERE id = NEW.position_id AND product = 'CNC')
  OR NEW.settlement_id IS NOT (SELECT max(id) FROM settlements)
BEGIN
    SELECT RAISE(ABORT, 'settlement_moves: a move belongs to the latest settlement and an existing CNC position, once; moves are never replaced');
END;

CREATE TRIGGER settlement_moves_apply AFTER INSERT ON settlement_moves
BEGIN
    UPDATE positions SET settled_qty = settled_qty + NEW.quantity WHERE id = NEW.position_id;
    UPDATE settlements SET positions_moved = positions_moved + 1 WHERE id = NEW.settlement_id;
END;

CREATE TRIGGER settlement_moves_no_update BEFORE UPDATE ON settlement_moves
BEGIN
    SELECT RAISE(ABORT, 'settlement_moves: moves are append-only');
END;

CREATE TRIGGER settlement_moves_no_delete BEFORE DELETE ON settlement_moves
BEGIN
    SELECT RAISE(ABORT, 'settlement_moves: moves are append-only');
END;

-- settled_qty is not a trade-driven column (positions_from_trades_update does not list it); it is
-- driven by settlement_moves instead, and guarded the same way orders' fills follow their trades.
CREATE TRIGGER positions_settled_from_moves BEFORE UPDATE OF settled_qty ON positions
WHEN NEW.settled_qty IS NOT (SELECT COALESCE(SUM(quantity), 0) FROM settlement_moves WHERE position_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'positions: settled_qty follows the position''s settlement_moves; insert a move to settle');
END;

CREATE TRIGGER positions_start_unsettled BEFORE INSERT ON positions
WHEN NEW.settled_qty <> 0
BEGIN
    SELECT RAISE(ABORT, 'positions: a new position has settled nothing yet');
END;
