-- 0007_create_market_data: ticks and bars.
--
-- These are the high-volume tables: RealAlgo writes them in batches (one transaction per
-- ~50–100 ms) and keeps them lean — integer timestamps, no updated_at, one index each.
-- A price is never zero or negative: a feed glitch must not reach the books or a strategy.

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

CREATE INDEX ticks_by_instrument ON ticks (instrument_id, ts_ns);

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
