-- 0018_create_strategy_sources_and_backtests: the Lua source of every strategy with its full
-- history, which version each run ran and which account it traded, the per-strategy opt-in to
-- live mode, and saved backtests with their trades.
--
-- The rules, enforced here for every writer:
-- * A strategy's source is append-only: version 1, 2, 3… with no gaps, never edited or deleted
--   (except with a strategy that never ran, which may be deleted whole). So a run's
--   source_version always names the exact text that ran, and an old run can be replayed.
-- * strategies.source_version (the version that runs) and strategy_runs.source_version (the one
--   that ran) name an existing version of that strategy; a run's version and account never
--   change once set.
-- * A live run needs strategies.live_enabled = 1: real money is opted into per strategy.
-- * A saved backtest never changes; it may be deleted (users prune them), and its trades go
--   with it and only with it.

-- One row per saved source of a Lua strategy. The sha256 is of the source's UTF-8 bytes, computed
-- by RealAlgo (SQLite has no SHA-256): a save whose hash equals the current version's is not a new
-- version.
CREATE TABLE strategy_versions (
    id           INTEGER PRIMARY KEY,
    strategy_id  INTEGER NOT NULL REFERENCES strategies(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL CHECK (version >= 1),
    -- Counted in bytes (CAST to BLOB), not characters: the limit is on what the hub stores.
    source       TEXT NOT NULL CHECK (length(CAST(source AS BLOB)) BETWEEN 1 AND 1000000),
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    origin       TEXT NOT NULL CHECK (origin IN ('api', 'file', 'cli', 'web')),   -- who saved it
    file_path    TEXT CHECK (file_path IS NULL OR length(file_path) BETWEEN 1 AND 4096),  -- for origin 'file'
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (strategy_id, version)
) STRICT;

-- SQLite runs BEFORE triggers newest first: a duplicate is reported as a replacement before the
-- sequence is checked.
CREATE TRIGGER strategy_versions_in_sequence BEFORE INSERT ON strategy_versions
WHEN NOT EXISTS (SELECT 1 FROM strategies WHERE id = NEW.strategy_id AND kind = 'lua')
  OR NEW.version IS NOT (SELECT COALESCE(MAX(version), 0) + 1 FROM strategy_versions WHERE strategy_id = NEW.strategy_id)
BEGIN
    SELECT RAISE(ABORT, 'strategy_versions: a version belongs to an existing Lua strategy and is the strategy''s previous version + 1 (starting at 1)');
END;

CREATE TRIGGER strategy_versions_never_replaced BEFORE INSERT ON strategy_versions
WHEN EXISTS (SELECT 1 FROM strategy_versions WHERE id = NEW.id OR (strategy_id = NEW.strategy_id AND version = NEW.version))
BEGIN
    SELECT RAISE(ABORT, 'strategy_versions: a version with this id or number already exists; versions are never replaced');
END;

CREATE TRIGGER strategy_versions_no_update BEFORE UPDATE ON strategy_versions
BEGIN
    SELECT RAISE(ABORT, 'strategy_versions: a saved version never changes; save a new version instead');
END;

-- Only strategies_delete_versions deletes versions: it runs after its strategy is gone.
CREATE TRIGGER strategy_versions_no_delete BEFORE DELETE ON strategy_versions
WHEN EXISTS (SELECT 1 FROM strategies WHERE id = OLD.strategy_id)
BEGIN
    SELECT RAISE(ABORT, 'strategy_versions: versions are history and are deleted only with their strategy');
END;

-- The version that runs. NULL for a legs strategy, and for a Lua strategy made before 0018 or
-- not saved yet (a new strategy's version 1 is inserted after the strategy, then named here).
ALTER TABLE strategies ADD COLUMN source_version INTEGER CHECK (source_version IS NULL OR (kind = 'lua' AND source_version >= 1));

-- Live mode trades real money through an upstream account: each strategy opts in on its own.
ALTER TABLE strategies ADD COLUMN live_enabled INTEGER NOT NULL DEFAULT 0 CHECK (live_enabled IN (0, 1));

CREATE TRIGGER strategies_source_version_exists BEFORE UPDATE OF source_version ON strategies
WHEN NEW.source_version IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM strategy_versions WHERE strategy_id = NEW.id AND version = NEW.source_version)
BEGIN
    SELECT RAISE(ABORT, 'strategies: source_version must name a saved version of this strategy in strategy_versions');
END;

-- A strategy being inserted has no versions yet (they need the strategy first).
CREATE TRIGGER strategies_source_version_exists_insert BEFORE INSERT ON strategies
WHEN NEW.source_version IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM strategy_versions WHERE strategy_id = NEW.id AND version = NEW.source_version)
BEGIN
    SELECT RAISE(ABORT, 'strategies: source_version must name a saved version of this strategy in strategy_versions');
END;

-- The versions go with a deleted strategy (one that never ran: strategies_keep_history refuses
-- the others), with or without foreign keys, so a later strategy reusing the id starts at 1.
CREATE TRIGGER strategies_delete_versions AFTER DELETE ON strategies
BEGIN
    DELETE FROM strategy_versions WHERE strategy_id = OLD.id;
