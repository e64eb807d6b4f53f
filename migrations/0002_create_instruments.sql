-- 0002_create_instruments: the symbol master.
--
-- Symbols follow OpenAlgo's format: equities by name (RELIANCE), futures BASE+DDMMMYY+FUT
-- (NIFTY24NOV26FUT), options BASE+DDMMMYY+STRIKE+CE|PE (NIFTY24NOV2626000CE). `expiry` is stored
-- as YYYY-MM-DD; the API renders it as DD-MMM-YY.

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

CREATE UNIQUE INDEX instruments_token ON instruments (exchange, token);
CREATE INDEX instruments_chain ON instruments (underlying, exchange, expiry, strike) WHERE underlying IS NOT NULL;
CREATE INDEX instruments_expiry ON instruments (expiry) WHERE expiry IS NOT NULL AND is_active = 1;

CREATE TRIGGER instruments_never_replaced BEFORE INSERT ON instruments
WHEN EXISTS (
    SELECT 1 FROM instruments
     WHERE id = NEW.id OR (exchange = NEW.exchange AND (symbol = NEW.symbol OR token = NEW.token)))
BEGIN
    SELECT RAISE(ABORT, 'instruments: this id, symbol or token is already listed on the exchange; instruments are never replaced');
END;

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

-- Orders, ticks and bars name instruments; a listing is retired (is_active = 0), never deleted.
CREATE TRIGGER instruments_no_delete BEFORE DELETE ON instruments
BEGIN
    SELECT RAISE(ABORT, 'instruments: listings are retired (set is_active = 0), never deleted');
END;

CREATE TRIGGER instruments_updated_at AFTER UPDATE ON instruments
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE instruments SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- How derivative contracts are listed for an underlying, so RealAlgo can roll the master forward
-- (list new expiries, retire expired ones) without a download. Used for the built-in simulator.
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

-- Starting point of the built-in simulator's price process for each simulated instrument.
CREATE TABLE simulated_instruments (
    instrument_id      INTEGER PRIMARY KEY REFERENCES instruments(id),
    reference_price    REAL NOT NULL CHECK (reference_price > 0),
    annual_volatility  REAL NOT NULL CHECK (annual_volatility > 0 AND annual_volatility < 5)
) STRICT;
