-- table account_mirrors on account_mirrors
CREATE TABLE account_mirrors (
    id                 INTEGER PRIMARY KEY,
    source_account_id  INTEGER NOT NULL REFERENCES accounts(id),
    target_account_id  INTEGER NOT NULL REFERENCES accounts(id),
    multiplier         INTEGER NOT NULL DEFAULT 1 CHECK (multiplier BETWEEN 1 AND 100),  -- target quantity = source quantity × multiplier
    is_active          INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (source_account_id, target_account_id),
    CHECK (source_account_id <> target_account_id)
) STRICT;

-- table accounts on accounts
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

-- table api_keys on api_keys
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

-- table audit_log on audit_log
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

-- table backtest_runs on backtest_runs
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

-- table backtest_trades on backtest_trades
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

-- table bars on bars
CREATE TABLE bars (
    instrument_id  INTEGER NOT NULL REFERENCES instruments(id),
    timeframe      TEXT NOT NULL CHECK (timeframe IN ('1s', '5s', '1m', '3m', '5m', '15m', '30m', '1h', 'D')),
    ts             INTEGER NOT NULL,   -- bar open: epoch seconds (daily bars: 00:00 UTC of the trading date)
    open           REAL NOT NULL CHECK (open > 0),
    high           REAL NOT NULL,
    low            REAL NOT NULL CHECK (low > 0),
    close          REAL NOT NULL CHECK (close > 0),
    volume         INTEGER NOT NULL DEFAULT 0 CHECK (volume >= 0),
    oi             INTEGER CHECK (oi IS NULL OR oi >= 0),
    PRIMARY KEY (instrument_id, timeframe, ts),
    CHECK (high >= low AND high >= open AND high >= close AND low <= open AND low <= close)
) STRICT, WITHOUT ROWID;

-- table derivative_series on derivative_series
CREATE TABLE derivative_series (
    id                   INTEGER PRIMARY KEY,
    underlying           TEXT NOT NULL,
    underlying_exchange  TEXT NOT NULL REFERENCES exchanges(code),
    exchange             TEXT NOT NULL REFERENCES exchanges(code),
    lot_size             INTEGER NOT NULL CHECK (lot_size > 0),
    tick_size            REAL NOT NULL DEFAULT 0.05 CHECK (tick_size > 0),
    freeze_qty           INTEGER CHECK (freeze_qty IS NULL OR freeze_qty > 0),
    strike_step          REAL NOT NULL CHECK (strike_step > 0),
    strikes_each_side    INTEGER NOT NULL DEFAULT 20 CHECK (strikes_each_side BETWEEN 1 AND 200),
    expiry_weekday       INTEGER NOT NULL CHECK (expiry_weekday BETWEEN 1 AND 7),  -- ISO: 1 = Monday
    weekly_expiries      INTEGER NOT NULL DEFAULT 0 CHECK (weekly_expiries BETWEEN 0 AND 12),
    monthly_expiries     INTEGER NOT NULL DEFAULT 3 CHECK (monthly_expiries BETWEEN 0 AND 12),
    future_expiries      INTEGER NOT NULL DEFAULT 3 CHECK (future_expiries BETWEEN 0 AND 12),
    reference_price      REAL NOT NULL CHECK (reference_price > 0),  -- centre of the listed strikes
    is_active            INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    UNIQUE (exchange, underlying)
) STRICT;

-- table exchanges on exchanges
CREATE TABLE exchanges (
    code      TEXT PRIMARY KEY CHECK (length(code) BETWEEN 2 AND 16 AND code NOT GLOB '*[^A-Z_]*'),
    name      TEXT NOT NULL,
    segment   TEXT NOT NULL CHECK (segment IN ('equity', 'derivatives', 'currency', 'commodity', 'index', 'crypto')),
    timezone  TEXT NOT NULL DEFAULT 'Asia/Kolkata',
    tradable  INTEGER NOT NULL DEFAULT 1 CHECK (tradable IN (0, 1))  -- 0: quote-only (indices)
) STRICT, WITHOUT ROWID;

-- table exit_brackets on exit_brackets
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

-- table feed_events on feed_events
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

-- table funds on funds
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

-- table gtt_triggers on gtt_triggers
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

-- table holdings on holdings
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

-- table instruments on instruments
CREATE TABLE instruments (
    id               INTEGER PRIMARY KEY,
    symbol           TEXT NOT NULL CHECK (length(symbol) BETWEEN 1 AND 64 AND symbol = upper(symbol)),
    exchange         TEXT NOT NULL REFERENCES exchanges(code),
    name             TEXT NOT NULL DEFAULT '',
    instrument_type  TEXT NOT NULL CHECK (instrument_type IN ('EQ', 'INDEX', 'FUT', 'CE', 'PE')),
    expiry           TEXT CHECK (expiry IS NULL OR date(expiry, '+0 days') IS expiry),
    strike           REAL CHECK (strike IS NULL OR strike > 0),
    option_type      TEXT CHECK (option_type IS NULL OR option_type IN ('CE', 'PE')),
    lot_size         INTEGER NOT NULL DEFAULT 1 CHECK (lot_size > 0),
    tick_size        REAL NOT NULL DEFAULT 0.05 CHECK (tick_size > 0),
    freeze_qty       INTEGER CHECK (freeze_qty IS NULL OR freeze_qty > 0),
    underlying       TEXT,             -- NIFTY for NIFTY24NOV26FUT; NULL for equities and indices
    token            TEXT NOT NULL CHECK (length(token) BETWEEN 1 AND 64),
    brsymbol         TEXT,             -- the upstream broker's symbol, when it differs
    brexchange       TEXT,
    source           TEXT NOT NULL DEFAULT 'simulator' CHECK (length(source) BETWEEN 1 AND 64),
    is_active        INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),  -- 0: expired or delisted
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (exchange, symbol),
    CHECK (option_type IS NULL OR option_type = instrument_type),
    CHECK (instrument_type NOT IN ('CE', 'PE')
           OR (option_type IS NOT NULL AND strike IS NOT NULL AND expiry IS NOT NULL AND underlying IS NOT NULL)),
    CHECK (instrument_type <> 'FUT' OR (expiry IS NOT NULL AND strike IS NULL AND underlying IS NOT NULL)),
    CHECK (instrument_type NOT IN ('EQ', 'INDEX') OR (expiry IS NULL AND strike IS NULL))
) STRICT;

-- table market_holidays on market_holidays
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

-- table orders on orders
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
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), margin_blocked REAL NOT NULL DEFAULT 0 CHECK (margin_blocked >= 0),
    UNIQUE (account_id, client_ref),
    -- LIMIT and SL carry a limit price; MARKET and SL-M must not.
    CHECK ((pricetype IN ('LIMIT', 'SL')) = (price > 0)),
    -- SL and SL-M carry a trigger price; MARKET and LIMIT must not.
    CHECK ((pricetype IN ('SL', 'SL-M')) = (trigger_price > 0)),
    CHECK (status <> 'complete' OR filled_quantity = quantity),
    CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
    CHECK (run_id IS NULL OR strategy_id IS NOT NULL)
) STRICT;

-- table position_ledger on position_ledger
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

-- table positions on positions
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
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), margin_blocked REAL NOT NULL DEFAULT 0 CHECK (margin_blocked >= 0), settled_qty INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, exchange, symbol, product),
    CHECK ((buy_qty = sell_qty) = (avg_price = 0))
) STRICT;

-- table risk_events on risk_events
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

-- table schema_migrations on schema_migrations
CREATE TABLE schema_migrations (
    name              TEXT PRIMARY KEY,
    checksum          TEXT NOT NULL CHECK (length(checksum) = 64),
    applied_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    realalgo_version  TEXT NOT NULL
) STRICT;

-- table sessions on sessions
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    token_hash    TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64 AND token_hash NOT GLOB '*[^0-9a-f]*'),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at    TEXT NOT NULL CHECK (expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    ip            TEXT CHECK (ip IS NULL OR length(ip) <= 64),       -- where the sign-in came from, for people reading the hub
    user_agent    TEXT CHECK (user_agent IS NULL OR length(user_agent) <= 256),
    CHECK (expires_at > created_at)
) STRICT;

-- table settings on settings
CREATE TABLE settings (
    key          TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 128 AND key NOT GLOB '*[^a-z0-9._]*'),
    value        TEXT NOT NULL CHECK (json_valid(value)),
    description  TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- table settlement_moves on settlement_moves
CREATE TABLE settlement_moves (
    id             INTEGER PRIMARY KEY,
    settlement_id  INTEGER NOT NULL REFERENCES settlements(id),
    position_id    INTEGER NOT NULL REFERENCES positions(id),
    quantity       INTEGER NOT NULL CHECK (quantity <> 0),
    UNIQUE (settlement_id, position_id)
) STRICT;

-- table settlements on settlements
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

-- table simulated_instruments on simulated_instruments
CREATE TABLE simulated_instruments (
    instrument_id      INTEGER PRIMARY KEY REFERENCES instruments(id),
    reference_price    REAL NOT NULL CHECK (reference_price > 0),
    annual_volatility  REAL NOT NULL CHECK (annual_volatility > 0 AND annual_volatility < 5)
) STRICT;

-- table special_sessions on special_sessions
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

-- table strategies on strategies
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
    updated_at                TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), source_version INTEGER CHECK (source_version IS NULL OR (kind = 'lua' AND source_version >= 1)), live_enabled INTEGER NOT NULL DEFAULT 0 CHECK (live_enabled IN (0, 1)),

    UNIQUE (user_id, name),
    CHECK ((trailing_sl_type IS NULL) = (trailing_sl_value IS NULL)),
    CHECK (trailing_sl_active = 0 OR trailing_sl_type IS NOT NULL),
    CHECK (trailing_sl_active = 1
           OR (trailing_sl_peak_pnl IS NULL AND trailing_sl_initial_stop IS NULL AND trailing_sl_current_stop IS NULL)),
    CHECK (supertrend_exit_enabled = 0 OR supertrend_exit_type IS NOT NULL),
    CHECK (entry_time IS NULL OR exit_time IS NULL OR entry_time < exit_time),
    CHECK (exit_time IS NULL OR square_off_time IS NULL OR exit_time <= square_off_time)
) STRICT;

