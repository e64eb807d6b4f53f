-- 0004_create_trading: orders, trades and the books they drive (positions, funds, holdings).
--
-- The rules, enforced here for every writer (RealAlgo, a script, a person at the sqlite3 shell).
-- They are triggers, so they hold even on a connection with foreign keys off (SQLite's default,
-- and the sqlite3 shell's): every reference the books depend on is also checked by a trigger.
-- * An order's status only moves forward; complete, cancelled and rejected are final.
-- * Trades are append-only, and a trade must match its order and fit in its unfilled quantity.
-- * Inserting a trade is the only way the books move: it updates the order's fills, records what
--   the trade did to each position in position_ledger, and applies it to positions,
--   strategy_positions and funds, all inside the same statement. Those derived columns reject any
--   other change, so the books always equal a replay of the trades.

CREATE TABLE orders (
    id                  INTEGER PRIMARY KEY,
    orderid             TEXT NOT NULL UNIQUE CHECK (length(orderid) BETWEEN 1 AND 64),  -- the id on the wire
    account_id          INTEGER NOT NULL REFERENCES accounts(id),
    strategy            TEXT NOT NULL DEFAULT '' CHECK (length(strategy) <= 255),  -- the caller's strategy tag
    strategy_id         INTEGER REFERENCES strategies(id),
    run_id              INTEGER REFERENCES strategy_runs(id),
    exchange            TEXT NOT NULL REFERENCES exchanges(code),
    symbol              TEXT NOT NULL CHECK (length(symbol) BETWEEN 1 AND 64),
    instrument_id       INTEGER REFERENCES instruments(id),
    action              TEXT NOT NULL CHECK (action IN ('BUY', 'SELL')),
    quantity            INTEGER NOT NULL CHECK (quantity > 0),
    filled_quantity     INTEGER NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0 AND filled_quantity <= quantity),
    average_price       REAL NOT NULL DEFAULT 0 CHECK (average_price >= 0),
    pricetype           TEXT NOT NULL CHECK (pricetype IN ('MARKET', 'LIMIT', 'SL', 'SL-M')),
    product             TEXT NOT NULL CHECK (product IN ('CNC', 'NRML', 'MIS')),
    price               REAL NOT NULL DEFAULT 0 CHECK (price >= 0),
    trigger_price       REAL NOT NULL DEFAULT 0 CHECK (trigger_price >= 0),
    disclosed_quantity  INTEGER NOT NULL DEFAULT 0 CHECK (disclosed_quantity >= 0 AND disclosed_quantity <= quantity),
    status              TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'open', 'trigger pending', 'complete', 'cancelled', 'rejected')),
    rejection_reason    TEXT,
    broker_order_id     TEXT,   -- the upstream broker's id, for orders routed to an upstream account
    source              TEXT NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'strategy', 'risk', 'web', 'cli', 'gtt', 'system')),
    parent_id           INTEGER REFERENCES orders(id),  -- split children, bracket exits
    client_ref          TEXT CHECK (client_ref IS NULL OR length(client_ref) BETWEEN 1 AND 128),  -- idempotency key
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (account_id, client_ref),
    -- LIMIT and SL carry a limit price; MARKET and SL-M must not.
    CHECK ((pricetype IN ('LIMIT', 'SL')) = (price > 0)),
    -- SL and SL-M carry a trigger price; MARKET and LIMIT must not.
    CHECK ((pricetype IN ('SL', 'SL-M')) = (trigger_price > 0)),
    CHECK (status <> 'complete' OR filled_quantity = quantity),
    CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
    CHECK (run_id IS NULL OR strategy_id IS NOT NULL)
) STRICT;

CREATE INDEX orders_account_time ON orders (account_id, created_at);
CREATE INDEX orders_strategy_time ON orders (strategy_id, created_at) WHERE strategy_id IS NOT NULL;
CREATE INDEX orders_run ON orders (run_id) WHERE run_id IS NOT NULL;
-- The sandbox matching engine looks up resting orders by instrument on every tick.
CREATE INDEX orders_resting ON orders (exchange, symbol) WHERE status IN ('open', 'trigger pending');
CREATE INDEX orders_broker_id ON orders (account_id, broker_order_id) WHERE broker_order_id IS NOT NULL;

CREATE TRIGGER orders_never_replaced BEFORE INSERT ON orders
WHEN EXISTS (
    SELECT 1 FROM orders
     WHERE id = NEW.id OR orderid = NEW.orderid
        OR (NEW.client_ref IS NOT NULL AND account_id = NEW.account_id AND client_ref = NEW.client_ref))
