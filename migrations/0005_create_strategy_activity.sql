-- 0005_create_strategy_activity: what running strategies did: executions (one per leg × account),
-- risk events and logs.

CREATE TABLE strategy_executions (
    id                 INTEGER PRIMARY KEY,
    strategy_id        INTEGER NOT NULL REFERENCES strategies(id),
    run_id             INTEGER REFERENCES strategy_runs(id),
    leg_id             INTEGER REFERENCES strategy_legs(id),
    account_id         INTEGER NOT NULL REFERENCES accounts(id),
    exchange           TEXT NOT NULL REFERENCES exchanges(code),
    symbol             TEXT NOT NULL CHECK (length(symbol) BETWEEN 1 AND 64),   -- the contract actually traded
    product            TEXT NOT NULL CHECK (product IN ('CNC', 'NRML', 'MIS')),
    action             TEXT NOT NULL CHECK (action IN ('BUY', 'SELL')),          -- the entry side
    quantity           INTEGER NOT NULL CHECK (quantity > 0),
    status             TEXT NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'entered', 'exit_pending', 'exited', 'failed')),
    entry_order_id     INTEGER REFERENCES orders(id),
    exit_order_id      INTEGER REFERENCES orders(id),
    entry_price        REAL CHECK (entry_price IS NULL OR entry_price > 0),
    exit_price         REAL CHECK (exit_price IS NULL OR exit_price > 0),
    stop_loss_price    REAL CHECK (stop_loss_price IS NULL OR stop_loss_price > 0),
    take_profit_price  REAL CHECK (take_profit_price IS NULL OR take_profit_price > 0),
    trail_best_price   REAL CHECK (trail_best_price IS NULL OR trail_best_price > 0),  -- best price since entry
    exit_reason        TEXT,
    exit_attempts      INTEGER NOT NULL DEFAULT 0 CHECK (exit_attempts >= 0),
    exit_retry_after   TEXT,
    realized_pnl       REAL,
    error_message      TEXT,
    entered_at         TEXT,
    exited_at          TEXT,
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (status NOT IN ('entered', 'exit_pending', 'exited') OR (entry_order_id IS NOT NULL AND entry_price IS NOT NULL)),
    CHECK (status <> 'exited' OR (exit_reason IS NOT NULL AND exited_at IS NOT NULL)),
    CHECK (status <> 'failed' OR error_message IS NOT NULL)
) STRICT;

CREATE INDEX strategy_executions_by_status ON strategy_executions (strategy_id, status);
CREATE INDEX strategy_executions_open ON strategy_executions (exchange, symbol) WHERE status IN ('entered', 'exit_pending');
CREATE INDEX strategy_executions_run ON strategy_executions (run_id) WHERE run_id IS NOT NULL;

CREATE TRIGGER strategy_executions_never_replaced BEFORE INSERT ON strategy_executions
WHEN EXISTS (SELECT 1 FROM strategy_executions WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'strategy_executions: an execution with this id already exists; executions are never replaced');
END;

CREATE TRIGGER strategy_executions_belong_to_strategy BEFORE INSERT ON strategy_executions
WHEN NOT EXISTS (
    SELECT 1 FROM strategies s JOIN accounts a ON a.user_id = s.user_id
     WHERE s.id = NEW.strategy_id AND a.id = NEW.account_id)
  OR (NEW.run_id IS NOT NULL AND (SELECT strategy_id FROM strategy_runs WHERE id = NEW.run_id) IS NOT NEW.strategy_id)
  OR (NEW.leg_id IS NOT NULL AND (SELECT strategy_id FROM strategy_legs WHERE id = NEW.leg_id) IS NOT NEW.strategy_id)
BEGIN
    SELECT RAISE(ABORT, 'strategy_executions: an execution''s account, run and leg must belong to its strategy (and its user)');
END;

CREATE TRIGGER strategy_executions_final BEFORE UPDATE OF status ON strategy_executions
WHEN OLD.status IN ('exited', 'failed') AND NEW.status IS NOT OLD.status
BEGIN
    SELECT RAISE(ABORT, 'strategy_executions: an exited or failed execution is final');
END;

-- exit_pending may fall back to entered when the broker shows the position still open.
CREATE TRIGGER strategy_executions_transitions BEFORE UPDATE OF status ON strategy_executions
WHEN OLD.status IN ('pending', 'entered', 'exit_pending') AND NEW.status IS NOT OLD.status AND NOT (
       (OLD.status = 'pending'      AND NEW.status IN ('entered', 'failed'))
    OR (OLD.status = 'entered'      AND NEW.status IN ('exit_pending', 'exited'))
    OR (OLD.status = 'exit_pending' AND NEW.status IN ('entered', 'exited')))