-- table strategy_accounts on strategy_accounts
CREATE TABLE strategy_accounts (
    strategy_id  INTEGER NOT NULL REFERENCES strategies(id) ON DELETE CASCADE,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (strategy_id, account_id)
) STRICT;

-- table strategy_executions on strategy_executions
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

-- table strategy_legs on strategy_legs
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

-- table strategy_logs on strategy_logs
CREATE TABLE strategy_logs (
    id           INTEGER PRIMARY KEY,
    strategy_id  INTEGER NOT NULL REFERENCES strategies(id),
    run_id       INTEGER REFERENCES strategy_runs(id),
    level        TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
    message      TEXT NOT NULL,
    line         INTEGER CHECK (line IS NULL OR line >= 0),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- table strategy_positions on strategy_positions
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

-- table strategy_runs on strategy_runs
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
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), source_version INTEGER CHECK (source_version IS NULL OR source_version >= 1), account_id INTEGER REFERENCES accounts(id),
    CHECK ((status IN ('stopped', 'failed', 'completed')) = (stopped_at IS NOT NULL)),
    CHECK (status <> 'failed' OR error_message IS NOT NULL)
) STRICT;

-- table strategy_versions on strategy_versions
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

-- table ticks on ticks
CREATE TABLE ticks (
    instrument_id  INTEGER NOT NULL REFERENCES instruments(id),
    ts_ns          INTEGER NOT NULL CHECK (ts_ns > 0),      -- exchange time, ns since the Unix epoch
    ltp            REAL NOT NULL CHECK (ltp > 0),
    ltq            INTEGER CHECK (ltq IS NULL OR ltq >= 0),
    bid            REAL CHECK (bid IS NULL OR bid > 0),
    ask            REAL CHECK (ask IS NULL OR ask > 0),
    bid_qty        INTEGER CHECK (bid_qty IS NULL OR bid_qty >= 0),
    ask_qty        INTEGER CHECK (ask_qty IS NULL OR ask_qty >= 0),
    volume         INTEGER CHECK (volume IS NULL OR volume >= 0),   -- cumulative for the day
    oi             INTEGER CHECK (oi IS NULL OR oi >= 0)
) STRICT;

-- table trades on trades
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

-- table trading_hours_templates on trading_hours_templates
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

-- table trading_sessions on trading_sessions
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

-- table users on users
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

-- index account_mirrors_target on account_mirrors
CREATE INDEX account_mirrors_target ON account_mirrors (target_account_id);

-- index accounts_one_default_per_user on accounts
CREATE UNIQUE INDEX accounts_one_default_per_user ON accounts (user_id) WHERE is_default = 1;

-- index api_keys_user on api_keys
CREATE INDEX api_keys_user ON api_keys (user_id);

-- index audit_log_at on audit_log
CREATE INDEX audit_log_at ON audit_log (at);

-- index backtest_runs_name on backtest_runs
CREATE INDEX backtest_runs_name ON backtest_runs (strategy_name, id);

-- index backtest_runs_strategy on backtest_runs
CREATE INDEX backtest_runs_strategy ON backtest_runs (strategy_id) WHERE strategy_id IS NOT NULL;

-- index backtest_runs_sweep on backtest_runs
CREATE INDEX backtest_runs_sweep ON backtest_runs (sweep_id, id) WHERE sweep_id IS NOT NULL;

-- index backtest_runs_user on backtest_runs
CREATE INDEX backtest_runs_user ON backtest_runs (user_id, id);

-- index bars_by_age on bars
CREATE INDEX bars_by_age ON bars (timeframe, ts);

-- index exit_brackets_account on exit_brackets
CREATE INDEX exit_brackets_account ON exit_brackets (account_id, created_at);

-- index exit_brackets_live on exit_brackets
CREATE INDEX exit_brackets_live ON exit_brackets (instrument_id) WHERE status IN ('waiting', 'active');

-- index feed_events_at on feed_events
CREATE INDEX feed_events_at ON feed_events (at);

-- index gtt_triggers_account on gtt_triggers
CREATE INDEX gtt_triggers_account ON gtt_triggers (account_id, created_at);

-- index gtt_triggers_active on gtt_triggers
CREATE INDEX gtt_triggers_active ON gtt_triggers (instrument_id) WHERE status = 'active';

-- index instruments_chain on instruments
CREATE INDEX instruments_chain ON instruments (underlying, exchange, expiry, strike) WHERE underlying IS NOT NULL;

-- index instruments_expiry on instruments
CREATE INDEX instruments_expiry ON instruments (expiry) WHERE expiry IS NOT NULL AND is_active = 1;

-- index instruments_token on instruments
CREATE UNIQUE INDEX instruments_token ON instruments (exchange, token);

-- index market_holidays_exchange on market_holidays
CREATE INDEX market_holidays_exchange ON market_holidays (exchange, holiday_date);

-- index orders_account_time on orders
CREATE INDEX orders_account_time ON orders (account_id, created_at);

-- index orders_broker_id on orders
CREATE INDEX orders_broker_id ON orders (account_id, broker_order_id) WHERE broker_order_id IS NOT NULL;

-- index orders_broker_order_unique on orders
CREATE UNIQUE INDEX orders_broker_order_unique ON orders (account_id, broker_order_id) WHERE broker_order_id IS NOT NULL;

-- index orders_resting on orders
CREATE INDEX orders_resting ON orders (exchange, symbol) WHERE status IN ('open', 'trigger pending');

-- index orders_run on orders
CREATE INDEX orders_run ON orders (run_id) WHERE run_id IS NOT NULL;

-- index orders_strategy_time on orders
CREATE INDEX orders_strategy_time ON orders (strategy_id, created_at) WHERE strategy_id IS NOT NULL;

-- index position_ledger_strategy on position_ledger
CREATE INDEX position_ledger_strategy ON position_ledger (strategy_id, trade_id) WHERE strategy_id IS NOT NULL;

-- index positions_open on positions
CREATE INDEX positions_open ON positions (exchange, symbol) WHERE buy_qty <> sell_qty;

-- index risk_events_strategy on risk_events
CREATE INDEX risk_events_strategy ON risk_events (strategy_id, created_at) WHERE strategy_id IS NOT NULL;

-- index risk_events_time on risk_events
CREATE INDEX risk_events_time ON risk_events (created_at);

-- index sessions_expires on sessions
CREATE INDEX sessions_expires ON sessions (expires_at);

-- index sessions_user on sessions
CREATE INDEX sessions_user ON sessions (user_id);

-- index settlement_moves_position on settlement_moves
CREATE INDEX settlement_moves_position ON settlement_moves (position_id);

-- index special_sessions_exchange on special_sessions
CREATE INDEX special_sessions_exchange ON special_sessions (exchange, session_date);

-- index strategy_accounts_account on strategy_accounts
CREATE INDEX strategy_accounts_account ON strategy_accounts (account_id);

-- index strategy_executions_by_status on strategy_executions
CREATE INDEX strategy_executions_by_status ON strategy_executions (strategy_id, status);

-- index strategy_executions_open on strategy_executions
CREATE INDEX strategy_executions_open ON strategy_executions (exchange, symbol) WHERE status IN ('entered', 'exit_pending');

-- index strategy_executions_run on strategy_executions
CREATE INDEX strategy_executions_run ON strategy_executions (run_id) WHERE run_id IS NOT NULL;

-- index strategy_logs_problems on strategy_logs
CREATE INDEX strategy_logs_problems ON strategy_logs (strategy_id, created_at) WHERE level IN ('warn', 'error');

-- index strategy_logs_run on strategy_logs
CREATE INDEX strategy_logs_run ON strategy_logs (run_id, id) WHERE run_id IS NOT NULL;

-- index strategy_logs_strategy on strategy_logs
CREATE INDEX strategy_logs_strategy ON strategy_logs (strategy_id, id);

-- index strategy_positions_open on strategy_positions
CREATE INDEX strategy_positions_open ON strategy_positions (exchange, symbol) WHERE buy_qty <> sell_qty;

-- index strategy_runs_by_strategy on strategy_runs
CREATE INDEX strategy_runs_by_strategy ON strategy_runs (strategy_id, started_at);

-- index strategy_runs_one_live on strategy_runs
CREATE UNIQUE INDEX strategy_runs_one_live ON strategy_runs (strategy_id) WHERE status IN ('starting', 'running', 'stopping');

-- index ticks_by_instrument on ticks
CREATE INDEX ticks_by_instrument ON ticks (instrument_id, ts_ns);

-- index ticks_by_time on ticks
CREATE INDEX ticks_by_time ON ticks (ts_ns);

-- index trades_account on trades
CREATE INDEX trades_account ON trades (account_id);

-- index trades_book on trades
CREATE INDEX trades_book ON trades (account_id, exchange, symbol, product);

-- index trades_broker_trade_unique on trades
CREATE UNIQUE INDEX trades_broker_trade_unique ON trades (account_id, broker_trade_id) WHERE broker_trade_id IS NOT NULL;

-- index trades_order on trades
CREATE INDEX trades_order ON trades (order_id);

-- index trades_time on trades
CREATE INDEX trades_time ON trades (traded_at);

-- index trading_hours_templates_one_active on trading_hours_templates
CREATE UNIQUE INDEX trading_hours_templates_one_active ON trading_hours_templates (exchange) WHERE is_active = 1;