BEGIN
    SELECT RAISE(ABORT, 'orders: an order with this id, orderid or client reference already exists; orders are never replaced');
END;

CREATE TRIGGER orders_tradable_exchange BEFORE INSERT ON orders
WHEN (SELECT tradable FROM exchanges WHERE code = NEW.exchange) = 0
BEGIN
    SELECT RAISE(ABORT, 'orders: index exchanges are quote-only; trade the index''s futures or options instead');
END;

CREATE TRIGGER orders_references_exist BEFORE INSERT ON orders
WHEN NOT EXISTS (SELECT 1 FROM exchanges WHERE code = NEW.exchange)
  OR NOT EXISTS (SELECT 1 FROM accounts a JOIN funds f ON f.account_id = a.id WHERE a.id = NEW.account_id)
  OR (NEW.instrument_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM instruments WHERE id = NEW.instrument_id AND exchange = NEW.exchange AND symbol = NEW.symbol))
BEGIN
    SELECT RAISE(ABORT, 'orders: the account, the exchange and (when given) the instrument must exist, and the instrument must be this exchange and symbol');
END;

CREATE TRIGGER orders_start_unfilled BEFORE INSERT ON orders
WHEN NEW.filled_quantity <> 0 OR NEW.average_price <> 0
BEGIN
    SELECT RAISE(ABORT, 'orders: a new order starts unfilled; fills are recorded by inserting trades');
END;

CREATE TRIGGER orders_strategy_same_owner BEFORE INSERT ON orders
WHEN NEW.strategy_id IS NOT NULL
 AND (SELECT user_id FROM strategies WHERE id = NEW.strategy_id) IS NOT (SELECT user_id FROM accounts WHERE id = NEW.account_id)
BEGIN
    SELECT RAISE(ABORT, 'orders: a strategy can only place orders on accounts of its own user');
END;

CREATE TRIGGER orders_run_of_strategy BEFORE INSERT ON orders
WHEN NEW.run_id IS NOT NULL AND (SELECT strategy_id FROM strategy_runs WHERE id = NEW.run_id) IS NOT NEW.strategy_id
BEGIN
    SELECT RAISE(ABORT, 'orders: run_id must name a run of the order''s strategy');
END;

CREATE TRIGGER orders_status_is_final BEFORE UPDATE OF status ON orders
WHEN OLD.status IN ('complete', 'cancelled', 'rejected') AND NEW.status IS NOT OLD.status
BEGIN
    SELECT RAISE(ABORT, 'orders: a complete, cancelled or rejected order is final; its status never changes');
END;

CREATE TRIGGER orders_status_moves_forward BEFORE UPDATE OF status ON orders
WHEN OLD.status IN ('pending', 'trigger pending', 'open') AND NEW.status IS NOT OLD.status AND NOT (
       (OLD.status = 'pending')
    OR (OLD.status = 'trigger pending' AND NEW.status IN ('open', 'complete', 'cancelled', 'rejected'))
    OR (OLD.status = 'open' AND NEW.status IN ('complete', 'cancelled', 'rejected')))
BEGIN
    SELECT RAISE(ABORT, 'orders: status only moves forward: pending -> trigger pending -> open -> complete | cancelled | rejected');
END;

CREATE TRIGGER orders_final_is_frozen
BEFORE UPDATE OF quantity, price, trigger_price, pricetype, disclosed_quantity ON orders
WHEN OLD.status IN ('complete', 'cancelled', 'rejected') AND (
       NEW.quantity IS NOT OLD.quantity OR NEW.price IS NOT OLD.price OR NEW.trigger_price IS NOT OLD.trigger_price
    OR NEW.pricetype IS NOT OLD.pricetype OR NEW.disclosed_quantity IS NOT OLD.disclosed_quantity)
BEGIN
    SELECT RAISE(ABORT, 'orders: a complete, cancelled or rejected order cannot be modified');
END;

