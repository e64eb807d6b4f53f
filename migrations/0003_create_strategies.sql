-- 0003_create_strategies: strategies, their legs, the accounts they trade and their runs.
--
-- Risk thresholds live here, not in the script: the engine enforces them on every tick, so they
-- still hold when a script hangs or fails. Times of day are IST 'HH:MM'.

CREATE TABLE strategies (
    id                        INTEGER PRIMARY KEY,
    user_id                   INTEGER NOT NULL REFERENCES users(id),
    name                      TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description               TEXT NOT NULL DEFAULT '',
    kind                      TEXT NOT NULL DEFAULT 'lua' CHECK (kind IN ('lua', 'legs')),  -- a Lua file, or legs run by the engine
    product                   TEXT NOT NULL DEFAULT 'MIS' CHECK (product IN ('CNC', 'NRML', 'MIS')),
    symbols                   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(symbols) AND json_type(symbols) = 'array'),
    timeframe                 TEXT CHECK (timeframe IS NULL OR timeframe IN ('1s', '5s', '1m', '3m', '5m', '15m', '30m', '1h', 'D')),
    params                    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params) AND json_type(params) = 'object'),
    state                     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(state) AND json_type(state) = 'object'),
    is_active                 INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),

    -- Strategy-level exits on combined P&L, in rupees. NULL: off.
    max_loss                  REAL CHECK (max_loss IS NULL OR max_loss > 0),
    max_profit                REAL CHECK (max_profit IS NULL OR max_profit > 0),
    max_loss_triggered_at     TEXT,
    max_profit_triggered_at   TEXT,

    -- Trailing stop on combined P&L. While active, the peak and the stop only ratchet up.
    trailing_sl_type          TEXT CHECK (trailing_sl_type IS NULL OR trailing_sl_type IN ('percentage', 'points', 'amount')),
    trailing_sl_value         REAL CHECK (trailing_sl_value IS NULL OR trailing_sl_value > 0),
    trailing_sl_active        INTEGER NOT NULL DEFAULT 0 CHECK (trailing_sl_active IN (0, 1)),
    trailing_sl_peak_pnl      REAL,
    trailing_sl_initial_stop  REAL,
    trailing_sl_current_stop  REAL,
    trailing_sl_triggered_at  TEXT,

    -- Supertrend exit on the strategy's spread.
    supertrend_exit_enabled   INTEGER NOT NULL DEFAULT 0 CHECK (supertrend_exit_enabled IN (0, 1)),
    supertrend_exit_type      TEXT CHECK (supertrend_exit_type IS NULL OR supertrend_exit_type IN ('breakout', 'breakdown')),
    supertrend_period         INTEGER NOT NULL DEFAULT 10 CHECK (supertrend_period BETWEEN 1 AND 500),
    supertrend_multiplier     REAL NOT NULL DEFAULT 3.0 CHECK (supertrend_multiplier > 0 AND supertrend_multiplier <= 50),
    supertrend_timeframe      TEXT NOT NULL DEFAULT '5m' CHECK (supertrend_timeframe IN ('1m', '3m', '5m', '15m', '30m', '1h', 'D')),
    supertrend_triggered_at   TEXT,

    -- Day limits: new risk is blocked once reached.
    daily_loss_limit          REAL CHECK (daily_loss_limit IS NULL OR daily_loss_limit > 0),
    max_trades_per_day        INTEGER CHECK (max_trades_per_day IS NULL OR max_trades_per_day > 0),

    -- Schedule (IST): entries only between entry_time and exit_time; everything closed at square_off_time.
    entry_time                TEXT CHECK (entry_time IS NULL OR (entry_time GLOB '[0-2][0-9]:[0-5][0-9]' AND entry_time < '24:00')),
    exit_time                 TEXT CHECK (exit_time IS NULL OR (exit_time GLOB '[0-2][0-9]:[0-5][0-9]' AND exit_time < '24:00')),
    square_off_time           TEXT CHECK (square_off_time IS NULL OR (square_off_time GLOB '[0-2][0-9]:[0-5][0-9]' AND square_off_time < '24:00')),

    created_at                TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at                TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),

    UNIQUE (user_id, name),
    CHECK ((trailing_sl_type IS NULL) = (trailing_sl_value IS NULL)),
    CHECK (trailing_sl_active = 0 OR trailing_sl_type IS NOT NULL),
    CHECK (trailing_sl_active = 1
           OR (trailing_sl_peak_pnl IS NULL AND trailing_sl_initial_stop IS NULL AND trailing_sl_current_stop IS NULL)),
    CHECK (supertrend_exit_enabled = 0 OR supertrend_exit_type IS NOT NULL),
    CHECK (entry_time IS NULL OR exit_time IS NULL OR entry_time < exit_time),
    CHECK (exit_time IS NULL OR square_off_time IS NULL OR exit_time <= square_off_time)
) STRICT;