-- view account_summary on account_summary
CREATE VIEW account_summary AS
SELECT a.id AS account_id,
       a.name AS account,
       a.user_id,
       a.kind,
       f.opening_balance,
       f.realized_pnl,
       u.unrealized_pnl,
       f.used_margin,
       f.available_cash,
       ROUND(f.opening_balance + f.realized_pnl + u.unrealized_pnl, 2) AS equity
  FROM accounts a
  JOIN funds f ON f.account_id = a.id
  JOIN (SELECT a2.id AS account_id, ROUND(COALESCE(SUM(e.unrealized_pnl), 0), 2) AS unrealized_pnl
          FROM accounts a2 LEFT JOIN open_exposure e ON e.account_id = a2.id
         GROUP BY a2.id) AS u ON u.account_id = a.id;

-- view daily_pnl on daily_pnl
CREATE VIEW daily_pnl AS
SELECT t.account_id,
       a.name AS account,
       date(t.traded_at, '+330 minutes') AS trade_date,
       COUNT(*) AS trades,
       SUM(t.quantity) AS quantity,
       ROUND(SUM(t.quantity * t.price), 2) AS turnover,
       ROUND(SUM(l.realized_pnl), 2) AS realized_pnl
  FROM trades t
  JOIN accounts a ON a.id = t.account_id
  JOIN position_ledger l ON l.trade_id = t.id AND l.book = 'account'
 GROUP BY t.account_id, trade_date;

-- view open_exposure on open_exposure
CREATE VIEW open_exposure AS
SELECT p.account_id,
       a.name AS account,
       p.exchange,
       p.symbol,
       p.product,
       i.instrument_type,
       i.underlying,
       i.lot_size,
       p.net_qty,
       p.avg_price,
       COALESCE(p.ltp, p.avg_price) AS mark_price,
       p.ltp IS NOT NULL AS marked,
       ROUND(abs(p.net_qty) * COALESCE(p.ltp, p.avg_price), 2) AS notional,
       ROUND((COALESCE(p.ltp, p.avg_price) - p.avg_price) * p.net_qty, 2) AS unrealized_pnl,
       p.realized_pnl,
       p.updated_at
  FROM positions p
  JOIN accounts a ON a.id = p.account_id
  LEFT JOIN instruments i ON i.exchange = p.exchange AND i.symbol = p.symbol
 WHERE p.buy_qty <> p.sell_qty;

-- view strategy_performance on strategy_performance
CREATE VIEW strategy_performance AS
SELECT s.id AS strategy_id,
       s.name AS strategy,
       s.user_id,
       COUNT(c.trade_id) AS trades,
       COALESCE(SUM(c.closing), 0) AS closing_trades,
       COALESCE(SUM(c.pnl > 0), 0) AS wins,
       COALESCE(SUM(c.pnl < 0), 0) AS losses,
       ROUND(100.0 * SUM(c.pnl > 0) / NULLIF(SUM(c.pnl <> 0), 0), 2) AS win_rate_pct,
       ROUND(COALESCE(SUM(c.pnl), 0), 2) AS realized_pnl,
       ROUND(COALESCE(SUM(CASE WHEN c.pnl > 0 THEN c.pnl END), 0), 2) AS gross_profit,
       ROUND(COALESCE(-SUM(CASE WHEN c.pnl < 0 THEN c.pnl END), 0), 2) AS gross_loss,
       -- NULL when there are no losses (an infinite ratio); 0 when there are losses and no wins.
       ROUND(COALESCE(SUM(CASE WHEN c.pnl > 0 THEN c.pnl END), 0) / NULLIF(-SUM(CASE WHEN c.pnl < 0 THEN c.pnl END), 0), 3) AS profit_factor,
       ROUND(COALESCE(MAX(c.drawdown), 0), 2) AS max_drawdown,
       MIN(c.traded_at) AS first_trade_at,
       MAX(c.traded_at) AS last_trade_at
  FROM strategies s
  LEFT JOIN (
        SELECT curve.strategy_id, curve.trade_id, curve.traded_at, curve.pnl, curve.closing,
               max(0.0, MAX(curve.equity) OVER (PARTITION BY curve.strategy_id ORDER BY curve.trade_id
                                                 ROWS UNBOUNDED PRECEDING)) - curve.equity AS drawdown
          -- P&L rounded to 1/100 paisa, so a break-even close is neither a win nor a loss.
          FROM (SELECT l.strategy_id, l.trade_id, t.traded_at, ROUND(l.realized_pnl, 4) AS pnl,
                       (l.qty_before <> 0 AND (l.qty_before > 0) <> (l.signed_qty > 0)) AS closing,
                       SUM(l.realized_pnl) OVER (PARTITION BY l.strategy_id ORDER BY l.trade_id
                                                 ROWS UNBOUNDED PRECEDING) AS equity
                  FROM position_ledger l
                  JOIN trades t ON t.id = l.trade_id
                 WHERE l.book = 'strategy') AS curve
       ) AS c ON c.strategy_id = s.id
 GROUP BY s.id;

-- view trade_journal on trade_journal
CREATE VIEW trade_journal AS
SELECT t.id AS trade_id,
       t.tradeid,
       o.orderid,
       t.traded_at,
       datetime(t.traded_at, '+330 minutes') AS traded_at_ist,
       t.account_id,
       a.name AS account,
       t.exchange,
       t.symbol,
       t.product,
       t.action,
       t.quantity,
       t.price,
       t.trade_value,
       o.pricetype,
       o.source,
       o.strategy AS strategy_tag,
       o.strategy_id,
       s.name AS strategy,
       l.qty_before AS position_before,
       l.qty_after AS position_after,
       l.realized_pnl,
       ls.realized_pnl AS strategy_realized_pnl
  FROM trades t
  JOIN orders o ON o.id = t.order_id
  JOIN accounts a ON a.id = t.account_id
  JOIN position_ledger l ON l.trade_id = t.id AND l.book = 'account'
  LEFT JOIN position_ledger ls ON ls.trade_id = t.id AND ls.book = 'strategy'
  LEFT JOIN strategies s ON s.id = o.strategy_id;

-- trigger account_mirrors_accounts_fixed on account_mirrors
CREATE TRIGGER account_mirrors_accounts_fixed BEFORE UPDATE OF source_account_id, target_account_id ON account_mirrors
WHEN NEW.source_account_id IS NOT OLD.source_account_id OR NEW.target_account_id IS NOT OLD.target_account_id
BEGIN
    SELECT RAISE(ABORT, 'account_mirrors: a mirror''s accounts never change; remove it and add another');
END;

-- trigger account_mirrors_upstream_same_user on account_mirrors
CREATE TRIGGER account_mirrors_upstream_same_user BEFORE INSERT ON account_mirrors
WHEN (SELECT kind FROM accounts WHERE id = NEW.source_account_id) IS NOT 'openalgo'
  OR (SELECT kind FROM accounts WHERE id = NEW.target_account_id) IS NOT 'openalgo'
  OR (SELECT user_id FROM accounts WHERE id = NEW.source_account_id) IS NOT (SELECT user_id FROM accounts WHERE id = NEW.target_account_id)
BEGIN
    SELECT RAISE(ABORT, 'account_mirrors: a mirror links two upstream (openalgo) accounts of the same user; a sandbox account never mirrors');
END;

-- trigger accounts_get_funds on accounts
CREATE TRIGGER accounts_get_funds AFTER INSERT ON accounts
BEGIN
    INSERT INTO funds (account_id, opening_balance) VALUES (
        NEW.id,
        CASE NEW.kind
            WHEN 'sandbox' THEN COALESCE((SELECT CAST(value AS REAL) FROM settings WHERE key = 'sandbox.starting_capital'), 10000000.0)
            ELSE 0.0
        END);
END;

-- trigger accounts_kind_fixed on accounts
CREATE TRIGGER accounts_kind_fixed BEFORE UPDATE OF id, kind, user_id ON accounts
WHEN NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind OR NEW.user_id IS NOT OLD.user_id
BEGIN
    SELECT RAISE(ABORT, 'accounts: an account''s kind and owner never change; create a new account instead');
END;

-- trigger accounts_never_replaced on accounts
CREATE TRIGGER accounts_never_replaced BEFORE INSERT ON accounts
WHEN EXISTS (
    SELECT 1 FROM accounts
     WHERE id = NEW.id OR (user_id = NEW.user_id AND (name = NEW.name OR (is_default = 1 AND NEW.is_default = 1))))
BEGIN
    SELECT RAISE(ABORT, 'accounts: the user already has an account with this name (or a default account); accounts are never replaced');
END;

-- trigger accounts_no_delete on accounts
CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts
BEGIN
    SELECT RAISE(ABORT, 'accounts: accounts are never deleted; set is_active = 0 to disable one');
END;

-- trigger accounts_of_a_user on accounts
CREATE TRIGGER accounts_of_a_user BEFORE INSERT ON accounts
WHEN NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id)
BEGIN
    SELECT RAISE(ABORT, 'accounts: an account belongs to an existing user');
END;

-- trigger accounts_unique_on_update on accounts
CREATE TRIGGER accounts_unique_on_update BEFORE UPDATE OF name, is_default ON accounts
WHEN EXISTS (
    SELECT 1 FROM accounts
     WHERE id <> OLD.id AND user_id = NEW.user_id AND (name = NEW.name OR (is_default = 1 AND NEW.is_default = 1)))
BEGIN
    SELECT RAISE(ABORT, 'accounts: the user already has an account with this name (or a default account); clear the other default first');
END;

-- trigger accounts_updated_at on accounts
CREATE TRIGGER accounts_updated_at AFTER UPDATE ON accounts
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE accounts SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- trigger api_keys_identity_fixed on api_keys
CREATE TRIGGER api_keys_identity_fixed BEFORE UPDATE OF id, key_hash, key_prefix, user_id ON api_keys
WHEN NEW.id IS NOT OLD.id OR NEW.key_hash IS NOT OLD.key_hash OR NEW.key_prefix IS NOT OLD.key_prefix OR NEW.user_id IS NOT OLD.user_id
BEGIN
    SELECT RAISE(ABORT, 'api_keys: a key''s hash and owner never change; create a new key instead');