CREATE TRIGGER orders_identity_fixed
BEFORE UPDATE OF id, orderid, account_id, strategy, strategy_id, run_id, exchange, symbol, instrument_id, action, product, source, parent_id, client_ref, created_at ON orders
WHEN NEW.id IS NOT OLD.id OR NEW.orderid IS NOT OLD.orderid OR NEW.account_id IS NOT OLD.account_id
  OR NEW.strategy IS NOT OLD.strategy OR NEW.strategy_id IS NOT OLD.strategy_id OR NEW.run_id IS NOT OLD.run_id
  OR NEW.exchange IS NOT OLD.exchange OR NEW.symbol IS NOT OLD.symbol OR NEW.instrument_id IS NOT OLD.instrument_id
  OR NEW.action IS NOT OLD.action OR NEW.product IS NOT OLD.product OR NEW.source IS NOT OLD.source
  OR NEW.parent_id IS NOT OLD.parent_id OR NEW.client_ref IS NOT OLD.client_ref OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'orders: the order id, account, strategy, instrument, action and product are fixed once placed; cancel and place a new order instead');
END;

CREATE TRIGGER orders_quantity_above_fills BEFORE UPDATE OF quantity ON orders
WHEN NEW.status IN ('pending', 'open', 'trigger pending') AND NEW.quantity <= OLD.filled_quantity
BEGIN
    SELECT RAISE(ABORT, 'orders: a working order''s quantity must stay above what is already filled; cancel it, or complete it at its fills in the same update');
END;

CREATE TRIGGER orders_fills_follow_trades BEFORE UPDATE OF filled_quantity, average_price ON orders
WHEN NEW.filled_quantity IS NOT (SELECT COALESCE(SUM(quantity), 0) FROM trades WHERE order_id = NEW.id)
  OR NEW.average_price IS NOT (SELECT COALESCE(SUM(quantity * price) / SUM(quantity), 0.0) FROM trades WHERE order_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'orders: filled_quantity and average_price follow the order''s trades; insert a trade to record a fill');
END;

CREATE TRIGGER orders_no_delete BEFORE DELETE ON orders
BEGIN
    SELECT RAISE(ABORT, 'orders: orders are never deleted; cancel an open order instead');
END;

CREATE TRIGGER orders_updated_at AFTER UPDATE ON orders
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE orders SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- Fills. account_id, exchange, symbol, product and action repeat the order's (checked on insert)
-- so the trade book reads on its own.
CREATE TABLE trades (
    id               INTEGER PRIMARY KEY,
    tradeid          TEXT NOT NULL UNIQUE CHECK (length(tradeid) BETWEEN 1 AND 64),
    order_id         INTEGER NOT NULL REFERENCES orders(id),
    account_id       INTEGER NOT NULL REFERENCES accounts(id),
    exchange         TEXT NOT NULL REFERENCES exchanges(code),
    symbol           TEXT NOT NULL,
    product          TEXT NOT NULL CHECK (product IN ('CNC', 'NRML', 'MIS')),
    action           TEXT NOT NULL CHECK (action IN ('BUY', 'SELL')),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    price            REAL NOT NULL CHECK (price > 0),
    trade_value      REAL GENERATED ALWAYS AS (quantity * price) VIRTUAL,
    broker_trade_id  TEXT,
    traded_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                     -- the hub's own form, UTC with milliseconds: anything else (an offset, a missing
                     -- Z, 30 February) does not survive the round trip through strftime
                     CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', traded_at, '+0 days') IS traded_at)
) STRICT;

CREATE INDEX trades_order ON trades (order_id);
CREATE INDEX trades_account ON trades (account_id);
CREATE INDEX trades_book ON trades (account_id, exchange, symbol, product);
CREATE INDEX trades_time ON trades (traded_at);

-- SQLite runs BEFORE triggers newest first, so the most basic check is created last and its
-- message is the one a person sees.
-- The rule paper brokers most often break: a limit is a promise about the worst acceptable price.
CREATE TRIGGER trades_respect_limit_price BEFORE INSERT ON trades
WHEN EXISTS (
    SELECT 1 FROM orders o
     WHERE o.id = NEW.order_id AND o.pricetype IN ('LIMIT', 'SL')
       AND ((NEW.action = 'BUY' AND NEW.price > o.price) OR (NEW.action = 'SELL' AND NEW.price < o.price)))
BEGIN
    SELECT RAISE(ABORT, 'trades: a LIMIT or SL order never fills at a worse price than its limit');
END;

CREATE TRIGGER trades_within_order_quantity BEFORE INSERT ON trades
WHEN NEW.quantity > (SELECT quantity - filled_quantity FROM orders WHERE id = NEW.order_id)
BEGIN
    SELECT RAISE(ABORT, 'trades: a fill cannot exceed the order''s unfilled quantity');
END;