BEGIN
    SELECT RAISE(ABORT, 'strategy_executions: allowed moves are pending -> entered | failed, entered -> exit_pending | exited, exit_pending -> entered | exited');
END;

-- The best price seen since entry only improves: up for a long leg, down for a short one.
CREATE TRIGGER strategy_executions_trail_ratchets BEFORE UPDATE OF trail_best_price ON strategy_executions
WHEN OLD.trail_best_price IS NOT NULL AND (
       NEW.trail_best_price IS NULL
    OR (NEW.action = 'BUY' AND NEW.trail_best_price < OLD.trail_best_price)
    OR (NEW.action = 'SELL' AND NEW.trail_best_price > OLD.trail_best_price))
BEGIN
    SELECT RAISE(ABORT, 'strategy_executions: the trailing best price only ratchets (up for a long leg, down for a short one)');
END;

CREATE TRIGGER strategy_executions_identity_fixed
BEFORE UPDATE OF id, strategy_id, run_id, leg_id, account_id, exchange, symbol, product, action, quantity ON strategy_executions
WHEN NEW.id IS NOT OLD.id OR NEW.strategy_id IS NOT OLD.strategy_id OR NEW.run_id IS NOT OLD.run_id OR NEW.leg_id IS NOT OLD.leg_id
  OR NEW.account_id IS NOT OLD.account_id OR NEW.exchange IS NOT OLD.exchange OR NEW.symbol IS NOT OLD.symbol
  OR NEW.product IS NOT OLD.product OR NEW.action IS NOT OLD.action OR NEW.quantity IS NOT OLD.quantity
BEGIN
    SELECT RAISE(ABORT, 'strategy_executions: an execution''s strategy, account, contract, side and quantity never change');
END;

CREATE TRIGGER strategy_executions_updated_at AFTER UPDATE ON strategy_executions
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE strategy_executions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- Every risk trigger and every retry of its exit, as it happened. Never edited.
CREATE TABLE risk_events (
    id               INTEGER PRIMARY KEY,
    strategy_id      INTEGER REFERENCES strategies(id),   -- NULL for account-wide events
    run_id           INTEGER REFERENCES strategy_runs(id),
    execution_id     INTEGER REFERENCES strategy_executions(id),
    account_id       INTEGER REFERENCES accounts(id),
    event_type       TEXT NOT NULL CHECK (event_type IN (
                         'max_loss', 'max_profit', 'trailing_sl', 'stop_loss', 'take_profit', 'supertrend',
                         'exit_rule', 'square_off', 'daily_loss_limit', 'trade_cap', 'kill_switch')),
    attempt          INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),   -- 1: the trigger; 2, 3…: exit retries
    action_taken     TEXT NOT NULL CHECK (action_taken IN ('close_all', 'close_leg', 'alert_only', 'block_new')),
    threshold_value  REAL,
    current_value    REAL,
    exit_order_ids   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(exit_order_ids) AND json_type(exit_order_ids) = 'array'),
    notes            TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (strategy_id IS NOT NULL OR account_id IS NOT NULL)
) STRICT;

CREATE INDEX risk_events_strategy ON risk_events (strategy_id, created_at) WHERE strategy_id IS NOT NULL;
CREATE INDEX risk_events_time ON risk_events (created_at);

CREATE TRIGGER risk_events_never_replaced BEFORE INSERT ON risk_events
WHEN EXISTS (SELECT 1 FROM risk_events WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'risk_events: risk events are append-only; rows are never replaced');
END;

CREATE TRIGGER risk_events_no_update BEFORE UPDATE ON risk_events
BEGIN
    SELECT RAISE(ABORT, 'risk_events: risk events are append-only; a retry is a new row');
END;

CREATE TRIGGER risk_events_no_delete BEFORE DELETE ON risk_events
BEGIN
    SELECT RAISE(ABORT, 'risk_events: risk events are append-only and never deleted');
END;

-- What scripts said through ctx.log, and what the host said about them (errors with line numbers).
-- Rows are never edited; old rows may be deleted by retention.
CREATE TABLE strategy_logs (
    id           INTEGER PRIMARY KEY,
    strategy_id  INTEGER NOT NULL REFERENCES strategies(id),
    run_id       INTEGER REFERENCES strategy_runs(id),
    level        TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
    message      TEXT NOT NULL,
    line         INTEGER CHECK (line IS NULL OR line >= 0),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX strategy_logs_strategy ON strategy_logs (strategy_id, id);

CREATE TRIGGER strategy_logs_never_replaced BEFORE INSERT ON strategy_logs
WHEN EXISTS (SELECT 1 FROM strategy_logs WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'strategy_logs: log lines are never replaced');
END;

CREATE TRIGGER strategy_logs_no_update BEFORE UPDATE ON strategy_logs
BEGIN
    SELECT RAISE(ABORT, 'strategy_logs: log lines are never edited');
END;