END;

-- Which version ran (NULL for a legs strategy, or a run from before 0018), and which account the
-- run trades: NULL means the user's default account.
ALTER TABLE strategy_runs ADD COLUMN source_version INTEGER CHECK (source_version IS NULL OR source_version >= 1);
ALTER TABLE strategy_runs ADD COLUMN account_id INTEGER REFERENCES accounts(id);

CREATE TRIGGER strategy_runs_source_and_account BEFORE INSERT ON strategy_runs
WHEN (NEW.source_version IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM strategy_versions WHERE strategy_id = NEW.strategy_id AND version = NEW.source_version))
  OR (NEW.account_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM strategies s JOIN accounts a ON a.user_id = s.user_id WHERE s.id = NEW.strategy_id AND a.id = NEW.account_id))
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: a run''s source_version must be a saved version of its strategy, and its account an account of the strategy''s user');
END;

CREATE TRIGGER strategy_runs_live_opted_in BEFORE INSERT ON strategy_runs
WHEN NEW.mode = 'live' AND NOT EXISTS (SELECT 1 FROM strategies WHERE id = NEW.strategy_id AND live_enabled = 1)
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: a live run needs its strategy''s live_enabled = 1');
END;

-- Part of a run's identity (strategy_runs_identity_fixed holds the rest). A run started before its
-- source was loaded may name its version once, later.
CREATE TRIGGER strategy_runs_source_fixed BEFORE UPDATE OF source_version, account_id ON strategy_runs
WHEN (OLD.source_version IS NOT NULL AND NEW.source_version IS NOT OLD.source_version)
  OR NEW.account_id IS NOT OLD.account_id
  OR (NEW.source_version IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM strategy_versions WHERE strategy_id = NEW.strategy_id AND version = NEW.source_version))
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: a run''s source version is fixed once set (to a saved version of its strategy), and its account never changes');
END;

-- strategies_keep_history reads a strategy's logs; the events view reads its warnings and errors
-- newest first, and a run's log tail reads one run.
CREATE INDEX strategy_logs_problems ON strategy_logs (strategy_id, created_at) WHERE level IN ('warn', 'error');
CREATE INDEX strategy_logs_run ON strategy_logs (run_id, id) WHERE run_id IS NOT NULL;

-- One saved backtest: what ran (the source's hash, the params, the data) and what it made. The
-- summary columns are what lists and sweeps compare; report holds the rest (equity curve…).
-- trades_sha256 fingerprints the trades, so two runs of the same source and data can be checked
-- for determinism without reading them.
CREATE TABLE backtest_runs (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER REFERENCES users(id),        -- NULL: run from the CLI without a user
    strategy_id      INTEGER REFERENCES strategies(id) ON DELETE SET NULL,  -- the hub strategy the file is, if any
    strategy_name    TEXT NOT NULL CHECK (length(strategy_name) BETWEEN 1 AND 100),  -- kept when the strategy goes
    source_sha256    TEXT NOT NULL CHECK (length(source_sha256) = 64 AND source_sha256 NOT GLOB '*[^0-9a-f]*'),
    params           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params) AND json_type(params) = 'object'),
    symbols          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(symbols) AND json_type(symbols) = 'array'),
    timeframe        TEXT CHECK (timeframe IS NULL OR timeframe IN ('1s', '5s', '1m', '3m', '5m', '15m', '30m', '1h', 'D')),
    data_source      TEXT NOT NULL CHECK (length(data_source) BETWEEN 1 AND 4096),  -- 'hub', or the data file's path
    from_time        TEXT,
    to_time          TEXT,
    initial_capital  REAL NOT NULL CHECK (initial_capital > 0),
    bars             INTEGER NOT NULL DEFAULT 0 CHECK (bars >= 0),         -- bars replayed
    ticks            INTEGER NOT NULL DEFAULT 0 CHECK (ticks >= 0),        -- ticks replayed
    trade_count      INTEGER NOT NULL DEFAULT 0 CHECK (trade_count >= 0),  -- rows in backtest_trades
    net_pnl          REAL NOT NULL,
    max_drawdown     REAL NOT NULL CHECK (max_drawdown >= 0),              -- rupees, peak to trough
    win_rate         REAL CHECK (win_rate IS NULL OR (win_rate >= 0 AND win_rate <= 1)),  -- NULL: no round trips
    profit_factor    REAL CHECK (profit_factor IS NULL OR profit_factor >= 0),         -- NULL: nothing lost
    sharpe           REAL,
    trades_sha256    TEXT NOT NULL CHECK (length(trades_sha256) = 64 AND trades_sha256 NOT GLOB '*[^0-9a-f]*'),
    sweep_id         TEXT CHECK (sweep_id IS NULL OR length(sweep_id) BETWEEN 1 AND 64),  -- shared by one sweep's runs
    report           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(report) AND json_type(report) = 'object'),
    elapsed_ms       INTEGER NOT NULL DEFAULT 0 CHECK (elapsed_ms >= 0),
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (from_time IS NULL OR to_time IS NULL OR from_time <= to_time)
) STRICT;