CREATE TRIGGER trades_order_fillable BEFORE INSERT ON trades
WHEN (SELECT status FROM orders WHERE id = NEW.order_id) IN ('complete', 'cancelled', 'rejected')
BEGIN
    SELECT RAISE(ABORT, 'trades: a complete, cancelled or rejected order cannot receive fills');
END;

CREATE TRIGGER trades_match_order BEFORE INSERT ON trades
WHEN NOT EXISTS (
    SELECT 1 FROM orders o
     WHERE o.id = NEW.order_id AND o.account_id = NEW.account_id AND o.exchange = NEW.exchange
       AND o.symbol = NEW.symbol AND o.product = NEW.product AND o.action = NEW.action)
BEGIN
    SELECT RAISE(ABORT, 'trades: a trade''s account, exchange, symbol, product and action must match its order');
END;

CREATE TRIGGER trades_never_replaced BEFORE INSERT ON trades
WHEN EXISTS (SELECT 1 FROM trades WHERE id = NEW.id OR tradeid = NEW.tradeid)
BEGIN
    SELECT RAISE(ABORT, 'trades: a trade with this id or tradeid already exists; trades are never replaced');
END;

CREATE TRIGGER trades_no_update BEFORE UPDATE ON trades
BEGIN
    SELECT RAISE(ABORT, 'trades: trades are append-only; record a correction as a new trade');
END;

CREATE TRIGGER trades_no_delete BEFORE DELETE ON trades
BEGIN
    SELECT RAISE(ABORT, 'trades: trades are append-only and never deleted');
END;

-- What each trade did to a position book, written by the trades_apply trigger: the account's
-- book (what the broker shows) and, for strategy orders, the strategy's own book (so two
-- strategies trading one symbol in one account each keep their own P&L).
CREATE TABLE position_ledger (
    trade_id          INTEGER NOT NULL REFERENCES trades(id),
    book              TEXT NOT NULL CHECK (book IN ('account', 'strategy')),
    account_id        INTEGER NOT NULL REFERENCES accounts(id),
    strategy_id       INTEGER REFERENCES strategies(id),
    signed_qty        INTEGER NOT NULL CHECK (signed_qty <> 0),   -- + bought, - sold
    price             REAL NOT NULL CHECK (price > 0),
    qty_before        INTEGER NOT NULL,
    avg_price_before  REAL NOT NULL,
    qty_after         INTEGER NOT NULL,
    avg_price_after   REAL NOT NULL,
    realized_pnl      REAL NOT NULL,
    PRIMARY KEY (trade_id, book),
    CHECK ((book = 'strategy') = (strategy_id IS NOT NULL)),
    CHECK (qty_after = qty_before + signed_qty)
) STRICT, WITHOUT ROWID;

CREATE INDEX position_ledger_strategy ON position_ledger (strategy_id, trade_id) WHERE strategy_id IS NOT NULL;

CREATE TRIGGER position_ledger_from_trades BEFORE INSERT ON position_ledger
WHEN EXISTS (SELECT 1 FROM position_ledger WHERE trade_id = NEW.trade_id AND book = NEW.book)
  OR NOT EXISTS (
    SELECT 1 FROM trades t JOIN orders o ON o.id = t.order_id
     WHERE t.id = NEW.trade_id AND t.account_id = NEW.account_id
       AND (NEW.book = 'account' OR NEW.strategy_id IS o.strategy_id))
BEGIN
    SELECT RAISE(ABORT, 'position_ledger: ledger rows are written by the trades table; insert a trade instead');
END;

CREATE TRIGGER position_ledger_no_update BEFORE UPDATE ON position_ledger
BEGIN
    SELECT RAISE(ABORT, 'position_ledger: the ledger is append-only');
END;

CREATE TRIGGER position_ledger_no_delete BEFORE DELETE ON position_ledger
BEGIN
    SELECT RAISE(ABORT, 'position_ledger: the ledger is append-only');
END;