END;

-- trigger api_keys_never_replaced on api_keys
CREATE TRIGGER api_keys_never_replaced BEFORE INSERT ON api_keys
WHEN EXISTS (SELECT 1 FROM api_keys WHERE id = NEW.id OR key_hash = NEW.key_hash)
BEGIN
    SELECT RAISE(ABORT, 'api_keys: a key with this id or hash already exists; keys are never replaced');
END;

-- trigger api_keys_revocation_is_final on api_keys
CREATE TRIGGER api_keys_revocation_is_final BEFORE UPDATE OF revoked_at ON api_keys
WHEN OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS NOT OLD.revoked_at
BEGIN
    SELECT RAISE(ABORT, 'api_keys: a revoked key stays revoked; create a new key instead');
END;

-- trigger audit_log_never_replaced on audit_log
CREATE TRIGGER audit_log_never_replaced BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log: the audit log is append-only; rows are never replaced');
END;

-- trigger audit_log_no_delete on audit_log
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log: the audit log is append-only; rows are never deleted');
END;

-- trigger audit_log_no_update on audit_log
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log: the audit log is append-only; rows are never changed');
END;

-- trigger backtest_runs_delete_trades on backtest_runs
CREATE TRIGGER backtest_runs_delete_trades AFTER DELETE ON backtest_runs
BEGIN
    DELETE FROM backtest_trades WHERE run_id = OLD.id;
END;

-- trigger backtest_runs_never_replaced on backtest_runs
CREATE TRIGGER backtest_runs_never_replaced BEFORE INSERT ON backtest_runs
WHEN EXISTS (SELECT 1 FROM backtest_runs WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'backtest_runs: a backtest with this id already exists; backtests are never replaced');
END;

-- trigger backtest_runs_no_update on backtest_runs
CREATE TRIGGER backtest_runs_no_update
BEFORE UPDATE OF id, user_id, strategy_name, source_sha256, params, symbols, timeframe, data_source, from_time, to_time,
                 initial_capital, bars, ticks, trade_count, net_pnl, max_drawdown, win_rate, profit_factor, sharpe,
                 trades_sha256, sweep_id, report, elapsed_ms, created_at ON backtest_runs
BEGIN
    SELECT RAISE(ABORT, 'backtest_runs: a saved backtest never changes; run it again for a new one');
END;

-- trigger backtest_runs_of_its_user on backtest_runs
CREATE TRIGGER backtest_runs_of_its_user BEFORE INSERT ON backtest_runs
WHEN (NEW.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id))
  OR (NEW.strategy_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM strategies WHERE id = NEW.strategy_id AND (NEW.user_id IS NULL OR user_id = NEW.user_id)))
BEGIN
    SELECT RAISE(ABORT, 'backtest_runs: a backtest''s user must exist, and its strategy (when set) must exist and be that user''s');
END;

-- trigger backtest_runs_strategy_fixed on backtest_runs
CREATE TRIGGER backtest_runs_strategy_fixed BEFORE UPDATE OF strategy_id ON backtest_runs
WHEN NEW.strategy_id IS NOT NULL OR EXISTS (SELECT 1 FROM strategies WHERE id = OLD.strategy_id)
BEGIN
    SELECT RAISE(ABORT, 'backtest_runs: a saved backtest never changes; run it again for a new one');
END;

-- trigger backtest_trades_no_delete on backtest_trades
CREATE TRIGGER backtest_trades_no_delete BEFORE DELETE ON backtest_trades
WHEN EXISTS (SELECT 1 FROM backtest_runs WHERE id = OLD.run_id)
BEGIN
    SELECT RAISE(ABORT, 'backtest_trades: trades are deleted only with their backtest; delete the backtest_runs row');
END;

-- trigger backtest_trades_no_update on backtest_trades
CREATE TRIGGER backtest_trades_no_update BEFORE UPDATE ON backtest_trades
BEGIN
    SELECT RAISE(ABORT, 'backtest_trades: a backtest''s trades never change');
END;

-- trigger backtest_trades_of_a_run on backtest_trades
CREATE TRIGGER backtest_trades_of_a_run BEFORE INSERT ON backtest_trades
WHEN EXISTS (SELECT 1 FROM backtest_trades WHERE run_id = NEW.run_id AND seq = NEW.seq)
  OR NEW.seq > COALESCE((SELECT trade_count FROM backtest_runs WHERE id = NEW.run_id), 0)
BEGIN
    SELECT RAISE(ABORT, 'backtest_trades: a trade belongs to an existing backtest, numbered 1 to its trade_count, once; trades are never replaced');
END;

-- trigger exchanges_never_replaced on exchanges
CREATE TRIGGER exchanges_never_replaced BEFORE INSERT ON exchanges
WHEN EXISTS (SELECT 1 FROM exchanges WHERE code = NEW.code)
BEGIN
    SELECT RAISE(ABORT, 'exchanges: the exchange list is reference data; change it with a migration');
END;

-- trigger exchanges_no_delete on exchanges
CREATE TRIGGER exchanges_no_delete BEFORE DELETE ON exchanges
BEGIN
    SELECT RAISE(ABORT, 'exchanges: the exchange list is reference data; change it with a migration');
END;

-- trigger exchanges_no_update on exchanges
CREATE TRIGGER exchanges_no_update BEFORE UPDATE ON exchanges
BEGIN
    SELECT RAISE(ABORT, 'exchanges: the exchange list is reference data; change it with a migration');
END;

-- trigger exit_brackets_arm_on_fill on orders
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

-- trigger exit_brackets_cancel_with_entry on orders
CREATE TRIGGER exit_brackets_cancel_with_entry AFTER UPDATE OF status ON orders
WHEN NEW.status IN ('cancelled', 'rejected')
BEGIN
    UPDATE exit_brackets
       SET status = 'cancelled', reason = 'the entry order was ' || NEW.status, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE entry_order_id = NEW.id AND status = 'waiting';
END;

-- trigger exit_brackets_final on exit_brackets
CREATE TRIGGER exit_brackets_final BEFORE UPDATE ON exit_brackets
WHEN OLD.status IN ('exited', 'cancelled')
BEGIN
    SELECT RAISE(ABORT, 'exit_brackets: an exited or cancelled bracket is final; it never changes or exits again');
END;

-- trigger exit_brackets_no_delete on exit_brackets
CREATE TRIGGER exit_brackets_no_delete BEFORE DELETE ON exit_brackets
BEGIN
    SELECT RAISE(ABORT, 'exit_brackets: brackets are never deleted; cancel a live one instead');
END;

-- trigger exit_brackets_start_waiting on exit_brackets
CREATE TRIGGER exit_brackets_start_waiting BEFORE INSERT ON exit_brackets
WHEN NEW.status <> 'waiting' OR NEW.exit_order_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'exit_brackets: a new bracket starts waiting for its entry, with no exit order');
END;

-- trigger feed_events_delete_old_only on feed_events
CREATE TRIGGER feed_events_delete_old_only BEFORE DELETE ON feed_events
WHEN OLD.at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day')
BEGIN
    SELECT RAISE(ABORT, 'feed_events: only events older than a day are deleted (retention)');
END;

-- trigger feed_events_never_replaced on feed_events
CREATE TRIGGER feed_events_never_replaced BEFORE INSERT ON feed_events
WHEN EXISTS (SELECT 1 FROM feed_events WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'feed_events: feed events are append-only; rows are never replaced');
END;

-- trigger feed_events_no_update on feed_events
CREATE TRIGGER feed_events_no_update BEFORE UPDATE ON feed_events
BEGIN
    SELECT RAISE(ABORT, 'feed_events: feed events are append-only; rows are never changed');
END;

-- trigger funds_from_trades on funds
CREATE TRIGGER funds_from_trades BEFORE UPDATE OF realized_pnl, last_trade_id, account_id ON funds
WHEN NEW.account_id IS NOT OLD.account_id
  OR NEW.last_trade_id IS NULL OR NEW.last_trade_id <= COALESCE(OLD.last_trade_id, 0)
  OR NOT EXISTS (SELECT 1 FROM trades WHERE id = NEW.last_trade_id AND account_id = NEW.account_id)
BEGIN
    SELECT RAISE(ABORT, 'funds: realized P&L is maintained from trades; insert a trade instead');
END;

-- trigger funds_never_replaced on funds
CREATE TRIGGER funds_never_replaced BEFORE INSERT ON funds
WHEN EXISTS (SELECT 1 FROM funds WHERE account_id = NEW.account_id)
  OR NOT EXISTS (SELECT 1 FROM accounts WHERE id = NEW.account_id)
  OR NEW.realized_pnl <> 0 OR NEW.last_trade_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'funds: every existing account has exactly one funds row, made with the account; funds rows are never replaced');
END;

-- trigger funds_no_delete on funds
CREATE TRIGGER funds_no_delete BEFORE DELETE ON funds
BEGIN
    SELECT RAISE(ABORT, 'funds: an account''s funds row is never deleted');
END;

-- trigger funds_updated_at on funds
CREATE TRIGGER funds_updated_at AFTER UPDATE ON funds
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE funds SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE account_id = NEW.account_id;
END;

-- trigger gtt_triggers_final on gtt_triggers
CREATE TRIGGER gtt_triggers_final BEFORE UPDATE ON gtt_triggers
WHEN OLD.status <> 'active'
BEGIN
    SELECT RAISE(ABORT, 'gtt_triggers: a triggered, cancelled, expired or rejected GTT is final; it never changes or fires again');
END;

-- trigger gtt_triggers_no_delete on gtt_triggers
CREATE TRIGGER gtt_triggers_no_delete BEFORE DELETE ON gtt_triggers
BEGIN
    SELECT RAISE(ABORT, 'gtt_triggers: GTTs are never deleted; cancel an active one instead');
END;