-- The ratchet: a trailing stop that could move down would not be a trailing stop. To start over,
-- deactivate it and clear its peak and stops in one update (trailing_sl_active = 0 with
-- trailing_sl_peak_pnl, trailing_sl_initial_stop and trailing_sl_current_stop set to NULL; the
-- table's CHECK requires both together), then activate it again.
CREATE TRIGGER strategies_trailing_stop_ratchets
BEFORE UPDATE OF trailing_sl_peak_pnl, trailing_sl_current_stop, trailing_sl_initial_stop ON strategies
WHEN OLD.trailing_sl_active = 1 AND NEW.trailing_sl_active = 1 AND (
       (OLD.trailing_sl_peak_pnl IS NOT NULL
        AND (NEW.trailing_sl_peak_pnl IS NULL OR NEW.trailing_sl_peak_pnl < OLD.trailing_sl_peak_pnl))
    OR (OLD.trailing_sl_current_stop IS NOT NULL
        AND (NEW.trailing_sl_current_stop IS NULL OR NEW.trailing_sl_current_stop < OLD.trailing_sl_current_stop))
    OR (OLD.trailing_sl_initial_stop IS NOT NULL AND NEW.trailing_sl_initial_stop IS NOT OLD.trailing_sl_initial_stop))
BEGIN
    SELECT RAISE(ABORT, 'strategies: while a trailing stop is active its peak and stop only ratchet up; to reset it, set trailing_sl_active = 0 and its peak and stops to NULL in one update');
END;

CREATE TRIGGER strategies_never_replaced BEFORE INSERT ON strategies
WHEN EXISTS (SELECT 1 FROM strategies WHERE id = NEW.id OR (user_id = NEW.user_id AND name = NEW.name))
BEGIN
    SELECT RAISE(ABORT, 'strategies: the user already has a strategy with this id or name; strategies are never replaced');
END;

CREATE TRIGGER strategies_owner_fixed BEFORE UPDATE OF id, user_id, name ON strategies
WHEN NEW.id IS NOT OLD.id OR NEW.user_id IS NOT OLD.user_id
  OR EXISTS (SELECT 1 FROM strategies WHERE id <> OLD.id AND user_id = NEW.user_id AND name = NEW.name)
BEGIN
    SELECT RAISE(ABORT, 'strategies: a strategy''s id and owner never change, and its name is unique for its user');
END;

-- A strategy with history (runs, orders) is deactivated, never deleted: its orders, ledger rows
-- and positions name it. One that never ran may go, taking its legs and account links with it.
CREATE TRIGGER strategies_keep_history BEFORE DELETE ON strategies
WHEN EXISTS (SELECT 1 FROM strategy_runs WHERE strategy_id = OLD.id)
  OR EXISTS (SELECT 1 FROM orders WHERE strategy_id = OLD.id)
  OR EXISTS (SELECT 1 FROM strategy_executions WHERE strategy_id = OLD.id)
  OR EXISTS (SELECT 1 FROM risk_events WHERE strategy_id = OLD.id)
  OR EXISTS (SELECT 1 FROM strategy_logs WHERE strategy_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'strategies: a strategy with runs or orders is never deleted; set is_active = 0');
END;

-- The cascade the foreign keys declare, done by a trigger so it also happens with foreign keys off:
-- otherwise a later strategy reusing the id would inherit another strategy's legs and accounts.
CREATE TRIGGER strategies_delete_children AFTER DELETE ON strategies
BEGIN
    DELETE FROM strategy_legs WHERE strategy_id = OLD.id;
    DELETE FROM strategy_accounts WHERE strategy_id = OLD.id;
END;

CREATE TRIGGER strategies_updated_at AFTER UPDATE ON strategies
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE strategies SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- The accounts a strategy trades; more than one mirrors every order (the AlgoMirror use case).
CREATE TABLE strategy_accounts (
    strategy_id  INTEGER NOT NULL REFERENCES strategies(id) ON DELETE CASCADE,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (strategy_id, account_id)
) STRICT;

CREATE INDEX strategy_accounts_account ON strategy_accounts (account_id);

CREATE TRIGGER strategy_accounts_no_update BEFORE UPDATE ON strategy_accounts
BEGIN
    SELECT RAISE(ABORT, 'strategy_accounts: rows are never changed; delete the row and insert a new one');
END;

CREATE TRIGGER strategy_accounts_same_owner BEFORE INSERT ON strategy_accounts
WHEN NOT EXISTS (
    SELECT 1 FROM strategies s JOIN accounts a ON a.user_id = s.user_id
     WHERE s.id = NEW.strategy_id AND a.id = NEW.account_id)
BEGIN
    SELECT RAISE(ABORT, 'strategy_accounts: a strategy can only trade accounts of its own user');
END;

-- Declarative legs, resolved against the instrument master when the strategy enters.
CREATE TABLE strategy_legs (
    id                 INTEGER PRIMARY KEY,
    strategy_id        INTEGER NOT NULL REFERENCES strategies(id) ON DELETE CASCADE,
    leg_number         INTEGER NOT NULL CHECK (leg_number >= 1),
    instrument         TEXT NOT NULL CHECK (length(instrument) BETWEEN 1 AND 64),  -- NIFTY, or an equity symbol
    exchange           TEXT NOT NULL REFERENCES exchanges(code),                 -- where the leg trades (NFO, NSE…)
    product_type       TEXT NOT NULL CHECK (product_type IN ('options', 'futures', 'equity')),
    product            TEXT CHECK (product IS NULL OR product IN ('CNC', 'NRML', 'MIS')),  -- NULL: the strategy's
    expiry_rule        TEXT CHECK (expiry_rule IS NULL OR expiry_rule IN ('current_week', 'next_week', 'current_month', 'next_month')),
    action             TEXT NOT NULL CHECK (action IN ('BUY', 'SELL')),
    option_type        TEXT CHECK (option_type IS NULL OR option_type IN ('CE', 'PE')),
    strike_selection   TEXT CHECK (strike_selection IS NULL OR strike_selection IN ('ATM', 'ITM', 'OTM', 'strike_price', 'premium_near')),
    strike_offset      INTEGER NOT NULL DEFAULT 0 CHECK (strike_offset BETWEEN 0 AND 50),
    strike_price       REAL CHECK (strike_price IS NULL OR strike_price > 0),
    premium_value      REAL CHECK (premium_value IS NULL OR premium_value > 0),
    lots               INTEGER NOT NULL DEFAULT 1 CHECK (lots >= 1),
    order_type         TEXT NOT NULL DEFAULT 'MARKET' CHECK (order_type IN ('MARKET', 'LIMIT', 'SL', 'SL-M')),
    limit_price        REAL CHECK (limit_price IS NULL OR limit_price > 0),
    trigger_price      REAL CHECK (trigger_price IS NULL OR trigger_price > 0),
    stop_loss_type     TEXT CHECK (stop_loss_type IS NULL OR stop_loss_type IN ('percentage', 'points', 'premium')),
    stop_loss_value    REAL CHECK (stop_loss_value IS NULL OR stop_loss_value > 0),
    take_profit_type   TEXT CHECK (take_profit_type IS NULL OR take_profit_type IN ('percentage', 'points', 'premium')),
    take_profit_value  REAL CHECK (take_profit_value IS NULL OR take_profit_value > 0),
    trailing_enabled   INTEGER NOT NULL DEFAULT 0 CHECK (trailing_enabled IN (0, 1)),
    trailing_type      TEXT CHECK (trailing_type IS NULL OR trailing_type IN ('percentage', 'points')),
    trailing_value     REAL CHECK (trailing_value IS NULL OR trailing_value > 0),
    is_active          INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (strategy_id, leg_number),
    CHECK ((product_type = 'options') = (option_type IS NOT NULL)),
    CHECK ((product_type = 'options') = (strike_selection IS NOT NULL)),
    CHECK ((product_type = 'equity') = (expiry_rule IS NULL)),
    CHECK (strike_selection IS NOT 'strike_price' OR strike_price IS NOT NULL),
    CHECK (strike_selection IS NOT 'premium_near' OR premium_value IS NOT NULL),
    CHECK (COALESCE(strike_selection IN ('ITM', 'OTM'), 0) OR strike_offset = 0),
    CHECK ((stop_loss_type IS NULL) = (stop_loss_value IS NULL)),
    CHECK ((take_profit_type IS NULL) = (take_profit_value IS NULL)),
    CHECK (trailing_enabled = 0 OR (trailing_type IS NOT NULL AND trailing_value IS NOT NULL)),
    CHECK ((order_type IN ('LIMIT', 'SL')) = (limit_price IS NOT NULL)),
    CHECK ((order_type IN ('SL', 'SL-M')) = (trigger_price IS NOT NULL))
) STRICT;

CREATE TRIGGER strategy_legs_updated_at AFTER UPDATE ON strategy_legs
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE strategy_legs SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- One row per start of a strategy. At most one run per strategy is live at a time.
CREATE TABLE strategy_runs (
    id             INTEGER PRIMARY KEY,
    strategy_id    INTEGER NOT NULL REFERENCES strategies(id),
    mode           TEXT NOT NULL CHECK (mode IN ('live', 'sandbox')),
    status         TEXT NOT NULL DEFAULT 'starting'
                   CHECK (status IN ('starting', 'running', 'stopping', 'stopped', 'failed', 'completed')),
    params         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params) AND json_type(params) = 'object'),  -- as started
    started_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    stopped_at     TEXT,
    stop_reason    TEXT,
    error_message  TEXT,
    error_line     INTEGER CHECK (error_line IS NULL OR error_line >= 0),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((status IN ('stopped', 'failed', 'completed')) = (stopped_at IS NOT NULL)),
    CHECK (status <> 'failed' OR error_message IS NOT NULL)
) STRICT;