-- Net positions per account, as the broker sees them. A flat position stays, with quantity 0.
CREATE TABLE positions (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts(id),
    exchange       TEXT NOT NULL REFERENCES exchanges(code),
    symbol         TEXT NOT NULL,
    product        TEXT NOT NULL CHECK (product IN ('CNC', 'NRML', 'MIS')),
    buy_qty        INTEGER NOT NULL CHECK (buy_qty >= 0),
    buy_value      REAL NOT NULL CHECK (buy_value >= 0),
    sell_qty       INTEGER NOT NULL CHECK (sell_qty >= 0),
    sell_value     REAL NOT NULL CHECK (sell_value >= 0),
    net_qty        INTEGER GENERATED ALWAYS AS (buy_qty - sell_qty) VIRTUAL,
    avg_price      REAL NOT NULL CHECK (avg_price >= 0),
    realized_pnl   REAL NOT NULL,
    ltp            REAL CHECK (ltp IS NULL OR ltp > 0),   -- mark price, refreshed from ticks
    ltp_at         TEXT,
    last_trade_id  INTEGER NOT NULL REFERENCES trades(id),
    opened_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (account_id, exchange, symbol, product),
    CHECK ((buy_qty = sell_qty) = (avg_price = 0))
) STRICT;

CREATE INDEX positions_open ON positions (exchange, symbol) WHERE buy_qty <> sell_qty;

-- The same books per strategy.
CREATE TABLE strategy_positions (
    id             INTEGER PRIMARY KEY,
    strategy_id    INTEGER NOT NULL REFERENCES strategies(id),
    account_id     INTEGER NOT NULL REFERENCES accounts(id),
    exchange       TEXT NOT NULL REFERENCES exchanges(code),
    symbol         TEXT NOT NULL,
    product        TEXT NOT NULL CHECK (product IN ('CNC', 'NRML', 'MIS')),
    buy_qty        INTEGER NOT NULL CHECK (buy_qty >= 0),
    buy_value      REAL NOT NULL CHECK (buy_value >= 0),
    sell_qty       INTEGER NOT NULL CHECK (sell_qty >= 0),
    sell_value     REAL NOT NULL CHECK (sell_value >= 0),
    net_qty        INTEGER GENERATED ALWAYS AS (buy_qty - sell_qty) VIRTUAL,
    avg_price      REAL NOT NULL CHECK (avg_price >= 0),
    realized_pnl   REAL NOT NULL,
    last_trade_id  INTEGER NOT NULL REFERENCES trades(id),
    opened_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (strategy_id, account_id, exchange, symbol, product),
    CHECK ((buy_qty = sell_qty) = (avg_price = 0))
) STRICT;

CREATE INDEX strategy_positions_open ON strategy_positions (exchange, symbol) WHERE buy_qty <> sell_qty;

-- Cash per account. available_cash is derived, never stored.
CREATE TABLE funds (
    account_id       INTEGER PRIMARY KEY REFERENCES accounts(id),
    opening_balance  REAL NOT NULL DEFAULT 0 CHECK (opening_balance >= 0),
    realized_pnl     REAL NOT NULL DEFAULT 0,
    used_margin      REAL NOT NULL DEFAULT 0 CHECK (used_margin >= 0),
    collateral       REAL NOT NULL DEFAULT 0 CHECK (collateral >= 0),
    available_cash   REAL GENERATED ALWAYS AS (opening_balance + realized_pnl - used_margin) VIRTUAL,
    last_trade_id    INTEGER REFERENCES trades(id),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- Settled equity delivered into the account (CNC buys move here at T+1).
CREATE TABLE holdings (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    exchange     TEXT NOT NULL REFERENCES exchanges(code),
    symbol       TEXT NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity >= 0),          -- settled
    t1_quantity  INTEGER NOT NULL DEFAULT 0 CHECK (t1_quantity >= 0),  -- bought, settling at T+1
    avg_price    REAL NOT NULL CHECK (avg_price >= 0),
    ltp          REAL CHECK (ltp IS NULL OR ltp > 0),
    ltp_at       TEXT,
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (account_id, exchange, symbol),
    CHECK ((quantity + t1_quantity = 0) = (avg_price = 0))
) STRICT;

CREATE TRIGGER holdings_updated_at AFTER UPDATE ON holdings
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE holdings SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- Every account has a funds row; a sandbox account starts with the configured capital.
CREATE TRIGGER accounts_get_funds AFTER INSERT ON accounts
BEGIN
    INSERT INTO funds (account_id, opening_balance) VALUES (
        NEW.id,
        CASE NEW.kind
            WHEN 'sandbox' THEN COALESCE((SELECT CAST(value AS REAL) FROM settings WHERE key = 'sandbox.starting_capital'), 10000000.0)
            ELSE 0.0
        END);
END;