-- trigger gtt_triggers_start_active on gtt_triggers
CREATE TRIGGER gtt_triggers_start_active BEFORE INSERT ON gtt_triggers
WHEN NEW.status <> 'active' OR NEW.order_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'gtt_triggers: a new GTT starts active, with no order');
END;

-- trigger holdings_updated_at on holdings
CREATE TRIGGER holdings_updated_at AFTER UPDATE ON holdings
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE holdings SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- trigger instruments_identity_fixed on instruments
CREATE TRIGGER instruments_identity_fixed
BEFORE UPDATE OF id, symbol, exchange, instrument_type, expiry, strike, option_type, underlying, token ON instruments
WHEN NEW.id IS NOT OLD.id OR NEW.token IS NOT OLD.token
  OR NEW.symbol IS NOT OLD.symbol OR NEW.exchange IS NOT OLD.exchange
  OR NEW.instrument_type IS NOT OLD.instrument_type OR NEW.expiry IS NOT OLD.expiry
  OR NEW.strike IS NOT OLD.strike OR NEW.option_type IS NOT OLD.option_type
  OR NEW.underlying IS NOT OLD.underlying
BEGIN
    SELECT RAISE(ABORT, 'instruments: a contract''s symbol, exchange, token, type, expiry and strike never change; list a new instrument instead');
END;

-- trigger instruments_never_replaced on instruments
CREATE TRIGGER instruments_never_replaced BEFORE INSERT ON instruments
WHEN EXISTS (
    SELECT 1 FROM instruments
     WHERE id = NEW.id OR (exchange = NEW.exchange AND (symbol = NEW.symbol OR token = NEW.token)))
BEGIN
    SELECT RAISE(ABORT, 'instruments: this id, symbol or token is already listed on the exchange; instruments are never replaced');
END;

-- trigger instruments_no_delete on instruments
CREATE TRIGGER instruments_no_delete BEFORE DELETE ON instruments
BEGIN
    SELECT RAISE(ABORT, 'instruments: listings are retired (set is_active = 0), never deleted');
END;

-- trigger instruments_updated_at on instruments
CREATE TRIGGER instruments_updated_at AFTER UPDATE ON instruments
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE instruments SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- trigger orders_broker_id_fixed on orders
CREATE TRIGGER orders_broker_id_fixed BEFORE UPDATE OF broker_order_id ON orders
WHEN OLD.broker_order_id IS NOT NULL AND NEW.broker_order_id IS NOT OLD.broker_order_id
BEGIN
    SELECT RAISE(ABORT, 'orders: an order''s broker_order_id never changes once the upstream has named it');
END;

-- trigger orders_broker_id_upstream_only_insert on orders
CREATE TRIGGER orders_broker_id_upstream_only_insert BEFORE INSERT ON orders
WHEN NEW.broker_order_id IS NOT NULL AND (SELECT kind FROM accounts WHERE id = NEW.account_id) IS NOT 'openalgo'
BEGIN
    SELECT RAISE(ABORT, 'orders: only orders of an upstream (openalgo) account carry a broker_order_id; sandbox orders never reach an upstream');
END;

-- trigger orders_broker_id_upstream_only_update on orders
CREATE TRIGGER orders_broker_id_upstream_only_update BEFORE UPDATE OF broker_order_id ON orders
WHEN NEW.broker_order_id IS NOT NULL AND (SELECT kind FROM accounts WHERE id = NEW.account_id) IS NOT 'openalgo'
BEGIN
    SELECT RAISE(ABORT, 'orders: only orders of an upstream (openalgo) account carry a broker_order_id; sandbox orders never reach an upstream');
END;

-- trigger orders_fills_follow_trades on orders
CREATE TRIGGER orders_fills_follow_trades BEFORE UPDATE OF filled_quantity, average_price ON orders
WHEN NEW.filled_quantity IS NOT (SELECT COALESCE(SUM(quantity), 0) FROM trades WHERE order_id = NEW.id)
  OR NEW.average_price IS NOT (SELECT COALESCE(SUM(quantity * price) / SUM(quantity), 0.0) FROM trades WHERE order_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'orders: filled_quantity and average_price follow the order''s trades; insert a trade to record a fill');
END;

-- trigger orders_final_blocks_nothing on orders
CREATE TRIGGER orders_final_blocks_nothing BEFORE UPDATE OF status, margin_blocked ON orders
WHEN NEW.status IN ('complete', 'cancelled', 'rejected') AND NEW.margin_blocked <> 0
BEGIN
    SELECT RAISE(ABORT, 'orders: a complete, cancelled or rejected order blocks no margin; release it in the same update');
END;

-- trigger orders_final_is_frozen on orders
CREATE TRIGGER orders_final_is_frozen
BEFORE UPDATE OF quantity, price, trigger_price, pricetype, disclosed_quantity ON orders
WHEN OLD.status IN ('complete', 'cancelled', 'rejected') AND (
       NEW.quantity IS NOT OLD.quantity OR NEW.price IS NOT OLD.price OR NEW.trigger_price IS NOT OLD.trigger_price
    OR NEW.pricetype IS NOT OLD.pricetype OR NEW.disclosed_quantity IS NOT OLD.disclosed_quantity)
BEGIN
    SELECT RAISE(ABORT, 'orders: a complete, cancelled or rejected order cannot be modified');
END;

-- trigger orders_identity_fixed on orders
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

-- trigger orders_never_replaced on orders
CREATE TRIGGER orders_never_replaced BEFORE INSERT ON orders
WHEN EXISTS (
    SELECT 1 FROM orders
     WHERE id = NEW.id OR orderid = NEW.orderid
        OR (NEW.client_ref IS NOT NULL AND account_id = NEW.account_id AND client_ref = NEW.client_ref))
BEGIN
    SELECT RAISE(ABORT, 'orders: an order with this id, orderid or client reference already exists; orders are never replaced');
END;

-- trigger orders_no_delete on orders
CREATE TRIGGER orders_no_delete BEFORE DELETE ON orders
BEGIN
    SELECT RAISE(ABORT, 'orders: orders are never deleted; cancel an open order instead');
END;

-- trigger orders_quantity_above_fills on orders
CREATE TRIGGER orders_quantity_above_fills BEFORE UPDATE OF quantity ON orders
WHEN NEW.status IN ('pending', 'open', 'trigger pending') AND NEW.quantity <= OLD.filled_quantity
BEGIN
    SELECT RAISE(ABORT, 'orders: a working order''s quantity must stay above what is already filled; cancel it, or complete it at its fills in the same update');
END;

-- trigger orders_references_exist on orders
CREATE TRIGGER orders_references_exist BEFORE INSERT ON orders
WHEN NOT EXISTS (SELECT 1 FROM exchanges WHERE code = NEW.exchange)
  OR NOT EXISTS (SELECT 1 FROM accounts a JOIN funds f ON f.account_id = a.id WHERE a.id = NEW.account_id)
  OR (NEW.instrument_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM instruments WHERE id = NEW.instrument_id AND exchange = NEW.exchange AND symbol = NEW.symbol))
BEGIN
    SELECT RAISE(ABORT, 'orders: the account, the exchange and (when given) the instrument must exist, and the instrument must be this exchange and symbol');
END;

-- trigger orders_run_of_strategy on orders
CREATE TRIGGER orders_run_of_strategy BEFORE INSERT ON orders
WHEN NEW.run_id IS NOT NULL AND (SELECT strategy_id FROM strategy_runs WHERE id = NEW.run_id) IS NOT NEW.strategy_id
BEGIN
    SELECT RAISE(ABORT, 'orders: run_id must name a run of the order''s strategy');
END;

-- trigger orders_start_unfilled on orders
CREATE TRIGGER orders_start_unfilled BEFORE INSERT ON orders
WHEN NEW.filled_quantity <> 0 OR NEW.average_price <> 0
BEGIN
    SELECT RAISE(ABORT, 'orders: a new order starts unfilled; fills are recorded by inserting trades');
END;

-- trigger orders_status_is_final on orders
CREATE TRIGGER orders_status_is_final BEFORE UPDATE OF status ON orders
WHEN OLD.status IN ('complete', 'cancelled', 'rejected') AND NEW.status IS NOT OLD.status
BEGIN
    SELECT RAISE(ABORT, 'orders: a complete, cancelled or rejected order is final; its status never changes');
END;

-- trigger orders_status_moves_forward on orders
CREATE TRIGGER orders_status_moves_forward BEFORE UPDATE OF status ON orders
WHEN OLD.status IN ('pending', 'trigger pending', 'open') AND NEW.status IS NOT OLD.status AND NOT (
       (OLD.status = 'pending')
    OR (OLD.status = 'trigger pending' AND NEW.status IN ('open', 'complete', 'cancelled', 'rejected'))
    OR (OLD.status = 'open' AND NEW.status IN ('complete', 'cancelled', 'rejected')))
BEGIN
    SELECT RAISE(ABORT, 'orders: status only moves forward: pending -> trigger pending -> open -> complete | cancelled | rejected');
END;

-- trigger orders_strategy_same_owner on orders
CREATE TRIGGER orders_strategy_same_owner BEFORE INSERT ON orders
WHEN NEW.strategy_id IS NOT NULL
 AND (SELECT user_id FROM strategies WHERE id = NEW.strategy_id) IS NOT (SELECT user_id FROM accounts WHERE id = NEW.account_id)
BEGIN
    SELECT RAISE(ABORT, 'orders: a strategy can only place orders on accounts of its own user');
END;

-- trigger orders_tradable_exchange on orders
CREATE TRIGGER orders_tradable_exchange BEFORE INSERT ON orders
WHEN (SELECT tradable FROM exchanges WHERE code = NEW.exchange) = 0
BEGIN
    SELECT RAISE(ABORT, 'orders: index exchanges are quote-only; trade the index''s futures or options instead');
END;

