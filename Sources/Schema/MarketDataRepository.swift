// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

/// What the market-data hub reads from and writes to the database besides raw ticks: the symbol
/// master, the simulator's starting points, closed bars, the ticks of the current day (to rebuild
/// bars after a restart) and retention.
public struct MarketDataRepository: Sendable {
    let store: Store

    /// A simulated instrument's starting point.
    public struct SimulationSeed: Sendable, Equatable {
        public var instrumentID: Int64
        public var referencePrice: Double
        public var annualVolatility: Double
    }

    /// Every active listing of the symbol master.
    public func activeInstruments() async throws -> [Instrument] {
        try await store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, symbol, exchange, name, instrument_type, expiry, strike, underlying, lot_size, tick_size, freeze_qty, token
                      FROM instruments WHERE is_active = 1 ORDER BY id
                    """
            ).compactMap(Self.instrument)
        }
    }

    static func instrument(_ row: Row) -> Instrument? {
        guard let type = InstrumentType(rawValue: row["instrument_type"]) else { return nil }
        let expiry: String? = row["expiry"]
        return Instrument(
            id: row["id"], symbol: row["symbol"], exchange: ExchangeCode(rawValue: row["exchange"]), name: row["name"], type: type,
            expiry: expiry.flatMap { LocalDate(iso: $0) }, strike: row["strike"], underlying: row["underlying"], lotSize: row["lot_size"],
            tickSize: row["tick_size"], freezeQuantity: row["freeze_qty"], token: row["token"])
    }

    /// The simulator's reference price and volatility of each simulated instrument.
    public func simulationSeeds() async throws -> [SimulationSeed] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT instrument_id, reference_price, annual_volatility FROM simulated_instruments").map {
                SimulationSeed(instrumentID: $0["instrument_id"], referencePrice: $0["reference_price"], annualVolatility: $0["annual_volatility"])
            }
        }
    }

    /// Inserts or replaces closed bars in one transaction. Rebuilding a bar after a restart
    /// writes it again, so a bar row is an upsert, not an append.
    public func upsertBars(_ bars: [Bar]) async throws {
        guard !bars.isEmpty else { return }
        try await store.write { db in try Self.upsert(bars, in: db) }
    }

    static func upsert(_ bars: [Bar], in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO bars (instrument_id, timeframe, ts, open, high, low, close, volume, oi)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (instrument_id, timeframe, ts) DO UPDATE SET
                    open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
                    volume = excluded.volume, oi = excluded.oi
                """)
        for bar in bars {
            try statement.execute(arguments: [
                bar.instrumentID, bar.timeframe.rawValue, bar.start, bar.open, bar.high, bar.low, bar.close, bar.volume, bar.openInterest,
            ])
        }
    }

    /// Stored bars of one instrument and timeframe with `from <= ts < until`, oldest first.
    public func bars(instrumentID: Int64, timeframe: Timeframe, from: Int64, until: Int64, limit: Int = 500_000) async throws -> [Bar] {
        try await store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT ts, open, high, low, close, volume, oi FROM bars
                     WHERE instrument_id = ? AND timeframe = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?
                    """,
                arguments: [instrumentID, timeframe.rawValue, from, until, limit]
            ).map {
                Bar(
                    instrumentID: instrumentID, timeframe: timeframe, start: $0["ts"], open: $0["open"], high: $0["high"], low: $0["low"],
                    close: $0["close"], volume: $0["volume"], openInterest: $0["oi"] ?? 0)
            }
        }
    }

    /// The last daily close before `tradingDay` (00:00 UTC epoch seconds) of every instrument that
    /// has one: the previous close quotes report.
    public func previousCloses(before tradingDayStart: Int64) async throws -> [Int64: Double] {
        try await store.read { db in
            var closes: [Int64: Double] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT b.instrument_id, b.close FROM bars b
                      JOIN (SELECT instrument_id, max(ts) AS ts FROM bars WHERE timeframe = 'D' AND ts < ? GROUP BY instrument_id) last
                        ON last.instrument_id = b.instrument_id AND last.ts = b.ts
                     WHERE b.timeframe = 'D'
                    """,
                arguments: [tradingDayStart])
            while let row = try rows.next() { closes[row["instrument_id"]] = row["close"] }
            return closes
        }
    }

    /// Stored ticks with `ts_ns >= sinceNanos`, in time order, handed to `body` in chunks so a
    /// day's worth never sits in memory at once. Used to rebuild the open bars after a restart.
    public func replayTicks(sinceNanos: Int64, chunkSize: Int = 50_000, _ body: @escaping @Sendable ([Tick]) -> Void) async throws {
        try await store.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT instrument_id, ts_ns, ltp, ltq, bid, ask, bid_qty, ask_qty, volume, oi
                      FROM ticks WHERE ts_ns >= ? ORDER BY ts_ns
                    """,
                arguments: [sinceNanos])
            var chunk: [Tick] = []
            chunk.reserveCapacity(chunkSize)
            while let row = try rows.next() {
                chunk.append(
                    Tick(
                        instrumentID: row[0], timestampNanos: row[1], lastPrice: row[2], lastQuantity: row[3] ?? 0, volume: row[8] ?? 0,
                        openInterest: row[9] ?? 0, bid: row[4] ?? 0, ask: row[5] ?? 0, bidQuantity: row[6] ?? 0, askQuantity: row[7] ?? 0))
                if chunk.count == chunkSize {
                    body(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            if !chunk.isEmpty { body(chunk) }
        }
    }

    /// Deletes ticks older than `beforeNanos`, sub-minute bars older than `barsBefore` and feed
    /// events older than 90 days, at most `limit` rows of each per call, so retention never holds
    /// the writer for long. Returns rows deleted.
    public func prune(ticksBeforeNanos: Int64, secondBarsBefore: Int64, limit: Int = 50_000) async throws -> Int {
        try await store.write { db in
            try db.execute(
                sql: "DELETE FROM ticks WHERE rowid IN (SELECT rowid FROM ticks WHERE ts_ns < ? LIMIT ?)",
                arguments: [ticksBeforeNanos, limit])
            var deleted = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM bars WHERE (instrument_id, timeframe, ts) IN (
                        SELECT instrument_id, timeframe, ts FROM bars WHERE timeframe IN ('1s', '5s') AND ts < ? LIMIT ?)
                    """,
                arguments: [secondBarsBefore, limit])
            deleted += db.changesCount
            // Feed events are kept 90 days (the schema lets only day-old events go).
            try db.execute(
                sql: """
                    DELETE FROM feed_events WHERE id IN (
                        SELECT id FROM feed_events WHERE at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-90 days') LIMIT ?)
                    """,
                arguments: [limit])
            deleted += db.changesCount
            return deleted
        }
    }
}

extension MarketDataRepository {
    /// Appends a `feed_events` row: what a feed did (connected, failed over, went silent).
    public func recordFeedEvent(feed: String, accountID: Int64? = nil, kind: String, message: String) async throws {
        try await store.write { db in
            try db.execute(
                sql: "INSERT INTO feed_events (feed, account_id, kind, message) VALUES (?, ?, ?, ?)",
                arguments: [feed, accountID, kind, String(message.prefix(2000))])
        }
    }

    /// The newest feed events, newest first.
    public func recentFeedEvents(limit: Int) async throws -> [(at: String, feed: String, kind: String, message: String)] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT at, feed, kind, message FROM feed_events ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                (at: $0["at"], feed: $0["feed"], kind: $0["kind"], message: $0["message"])
            }
        }
    }
}

extension Store {
    public var marketData: MarketDataRepository { MarketDataRepository(store: self) }
}