-- Applying a trade: the single place where the books move.
-- Position arithmetic, for a book holding q (signed) at average a, and a trade of signed size s at p:
--   same direction or flat: the average becomes the size-weighted mean of a and p;
--   against the position:   min(|q|, |s|) units are closed at p, realizing (p - a) per unit long
--                           or (a - p) per unit short; if the trade flips the position, the new
--                           remainder opens at p; if it only reduces, the average stays a.
-- Nothing is rounded: averages and P&L keep the full precision of the prices (sub-paisa
-- instruments exist), and views round for display.
CREATE TRIGGER trades_apply AFTER INSERT ON trades
BEGIN
    UPDATE orders SET
        filled_quantity = filled_quantity + NEW.quantity,
        average_price = (SELECT SUM(quantity * price) / SUM(quantity) FROM trades WHERE order_id = NEW.order_id),
        status = CASE
            WHEN filled_quantity + NEW.quantity = quantity THEN 'complete'
            WHEN status IN ('pending', 'trigger pending') THEN 'open'
            ELSE status
        END
    WHERE id = NEW.order_id;

    INSERT INTO position_ledger (trade_id, book, account_id, strategy_id, signed_qty, price,
                                 qty_before, avg_price_before, qty_after, avg_price_after, realized_pnl)
    SELECT NEW.id, b.book, NEW.account_id, b.strategy_id, b.s, NEW.price, b.q, b.a, b.q + b.s,
           CASE
               WHEN b.q + b.s = 0 THEN 0.0
               WHEN b.q = 0 OR (b.q > 0) = (b.s > 0) THEN (abs(b.q) * b.a + abs(b.s) * NEW.price) / abs(b.q + b.s)
               WHEN abs(b.s) > abs(b.q) THEN NEW.price
               ELSE b.a
           END,
           CASE
               WHEN b.q <> 0 AND (b.q > 0) <> (b.s > 0)
               THEN min(abs(b.q), abs(b.s)) * (NEW.price - b.a) * (CASE WHEN b.q > 0 THEN 1 ELSE -1 END)
               ELSE 0.0
           END
      FROM (
            SELECT 'account' AS book, NULL AS strategy_id,
                   COALESCE(p.buy_qty - p.sell_qty, 0) AS q, COALESCE(p.avg_price, 0.0) AS a,
                   CASE NEW.action WHEN 'BUY' THEN NEW.quantity ELSE -NEW.quantity END AS s
              FROM (SELECT 1) AS one
              LEFT JOIN positions p
                ON p.account_id = NEW.account_id AND p.exchange = NEW.exchange
               AND p.symbol = NEW.symbol AND p.product = NEW.product
            UNION ALL
            SELECT 'strategy', o.strategy_id,
                   COALESCE(sp.buy_qty - sp.sell_qty, 0), COALESCE(sp.avg_price, 0.0),
                   CASE NEW.action WHEN 'BUY' THEN NEW.quantity ELSE -NEW.quantity END
              FROM orders o
              LEFT JOIN strategy_positions sp
                ON sp.strategy_id = o.strategy_id AND sp.account_id = NEW.account_id
               AND sp.exchange = NEW.exchange AND sp.symbol = NEW.symbol AND sp.product = NEW.product
             WHERE o.id = NEW.order_id AND o.strategy_id IS NOT NULL
      ) AS b
     WHERE true;

    -- A new position's row is the trade itself (it opens at the trade's price); an existing one
    -- takes its average and realized P&L from the ledger row just written. (The inserted row must
    -- be a valid position on its own: SQLite checks it before it finds the conflict.)
    INSERT INTO positions (account_id, exchange, symbol, product, buy_qty, buy_value, sell_qty, sell_value,
                           avg_price, realized_pnl, last_trade_id)
    VALUES (NEW.account_id, NEW.exchange, NEW.symbol, NEW.product,
            CASE NEW.action WHEN 'BUY' THEN NEW.quantity ELSE 0 END,
            CASE NEW.action WHEN 'BUY' THEN NEW.quantity * NEW.price ELSE 0.0 END,
            CASE NEW.action WHEN 'SELL' THEN NEW.quantity ELSE 0 END,
            CASE NEW.action WHEN 'SELL' THEN NEW.quantity * NEW.price ELSE 0.0 END,
            NEW.price, 0.0, NEW.id)
    ON CONFLICT (account_id, exchange, symbol, product) DO UPDATE SET
        buy_qty = buy_qty + excluded.buy_qty,
        buy_value = buy_value + excluded.buy_value,
        sell_qty = sell_qty + excluded.sell_qty,
        sell_value = sell_value + excluded.sell_value,
        avg_price = (SELECT l.avg_price_after FROM position_ledger l WHERE l.trade_id = excluded.last_trade_id AND l.book = 'account'),
        realized_pnl = realized_pnl + (SELECT l.realized_pnl FROM position_ledger l
                                        WHERE l.trade_id = excluded.last_trade_id AND l.book = 'account'),
        last_trade_id = excluded.last_trade_id;

    INSERT INTO strategy_positions (strategy_id, account_id, exchange, symbol, product, buy_qty, buy_value,
                                    sell_qty, sell_value, avg_price, realized_pnl, last_trade_id)
    SELECT o.strategy_id, NEW.account_id, NEW.exchange, NEW.symbol, NEW.product,
           CASE NEW.action WHEN 'BUY' THEN NEW.quantity ELSE 0 END,
           CASE NEW.action WHEN 'BUY' THEN NEW.quantity * NEW.price ELSE 0.0 END,
           CASE NEW.action WHEN 'SELL' THEN NEW.quantity ELSE 0 END,
           CASE NEW.action WHEN 'SELL' THEN NEW.quantity * NEW.price ELSE 0.0 END,
           NEW.price, 0.0, NEW.id
      FROM orders o
     WHERE o.id = NEW.order_id AND o.strategy_id IS NOT NULL
    ON CONFLICT (strategy_id, account_id, exchange, symbol, product) DO UPDATE SET
        buy_qty = buy_qty + excluded.buy_qty,
        buy_value = buy_value + excluded.buy_value,
        sell_qty = sell_qty + excluded.sell_qty,
        sell_value = sell_value + excluded.sell_value,
        avg_price = (SELECT l.avg_price_after FROM position_ledger l WHERE l.trade_id = excluded.last_trade_id AND l.book = 'strategy'),
        realized_pnl = realized_pnl + (SELECT l.realized_pnl FROM position_ledger l
                                        WHERE l.trade_id = excluded.last_trade_id AND l.book = 'strategy'),
        last_trade_id = excluded.last_trade_id;

    UPDATE funds SET
        realized_pnl = realized_pnl + (SELECT realized_pnl FROM position_ledger WHERE trade_id = NEW.id AND book = 'account'),
        last_trade_id = NEW.id
    WHERE account_id = NEW.account_id;