-- trigger orders_updated_at on orders
CREATE TRIGGER orders_updated_at AFTER UPDATE ON orders
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE orders SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- trigger position_ledger_from_trades on position_ledger
CREATE TRIGGER position_ledger_from_trades BEFORE INSERT ON position_ledger
WHEN EXISTS (SELECT 1 FROM position_ledger WHERE trade_id = NEW.trade_id AND book = NEW.book)
  OR NOT EXISTS (
    SELECT 1 FROM trades t JOIN orders o ON o.id = t.order_id
     WHERE t.id = NEW.trade_id AND t.account_id = NEW.account_id
       AND (NEW.book = 'account' OR NEW.strategy_id IS o.strategy_id))
BEGIN
    SELECT RAISE(ABORT, 'position_ledger: ledger rows are written by the trades table; insert a trade instead');
END;

-- trigger position_ledger_no_delete on position_ledger
CREATE TRIGGER position_ledger_no_delete BEFORE DELETE ON position_ledger
BEGIN
    SELECT RAISE(ABORT, 'position_ledger: the ledger is append-only');
END;

-- trigger position_ledger_no_update on position_ledger
CREATE TRIGGER position_ledger_no_update BEFORE UPDATE ON position_ledger
BEGIN
    SELECT RAISE(ABORT, 'position_ledger: the ledger is append-only');
END;

-- trigger positions_from_trades_insert on positions
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

-- trigger positions_from_trades_update on positions
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

-- trigger positions_no_delete on positions
CREATE TRIGGER positions_no_delete BEFORE DELETE ON positions
BEGIN
    SELECT RAISE(ABORT, 'positions: positions are never deleted; a closed position stays with quantity 0');
END;

-- trigger positions_settled_from_moves on positions
CREATE TRIGGER positions_settled_from_moves BEFORE UPDATE OF settled_qty ON positions
WHEN NEW.settled_qty IS NOT (SELECT COALESCE(SUM(quantity), 0) FROM settlement_moves WHERE position_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'positions: settled_qty follows the position''s settlement_moves; insert a move to settle');
END;

-- trigger positions_start_unsettled on positions
CREATE TRIGGER positions_start_unsettled BEFORE INSERT ON positions
WHEN NEW.settled_qty <> 0
BEGIN
    SELECT RAISE(ABORT, 'positions: a new position has settled nothing yet');
END;

-- trigger positions_updated_at on positions
CREATE TRIGGER positions_updated_at AFTER UPDATE ON positions
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE positions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- trigger risk_events_never_replaced on risk_events
CREATE TRIGGER risk_events_never_replaced BEFORE INSERT ON risk_events
WHEN EXISTS (SELECT 1 FROM risk_events WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'risk_events: risk events are append-only; rows are never replaced');
END;

-- trigger risk_events_no_delete on risk_events
CREATE TRIGGER risk_events_no_delete BEFORE DELETE ON risk_events
BEGIN
    SELECT RAISE(ABORT, 'risk_events: risk events are append-only and never deleted');
END;

-- trigger risk_events_no_update on risk_events
CREATE TRIGGER risk_events_no_update BEFORE UPDATE ON risk_events
BEGIN
    SELECT RAISE(ABORT, 'risk_events: risk events are append-only; a retry is a new row');
END;

-- trigger sessions_fixed on sessions
CREATE TRIGGER sessions_fixed BEFORE UPDATE ON sessions
BEGIN
    SELECT RAISE(ABORT, 'sessions: a session never changes; sign in again for a new one');
END;

-- trigger sessions_never_replaced on sessions
CREATE TRIGGER sessions_never_replaced BEFORE INSERT ON sessions
WHEN EXISTS (SELECT 1 FROM sessions WHERE id = NEW.id OR token_hash = NEW.token_hash)
BEGIN
    SELECT RAISE(ABORT, 'sessions: a session with this id or token already exists; sessions are never replaced');
END;

-- trigger sessions_of_a_user on sessions
CREATE TRIGGER sessions_of_a_user BEFORE INSERT ON sessions
WHEN NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id)
BEGIN
    SELECT RAISE(ABORT, 'sessions: a session belongs to an existing user');
END;

-- trigger settings_updated_at on settings
CREATE TRIGGER settings_updated_at AFTER UPDATE ON settings
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE settings SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE key = NEW.key;
END;

-- trigger settlement_moves_apply on settlement_moves
CREATE TRIGGER settlement_moves_apply AFTER INSERT ON settlement_moves
BEGIN
    UPDATE positions SET settled_qty = settled_qty + NEW.quantity WHERE id = NEW.position_id;
    UPDATE settlements SET positions_moved = positions_moved + 1 WHERE id = NEW.settlement_id;
END;

-- trigger settlement_moves_checked on settlement_moves
CREATE TRIGGER settlement_moves_checked BEFORE INSERT ON settlement_moves
WHEN EXISTS (SELECT 1 FROM settlement_moves
              WHERE id = NEW.id OR (settlement_id = NEW.settlement_id AND position_id = NEW.position_id))
  OR NOT EXISTS (SELECT 1 FROM positions WHERE id = NEW.position_id AND product = 'CNC')
  OR NEW.settlement_id IS NOT (SELECT max(id) FROM settlements)
BEGIN
    SELECT RAISE(ABORT, 'settlement_moves: a move belongs to the latest settlement and an existing CNC position, once; moves are never replaced');
END;

-- trigger settlement_moves_follow_trades on settlement_moves
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

-- trigger settlement_moves_no_delete on settlement_moves
CREATE TRIGGER settlement_moves_no_delete BEFORE DELETE ON settlement_moves
BEGIN
    SELECT RAISE(ABORT, 'settlement_moves: moves are append-only');
END;

-- trigger settlement_moves_no_update on settlement_moves
CREATE TRIGGER settlement_moves_no_update BEFORE UPDATE ON settlement_moves
BEGIN
    SELECT RAISE(ABORT, 'settlement_moves: moves are append-only');
END;

-- trigger settlements_count_moves on settlements
CREATE TRIGGER settlements_count_moves BEFORE UPDATE OF positions_moved ON settlements
WHEN NEW.positions_moved IS NOT (SELECT count(*) FROM settlement_moves WHERE settlement_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'settlements: positions_moved counts the settlement''s moves; insert a move instead');
END;

-- trigger settlements_fixed on settlements
CREATE TRIGGER settlements_fixed
BEFORE UPDATE OF id, trading_date, cutoff_at, expired_closed, orders_cancelled, settled_at ON settlements
WHEN NEW.id IS NOT OLD.id OR NEW.trading_date IS NOT OLD.trading_date OR NEW.cutoff_at IS NOT OLD.cutoff_at
  OR NEW.settled_at IS NOT OLD.settled_at
  OR NEW.expired_closed < OLD.expired_closed OR NEW.orders_cancelled < OLD.orders_cancelled
BEGIN
    SELECT RAISE(ABORT, 'settlements: a settlement''s date and cutoff never change; only the expired-contract counts grow');
END;

-- trigger settlements_never_replaced on settlements
CREATE TRIGGER settlements_never_replaced BEFORE INSERT ON settlements
WHEN EXISTS (SELECT 1 FROM settlements WHERE id = NEW.id OR trading_date = NEW.trading_date)
  OR NEW.positions_moved <> 0
BEGIN
    SELECT RAISE(ABORT, 'settlements: each trading date is settled once, starting with no moves; settlements are never replaced');
END;

-- trigger settlements_no_delete on settlements
CREATE TRIGGER settlements_no_delete BEFORE DELETE ON settlements
BEGIN
    SELECT RAISE(ABORT, 'settlements: settlements are never deleted');
END;

-- trigger strategies_delete_children on strategies
CREATE TRIGGER strategies_delete_children AFTER DELETE ON strategies
BEGIN
    DELETE FROM strategy_legs WHERE strategy_id = OLD.id;
    DELETE FROM strategy_accounts WHERE strategy_id = OLD.id;
END;

-- trigger strategies_delete_versions on strategies
CREATE TRIGGER strategies_delete_versions AFTER DELETE ON strategies
BEGIN
    DELETE FROM strategy_versions WHERE strategy_id = OLD.id;
END;

-- trigger strategies_keep_history on strategies
CREATE TRIGGER strategies_keep_history BEFORE DELETE ON strategies
WHEN EXISTS (SELECT 1 FROM strategy_runs WHERE strategy_id = OLD.id)
  OR EXISTS (SELECT 1 FROM orders WHERE strategy_id = OLD.id)
  OR EXISTS (SELECT 1 FROM strategy_executions WHERE strategy_id = OLD.id)
  OR EXISTS (SELECT 1 FROM risk_events WHERE strategy_id = OLD.id)
  OR EXISTS (SELECT 1 FROM strategy_logs WHERE strategy_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'strategies: a strategy with runs or orders is never deleted; set is_active = 0');
END;

-- trigger strategies_never_replaced on strategies
CREATE TRIGGER strategies_never_replaced BEFORE INSERT ON strategies
WHEN EXISTS (SELECT 1 FROM strategies WHERE id = NEW.id OR (user_id = NEW.user_id AND name = NEW.name))
BEGIN
    SELECT RAISE(ABORT, 'strategies: the user already has a strategy with this id or name; strategies are never replaced');
END;

-- trigger strategies_owner_fixed on strategies
CREATE TRIGGER strategies_owner_fixed BEFORE UPDATE OF id, user_id, name ON strategies
WHEN NEW.id IS NOT OLD.id OR NEW.user_id IS NOT OLD.user_id
  OR EXISTS (SELECT 1 FROM strategies WHERE id <> OLD.id AND user_id = NEW.user_id AND name = NEW.name)
BEGIN
    SELECT RAISE(ABORT, 'strategies: a strategy''s id and owner never change, and its name is unique for its user');
END;

-- trigger strategies_source_version_exists on strategies
CREATE TRIGGER strategies_source_version_exists BEFORE UPDATE OF source_version ON strategies
WHEN NEW.source_version IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM strategy_versions WHERE strategy_id = NEW.id AND version = NEW.source_version)
BEGIN
    SELECT RAISE(ABORT, 'strategies: source_version must name a saved version of this strategy in strategy_versions');