CREATE INDEX backtest_runs_user ON backtest_runs (user_id, id);
CREATE INDEX backtest_runs_name ON backtest_runs (strategy_name, id);
CREATE INDEX backtest_runs_sweep ON backtest_runs (sweep_id, id) WHERE sweep_id IS NOT NULL;
-- Deleting a strategy looks up its backtests (foreign key and strategies_unlink_backtests).
CREATE INDEX backtest_runs_strategy ON backtest_runs (strategy_id) WHERE strategy_id IS NOT NULL;

CREATE TRIGGER backtest_runs_never_replaced BEFORE INSERT ON backtest_runs
WHEN EXISTS (SELECT 1 FROM backtest_runs WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'backtest_runs: a backtest with this id already exists; backtests are never replaced');
END;

CREATE TRIGGER backtest_runs_of_its_user BEFORE INSERT ON backtest_runs
WHEN (NEW.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id))
  OR (NEW.strategy_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM strategies WHERE id = NEW.strategy_id AND (NEW.user_id IS NULL OR user_id = NEW.user_id)))
BEGIN
    SELECT RAISE(ABORT, 'backtest_runs: a backtest''s user must exist, and its strategy (when set) must exist and be that user''s');
END;

-- A saved result is a record: it never changes. The only exception is letting go of a deleted
-- strategy (strategies_unlink_backtests, or the foreign key's SET NULL), so the backtest stays,
-- named by strategy_name.
CREATE TRIGGER backtest_runs_no_update
BEFORE UPDATE OF id, user_id, strategy_name, source_sha256, params, symbols, timeframe, data_source, from_time, to_time,
                 initial_capital, bars, ticks, trade_count, net_pnl, max_drawdown, win_rate, profit_factor, sharpe,
                 trades_sha256, sweep_id, report, elapsed_ms, created_at ON backtest_runs
BEGIN
    SELECT RAISE(ABORT, 'backtest_runs: a saved backtest never changes; run it again for a new one');
END;

CREATE TRIGGER backtest_runs_strategy_fixed BEFORE UPDATE OF strategy_id ON backtest_runs
WHEN NEW.strategy_id IS NOT NULL OR EXISTS (SELECT 1 FROM strategies WHERE id = OLD.strategy_id)
BEGIN
    SELECT RAISE(ABORT, 'backtest_runs: a saved backtest never changes; run it again for a new one');
END;

CREATE TRIGGER strategies_unlink_backtests AFTER DELETE ON strategies
BEGIN
    UPDATE backtest_runs SET strategy_id = NULL WHERE strategy_id = OLD.id;
END;

-- Each fill of a backtest, in order. WITHOUT ROWID: rows are read and deleted by run, in seq order.
-- exchange is not a foreign key: a backtest over a data file may name a market the hub does not list.
CREATE TABLE backtest_trades (
    run_id          INTEGER NOT NULL REFERENCES backtest_runs(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    -- Simulated time, in the hub's UTC form (as trades.traded_at).
    traded_at       TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', traded_at, '+0 days') IS traded_at),
    exchange        TEXT NOT NULL CHECK (length(exchange) BETWEEN 1 AND 32),
    symbol          TEXT NOT NULL CHECK (length(symbol) BETWEEN 1 AND 64),
    action          TEXT NOT NULL CHECK (action IN ('BUY', 'SELL')),
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    price           REAL NOT NULL CHECK (price > 0),
    position_after  INTEGER NOT NULL,   -- the symbol's signed position after this fill
    realized_pnl    REAL NOT NULL,      -- what this fill realized
    tag             TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, seq)
) STRICT, WITHOUT ROWID;

-- seq is capped by the run's trade_count, so trades cannot be added to a saved backtest later:
-- they are written with their run, in its transaction.
CREATE TRIGGER backtest_trades_of_a_run BEFORE INSERT ON backtest_trades
WHEN EXISTS (SELECT 1 FROM backtest_trades WHERE run_id = NEW.run_id AND seq = NEW.seq)
  OR NEW.seq > COALESCE((SELECT trade_count FROM backtest_runs WHERE id = NEW.run_id), 0)
BEGIN
    SELECT RAISE(ABORT, 'backtest_trades: a trade belongs to an existing backtest, numbered 1 to its trade_count, once; trades are never replaced');
END;

CREATE TRIGGER backtest_trades_no_update BEFORE UPDATE ON backtest_trades
BEGIN
    SELECT RAISE(ABORT, 'backtest_trades: a backtest''s trades never change');
END;

CREATE TRIGGER backtest_trades_no_delete BEFORE DELETE ON backtest_trades
WHEN EXISTS (SELECT 1 FROM backtest_runs WHERE id = OLD.run_id)
BEGIN
    SELECT RAISE(ABORT, 'backtest_trades: trades are deleted only with their backtest; delete the backtest_runs row');
END;

-- The cascade the foreign key declares, done by a trigger so it also happens with foreign keys off.
CREATE TRIGGER backtest_runs_delete_trades AFTER DELETE ON backtest_runs
BEGIN
    DELETE FROM backtest_trades WHERE run_id = OLD.id;
END;