END;

-- Guards: the trade-driven columns of positions, strategy_positions and funds change only inside
-- trades_apply. Each update must name a newer trade of the same book as last_trade_id; since every
-- trade is applied the moment it is inserted, only the trade being applied can qualify. An insert
-- must not collide with an existing row unless it carries a newer trade (the upsert in
-- trades_apply does; INSERT OR REPLACE from anywhere else cannot).
CREATE TRIGGER positions_from_trades_insert BEFORE INSERT ON positions
WHEN EXISTS (
    SELECT 1 FROM positions p
     WHERE p.id = NEW.id
        OR (p.account_id = NEW.account_id AND p.exchange = NEW.exchange AND p.symbol = NEW.symbol
            AND p.product = NEW.product AND p.last_trade_id >= NEW.last_trade_id))
  OR NOT EXISTS (
    SELECT 1 FROM trades t
     WHERE t.id = NEW.last_trade_id AND t.account_id = NEW.account_id AND t.exchange = NEW.exchange
       AND t.symbol = NEW.symbol AND t.product = NEW.product)
BEGIN
    SELECT RAISE(ABORT, 'positions: positions are maintained from trades; insert a trade instead');
END;

CREATE TRIGGER positions_from_trades_update
BEFORE UPDATE OF id, account_id, exchange, symbol, product, buy_qty, buy_value, sell_qty, sell_value, avg_price, realized_pnl, last_trade_id, opened_at ON positions
WHEN NEW.last_trade_id <= OLD.last_trade_id OR NEW.id IS NOT OLD.id
  OR NEW.account_id IS NOT OLD.account_id OR NEW.exchange IS NOT OLD.exchange
  OR NEW.symbol IS NOT OLD.symbol OR NEW.product IS NOT OLD.product OR NEW.opened_at IS NOT OLD.opened_at
  OR NOT EXISTS (
    SELECT 1 FROM trades t
     WHERE t.id = NEW.last_trade_id AND t.account_id = NEW.account_id AND t.exchange = NEW.exchange
       AND t.symbol = NEW.symbol AND t.product = NEW.product)