END;

-- trigger strategies_source_version_exists_insert on strategies
CREATE TRIGGER strategies_source_version_exists_insert BEFORE INSERT ON strategies
WHEN NEW.source_version IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM strategy_versions WHERE strategy_id = NEW.id AND version = NEW.source_version)
BEGIN
    SELECT RAISE(ABORT, 'strategies: source_version must name a saved version of this strategy in strategy_versions');
END;

-- trigger strategies_trailing_stop_ratchets on strategies
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

-- trigger strategies_unlink_backtests on strategies
CREATE TRIGGER strategies_unlink_backtests AFTER DELETE ON strategies
BEGIN
    UPDATE backtest_runs SET strategy_id = NULL WHERE strategy_id = OLD.id;
END;

-- trigger strategies_updated_at on strategies
CREATE TRIGGER strategies_updated_at AFTER UPDATE ON strategies
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE strategies SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- trigger strategy_accounts_no_update on strategy_accounts
CREATE TRIGGER strategy_accounts_no_update BEFORE UPDATE ON strategy_accounts
BEGIN
    SELECT RAISE(ABORT, 'strategy_accounts: rows are never changed; delete the row and insert a new one');
END;

-- trigger strategy_accounts_same_owner on strategy_accounts
CREATE TRIGGER strategy_accounts_same_owner BEFORE INSERT ON strategy_accounts
WHEN NOT EXISTS (
    SELECT 1 FROM strategies s JOIN accounts a ON a.user_id = s.user_id
     WHERE s.id = NEW.strategy_id AND a.id = NEW.account_id)
BEGIN
    SELECT RAISE(ABORT, 'strategy_accounts: a strategy can only trade accounts of its own user');
END;

-- trigger strategy_executions_belong_to_strategy on strategy_executions
CREATE TRIGGER strategy_executions_belong_to_strategy BEFORE INSERT ON strategy_executions
WHEN NOT EXISTS (
    SELECT 1 FROM strategies s JOIN accounts a ON a.user_id = s.user_id
     WHERE s.id = NEW.strategy_id AND a.id = NEW.account_id)
  OR (NEW.run_id IS NOT NULL AND (SELECT strategy_id FROM strategy_runs WHERE id = NEW.run_id) IS NOT NEW.strategy_id)
  OR (NEW.leg_id IS NOT NULL AND (SELECT strategy_id FROM strategy_legs WHERE id = NEW.leg_id) IS NOT NEW.strategy_id)
BEGIN
    SELECT RAISE(ABORT, 'strategy_executions: an execution''s account, run and leg must belong to its strategy (and its user)');
END;

-- trigger strategy_executions_final on strategy_executions
CREATE TRIGGER strategy_executions_final BEFORE UPDATE OF status ON strategy_executions
WHEN OLD.status IN ('exited', 'failed') AND NEW.status IS NOT OLD.status
BEGIN
    SELECT RAISE(ABORT, 'strategy_executions: an exited or failed execution is final');
END;

-- trigger strategy_executions_identity_fixed on strategy_executions
CREATE TRIGGER strategy_executions_identity_fixed
BEFORE UPDATE OF id, strategy_id, run_id, leg_id, account_id, exchange, symbol, product, action, quantity ON strategy_executions
WHEN NEW.id IS NOT OLD.id OR NEW.strategy_id IS NOT OLD.strategy_id OR NEW.run_id IS NOT OLD.run_id OR NEW.leg_id IS NOT OLD.leg_id
  OR NEW.account_id IS NOT OLD.account_id OR NEW.exchange IS NOT OLD.exchange OR NEW.symbol IS NOT OLD.symbol
  OR NEW.product IS NOT OLD.product OR NEW.action IS NOT OLD.action OR NEW.quantity IS NOT OLD.quantity
BEGIN
    SELECT RAISE(ABORT, 'strategy_executions: an execution''s strategy, account, contract, side and quantity never change');
END;

-- trigger strategy_executions_never_replaced on strategy_executions
CREATE TRIGGER strategy_executions_never_replaced BEFORE INSERT ON strategy_executions
WHEN EXISTS (SELECT 1 FROM strategy_executions WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'strategy_executions: an execution with this id already exists; executions are never replaced');
END;

-- trigger strategy_executions_trail_ratchets on strategy_executions
CREATE TRIGGER strategy_executions_trail_ratchets BEFORE UPDATE OF trail_best_price ON strategy_executions
WHEN OLD.trail_best_price IS NOT NULL AND (
       NEW.trail_best_price IS NULL
    OR (NEW.action = 'BUY' AND NEW.trail_best_price < OLD.trail_best_price)
    OR (NEW.action = 'SELL' AND NEW.trail_best_price > OLD.trail_best_price))
BEGIN
    SELECT RAISE(ABORT, 'strategy_executions: the trailing best price only ratchets (up for a long leg, down for a short one)');
END;

-- trigger strategy_executions_transitions on strategy_executions
CREATE TRIGGER strategy_executions_transitions BEFORE UPDATE OF status ON strategy_executions
WHEN OLD.status IN ('pending', 'entered', 'exit_pending') AND NEW.status IS NOT OLD.status AND NOT (
       (OLD.status = 'pending'      AND NEW.status IN ('entered', 'failed'))
    OR (OLD.status = 'entered'      AND NEW.status IN ('exit_pending', 'exited'))
    OR (OLD.status = 'exit_pending' AND NEW.status IN ('entered', 'exited')))
BEGIN
    SELECT RAISE(ABORT, 'strategy_executions: allowed moves are pending -> entered | failed, entered -> exit_pending | exited, exit_pending -> entered | exited');
END;

-- trigger strategy_executions_updated_at on strategy_executions
CREATE TRIGGER strategy_executions_updated_at AFTER UPDATE ON strategy_executions
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE strategy_executions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- trigger strategy_legs_updated_at on strategy_legs
CREATE TRIGGER strategy_legs_updated_at AFTER UPDATE ON strategy_legs
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE strategy_legs SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- trigger strategy_logs_never_replaced on strategy_logs
CREATE TRIGGER strategy_logs_never_replaced BEFORE INSERT ON strategy_logs
WHEN EXISTS (SELECT 1 FROM strategy_logs WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'strategy_logs: log lines are never replaced');
END;

-- trigger strategy_logs_no_update on strategy_logs
CREATE TRIGGER strategy_logs_no_update BEFORE UPDATE ON strategy_logs
BEGIN
    SELECT RAISE(ABORT, 'strategy_logs: log lines are never edited');
END;

-- trigger strategy_positions_from_trades_insert on strategy_positions
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

-- trigger strategy_positions_from_trades_update on strategy_positions
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

-- trigger strategy_positions_no_delete on strategy_positions
CREATE TRIGGER strategy_positions_no_delete BEFORE DELETE ON strategy_positions
BEGIN
    SELECT RAISE(ABORT, 'strategy_positions: positions are never deleted; a closed position stays with quantity 0');
END;

-- trigger strategy_positions_updated_at on strategy_positions
CREATE TRIGGER strategy_positions_updated_at AFTER UPDATE ON strategy_positions
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE strategy_positions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- trigger strategy_runs_final on strategy_runs
CREATE TRIGGER strategy_runs_final BEFORE UPDATE OF status ON strategy_runs
WHEN OLD.status IN ('stopped', 'failed', 'completed') AND NEW.status IS NOT OLD.status
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: a stopped, failed or completed run is final; start a new run instead');
END;

-- trigger strategy_runs_forward on strategy_runs
CREATE TRIGGER strategy_runs_forward BEFORE UPDATE OF status ON strategy_runs
WHEN OLD.status IN ('starting', 'running', 'stopping') AND NEW.status IS NOT OLD.status AND NOT (
       (OLD.status = 'starting' AND NEW.status IN ('running', 'stopping', 'stopped', 'failed'))
    OR (OLD.status = 'running'  AND NEW.status IN ('stopping', 'stopped', 'failed', 'completed'))
    OR (OLD.status = 'stopping' AND NEW.status IN ('stopped', 'failed')))
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: status only moves forward: starting -> running -> stopping -> stopped | failed | completed');
END;

-- trigger strategy_runs_identity_fixed on strategy_runs
CREATE TRIGGER strategy_runs_identity_fixed BEFORE UPDATE OF id, strategy_id, mode, started_at ON strategy_runs
WHEN NEW.id IS NOT OLD.id OR NEW.strategy_id IS NOT OLD.strategy_id OR NEW.mode IS NOT OLD.mode OR NEW.started_at IS NOT OLD.started_at
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: a run''s id, strategy, mode and start time never change');
END;

-- trigger strategy_runs_live_opted_in on strategy_runs
CREATE TRIGGER strategy_runs_live_opted_in BEFORE INSERT ON strategy_runs
WHEN NEW.mode = 'live' AND NOT EXISTS (SELECT 1 FROM strategies WHERE id = NEW.strategy_id AND live_enabled = 1)
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: a live run needs its strategy''s live_enabled = 1');
END;

-- trigger strategy_runs_never_replaced on strategy_runs
CREATE TRIGGER strategy_runs_never_replaced BEFORE INSERT ON strategy_runs
WHEN EXISTS (
    SELECT 1 FROM strategy_runs
     WHERE id = NEW.id
        OR (strategy_id = NEW.strategy_id AND status IN ('starting', 'running', 'stopping')
            AND NEW.status IN ('starting', 'running', 'stopping')))
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: a strategy has at most one live run, and runs are never replaced');
END;

-- trigger strategy_runs_no_delete on strategy_runs
CREATE TRIGGER strategy_runs_no_delete BEFORE DELETE ON strategy_runs
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: runs are history and are never deleted');
END;