CREATE UNIQUE INDEX strategy_runs_one_live ON strategy_runs (strategy_id) WHERE status IN ('starting', 'running', 'stopping');
CREATE INDEX strategy_runs_by_strategy ON strategy_runs (strategy_id, started_at);

CREATE TRIGGER strategy_runs_never_replaced BEFORE INSERT ON strategy_runs
WHEN EXISTS (
    SELECT 1 FROM strategy_runs
     WHERE id = NEW.id
        OR (strategy_id = NEW.strategy_id AND status IN ('starting', 'running', 'stopping')
            AND NEW.status IN ('starting', 'running', 'stopping')))
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: a strategy has at most one live run, and runs are never replaced');
END;

CREATE TRIGGER strategy_runs_identity_fixed BEFORE UPDATE OF id, strategy_id, mode, started_at ON strategy_runs
WHEN NEW.id IS NOT OLD.id OR NEW.strategy_id IS NOT OLD.strategy_id OR NEW.mode IS NOT OLD.mode OR NEW.started_at IS NOT OLD.started_at
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: a run''s id, strategy, mode and start time never change');
END;

CREATE TRIGGER strategy_runs_no_delete BEFORE DELETE ON strategy_runs
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: runs are history and are never deleted');
END;

CREATE TRIGGER strategy_runs_final BEFORE UPDATE OF status ON strategy_runs
WHEN OLD.status IN ('stopped', 'failed', 'completed') AND NEW.status IS NOT OLD.status
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: a stopped, failed or completed run is final; start a new run instead');
END;

CREATE TRIGGER strategy_runs_forward BEFORE UPDATE OF status ON strategy_runs
WHEN OLD.status IN ('starting', 'running', 'stopping') AND NEW.status IS NOT OLD.status AND NOT (
       (OLD.status = 'starting' AND NEW.status IN ('running', 'stopping', 'stopped', 'failed'))
    OR (OLD.status = 'running'  AND NEW.status IN ('stopping', 'stopped', 'failed', 'completed'))
    OR (OLD.status = 'stopping' AND NEW.status IN ('stopped', 'failed')))
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: status only moves forward: starting -> running -> stopping -> stopped | failed | completed');
END;

CREATE TRIGGER strategy_runs_updated_at AFTER UPDATE ON strategy_runs
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE strategy_runs SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;