BEGIN
    SELECT RAISE(ABORT, 'positions: positions are maintained from trades; insert a trade instead');
END;

CREATE TRIGGER positions_no_delete BEFORE DELETE ON positions
BEGIN
    SELECT RAISE(ABORT, 'positions: positions are never deleted; a closed position stays with quantity 0');
END;

CREATE TRIGGER positions_updated_at AFTER UPDATE ON positions
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE positions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

CREATE TRIGGER strategy_positions_from_trades_insert BEFORE INSERT ON strategy_positions
WHEN EXISTS (
    SELECT 1 FROM strategy_positions p
     WHERE p.id = NEW.id
        OR (p.strategy_id = NEW.strategy_id AND p.account_id = NEW.account_id AND p.exchange = NEW.exchange
            AND p.symbol = NEW.symbol AND p.product = NEW.product AND p.last_trade_id >= NEW.last_trade_id))
  OR NOT EXISTS (
    SELECT 1 FROM trades t JOIN orders o ON o.id = t.order_id
     WHERE t.id = NEW.last_trade_id AND o.strategy_id = NEW.strategy_id AND t.account_id = NEW.account_id
       AND t.exchange = NEW.exchange AND t.symbol = NEW.symbol AND t.product = NEW.product)
BEGIN
    SELECT RAISE(ABORT, 'strategy_positions: strategy positions are maintained from trades; insert a trade instead');
END;

CREATE TRIGGER strategy_positions_from_trades_update
BEFORE UPDATE OF id, strategy_id, account_id, exchange, symbol, product, buy_qty, buy_value, sell_qty, sell_value, avg_price, realized_pnl, last_trade_id, opened_at ON strategy_positions
WHEN NEW.last_trade_id <= OLD.last_trade_id OR NEW.id IS NOT OLD.id
  OR NEW.strategy_id IS NOT OLD.strategy_id OR NEW.account_id IS NOT OLD.account_id
  OR NEW.exchange IS NOT OLD.exchange OR NEW.symbol IS NOT OLD.symbol OR NEW.product IS NOT OLD.product
  OR NEW.opened_at IS NOT OLD.opened_at
  OR NOT EXISTS (
    SELECT 1 FROM trades t JOIN orders o ON o.id = t.order_id
     WHERE t.id = NEW.last_trade_id AND o.strategy_id = NEW.strategy_id AND t.account_id = NEW.account_id
       AND t.exchange = NEW.exchange AND t.symbol = NEW.symbol AND t.product = NEW.product)
BEGIN
    SELECT RAISE(ABORT, 'strategy_positions: strategy positions are maintained from trades; insert a trade instead');
END;

CREATE TRIGGER strategy_positions_no_delete BEFORE DELETE ON strategy_positions
BEGIN
    SELECT RAISE(ABORT, 'strategy_positions: positions are never deleted; a closed position stays with quantity 0');
END;

CREATE TRIGGER strategy_positions_updated_at AFTER UPDATE ON strategy_positions
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE strategy_positions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- The only funds row an account gets is the one accounts_get_funds inserts with it (realized P&L 0).
CREATE TRIGGER funds_never_replaced BEFORE INSERT ON funds
WHEN EXISTS (SELECT 1 FROM funds WHERE account_id = NEW.account_id)
  OR NOT EXISTS (SELECT 1 FROM accounts WHERE id = NEW.account_id)
  OR NEW.realized_pnl <> 0 OR NEW.last_trade_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'funds: every existing account has exactly one funds row, made with the account; funds rows are never replaced');
END;

CREATE TRIGGER funds_from_trades BEFORE UPDATE OF realized_pnl, last_trade_id, account_id ON funds
WHEN NEW.account_id IS NOT OLD.account_id
  OR NEW.last_trade_id IS NULL OR NEW.last_trade_id <= COALESCE(OLD.last_trade_id, 0)
  OR NOT EXISTS (SELECT 1 FROM trades WHERE id = NEW.last_trade_id AND account_id = NEW.account_id)
BEGIN
    SELECT RAISE(ABORT, 'funds: realized P&L is maintained from trades; insert a trade instead');
END;

CREATE TRIGGER funds_no_delete BEFORE DELETE ON funds
BEGIN
    SELECT RAISE(ABORT, 'funds: an account''s funds row is never deleted');
END;

CREATE TRIGGER funds_updated_at AFTER UPDATE ON funds
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE funds SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE account_id = NEW.account_id;
END;