-- trigger strategy_runs_source_and_account on strategy_runs
CREATE TRIGGER strategy_runs_source_and_account BEFORE INSERT ON strategy_runs
WHEN (NEW.source_version IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM strategy_versions WHERE strategy_id = NEW.strategy_id AND version = NEW.source_version))
  OR (NEW.account_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM strategies s JOIN accounts a ON a.user_id = s.user_id WHERE s.id = NEW.strategy_id AND a.id = NEW.account_id))
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: a run''s source_version must be a saved version of its strategy, and its account an account of the strategy''s user');
END;

-- trigger strategy_runs_source_fixed on strategy_runs
CREATE TRIGGER strategy_runs_source_fixed BEFORE UPDATE OF source_version, account_id ON strategy_runs
WHEN (OLD.source_version IS NOT NULL AND NEW.source_version IS NOT OLD.source_version)
  OR NEW.account_id IS NOT OLD.account_id
  OR (NEW.source_version IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM strategy_versions WHERE strategy_id = NEW.strategy_id AND version = NEW.source_version))
BEGIN
    SELECT RAISE(ABORT, 'strategy_runs: a run''s source version is fixed once set (to a saved version of its strategy), and its account never changes');
END;

-- trigger strategy_runs_updated_at on strategy_runs
CREATE TRIGGER strategy_runs_updated_at AFTER UPDATE ON strategy_runs
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE strategy_runs SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- trigger strategy_versions_in_sequence on strategy_versions
CREATE TRIGGER strategy_versions_in_sequence BEFORE INSERT ON strategy_versions
WHEN NOT EXISTS (SELECT 1 FROM strategies WHERE id = NEW.strategy_id AND kind = 'lua')
  OR NEW.version IS NOT (SELECT COALESCE(MAX(version), 0) + 1 FROM strategy_versions WHERE strategy_id = NEW.strategy_id)
BEGIN
    SELECT RAISE(ABORT, 'strategy_versions: a version belongs to an existing Lua strategy and is the strategy''s previous version + 1 (starting at 1)');
END;

-- trigger strategy_versions_never_replaced on strategy_versions
CREATE TRIGGER strategy_versions_never_replaced BEFORE INSERT ON strategy_versions
WHEN EXISTS (SELECT 1 FROM strategy_versions WHERE id = NEW.id OR (strategy_id = NEW.strategy_id AND version = NEW.version))
BEGIN
    SELECT RAISE(ABORT, 'strategy_versions: a version with this id or number already exists; versions are never replaced');
END;

-- trigger strategy_versions_no_delete on strategy_versions
CREATE TRIGGER strategy_versions_no_delete BEFORE DELETE ON strategy_versions
WHEN EXISTS (SELECT 1 FROM strategies WHERE id = OLD.strategy_id)
BEGIN
    SELECT RAISE(ABORT, 'strategy_versions: versions are history and are deleted only with their strategy');
END;

-- trigger strategy_versions_no_update on strategy_versions
CREATE TRIGGER strategy_versions_no_update BEFORE UPDATE ON strategy_versions
BEGIN
    SELECT RAISE(ABORT, 'strategy_versions: a saved version never changes; save a new version instead');
END;

-- trigger trades_apply on trades
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

-- trigger trades_match_order on trades
CREATE TRIGGER trades_match_order BEFORE INSERT ON trades
WHEN NOT EXISTS (
    SELECT 1 FROM orders o
     WHERE o.id = NEW.order_id AND o.account_id = NEW.account_id AND o.exchange = NEW.exchange
       AND o.symbol = NEW.symbol AND o.product = NEW.product AND o.action = NEW.action)
BEGIN
    SELECT RAISE(ABORT, 'trades: a trade''s account, exchange, symbol, product and action must match its order');
END;

-- trigger trades_never_replaced on trades
CREATE TRIGGER trades_never_replaced BEFORE INSERT ON trades
WHEN EXISTS (SELECT 1 FROM trades WHERE id = NEW.id OR tradeid = NEW.tradeid)
BEGIN
    SELECT RAISE(ABORT, 'trades: a trade with this id or tradeid already exists; trades are never replaced');
END;

-- trigger trades_no_delete on trades
CREATE TRIGGER trades_no_delete BEFORE DELETE ON trades
BEGIN
    SELECT RAISE(ABORT, 'trades: trades are append-only and never deleted');
END;

-- trigger trades_no_update on trades
CREATE TRIGGER trades_no_update BEFORE UPDATE ON trades
BEGIN
    SELECT RAISE(ABORT, 'trades: trades are append-only; record a correction as a new trade');
END;

-- trigger trades_order_fillable on trades
CREATE TRIGGER trades_order_fillable BEFORE INSERT ON trades
WHEN (SELECT status FROM orders WHERE id = NEW.order_id) IN ('complete', 'cancelled', 'rejected')
BEGIN
    SELECT RAISE(ABORT, 'trades: a complete, cancelled or rejected order cannot receive fills');
END;

-- trigger trades_respect_limit_price on trades
CREATE TRIGGER trades_respect_limit_price BEFORE INSERT ON trades
WHEN EXISTS (
    SELECT 1 FROM orders o
     WHERE o.id = NEW.order_id AND o.pricetype IN ('LIMIT', 'SL')
       AND ((NEW.action = 'BUY' AND NEW.price > o.price) OR (NEW.action = 'SELL' AND NEW.price < o.price)))
BEGIN
    SELECT RAISE(ABORT, 'trades: a LIMIT or SL order never fills at a worse price than its limit');
END;

-- trigger trades_within_order_quantity on trades
CREATE TRIGGER trades_within_order_quantity BEFORE INSERT ON trades
WHEN NEW.quantity > (SELECT quantity - filled_quantity FROM orders WHERE id = NEW.order_id)
BEGIN
    SELECT RAISE(ABORT, 'trades: a fill cannot exceed the order''s unfilled quantity');
END;

-- trigger trading_hours_templates_updated_at on trading_hours_templates
CREATE TRIGGER trading_hours_templates_updated_at AFTER UPDATE ON trading_hours_templates
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE trading_hours_templates SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- trigger trading_sessions_no_overlap on trading_sessions
CREATE TRIGGER trading_sessions_no_overlap BEFORE INSERT ON trading_sessions
WHEN EXISTS (
    SELECT 1 FROM trading_sessions s
     WHERE s.template_id = NEW.template_id AND s.weekday = NEW.weekday AND s.session_type = NEW.session_type
       AND s.valid_from <= NEW.valid_until AND NEW.valid_from <= s.valid_until)
BEGIN
    SELECT RAISE(ABORT, 'trading_sessions: two sessions of the same type on the same weekday cannot have overlapping date ranges');
END;

-- trigger trading_sessions_no_overlap_on_update on trading_sessions
CREATE TRIGGER trading_sessions_no_overlap_on_update
BEFORE UPDATE OF template_id, weekday, session_type, valid_from, valid_until ON trading_sessions
WHEN EXISTS (
    SELECT 1 FROM trading_sessions s
     WHERE s.id <> NEW.id AND s.template_id = NEW.template_id AND s.weekday = NEW.weekday
       AND s.session_type = NEW.session_type AND s.valid_from <= NEW.valid_until AND NEW.valid_from <= s.valid_until)
BEGIN
    SELECT RAISE(ABORT, 'trading_sessions: two sessions of the same type on the same weekday cannot have overlapping date ranges');
END;

-- trigger users_first_is_active on users
CREATE TRIGGER users_first_is_active BEFORE INSERT ON users
WHEN NEW.is_active = 0 AND NOT EXISTS (SELECT 1 FROM users WHERE is_active = 1 AND is_admin = 1)
BEGIN
    SELECT RAISE(ABORT, 'users: RealAlgo must keep at least one active admin; the first user must be active');
END;

-- trigger users_first_is_admin on users
CREATE TRIGGER users_first_is_admin AFTER INSERT ON users
WHEN NEW.is_admin = 0 AND NOT EXISTS (SELECT 1 FROM users WHERE id <> NEW.id)
BEGIN
    UPDATE users SET is_admin = 1 WHERE id = NEW.id;
END;

-- trigger users_get_sandbox_account on users
CREATE TRIGGER users_get_sandbox_account AFTER INSERT ON users
BEGIN
    INSERT INTO accounts (user_id, name, kind, broker, is_default) VALUES (NEW.id, 'sandbox', 'sandbox', 'sandbox', 1);
END;

-- trigger users_identity_fixed on users
CREATE TRIGGER users_identity_fixed BEFORE UPDATE OF id, username ON users
WHEN NEW.id IS NOT OLD.id
  OR EXISTS (SELECT 1 FROM users WHERE username = NEW.username AND id <> OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'users: a user''s id never changes and a username belongs to one user');
END;

-- trigger users_keep_an_admin on users
CREATE TRIGGER users_keep_an_admin BEFORE UPDATE OF is_admin, is_active ON users
WHEN OLD.is_admin = 1 AND OLD.is_active = 1 AND (NEW.is_admin = 0 OR NEW.is_active = 0)
 AND NOT EXISTS (SELECT 1 FROM users WHERE id <> OLD.id AND is_admin = 1 AND is_active = 1)
BEGIN
    SELECT RAISE(ABORT, 'users: RealAlgo must keep at least one active admin; make another user admin first');
END;

-- trigger users_never_replaced on users
CREATE TRIGGER users_never_replaced BEFORE INSERT ON users
WHEN EXISTS (SELECT 1 FROM users WHERE id = NEW.id OR username = NEW.username)
BEGIN
    SELECT RAISE(ABORT, 'users: a user with this id or username already exists; users are never replaced');
END;

-- trigger users_no_delete on users
CREATE TRIGGER users_no_delete BEFORE DELETE ON users
BEGIN
    SELECT RAISE(ABORT, 'users: users are never deleted; set is_active = 0 to disable one');
END;

-- trigger users_updated_at on users
CREATE TRIGGER users_updated_at AFTER UPDATE ON users
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE users SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;
