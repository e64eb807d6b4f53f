// SPDX-License-Identifier: Apache-2.0
import CSQLite
import GRDB

/// One market-data tick as stored in `ticks`.
public struct TickRow: Sendable, Equatable {
    public var instrumentID: Int64
    public var timestampNanos: Int64
    public var lastPrice: Double
    public var lastQuantity: Int64?
    public var bid: Double?
    public var ask: Double?
    public var bidQuantity: Int64?
    public var askQuantity: Int64?
    public var volume: Int64?
    public var openInterest: Int64?

    public init(
        instrumentID: Int64, timestampNanos: Int64, lastPrice: Double, lastQuantity: Int64? = nil, bid: Double? = nil, ask: Double? = nil,
        bidQuantity: Int64? = nil, askQuantity: Int64? = nil, volume: Int64? = nil, openInterest: Int64? = nil
    ) {
        self.instrumentID = instrumentID
        self.timestampNanos = timestampNanos
        self.lastPrice = lastPrice
        self.lastQuantity = lastQuantity
        self.bid = bid
        self.ask = ask
        self.bidQuantity = bidQuantity
        self.askQuantity = askQuantity
        self.volume = volume
        self.openInterest = openInterest
    }
}

/// Batched tick persistence: one transaction per batch, bound through the SQLite C API.
///
/// This is the hot path the `bench store` figures measure: binding each value with
/// `sqlite3_bind_*` on GRDB's cached statement skips the per-row `StatementArguments` boxing,
/// which `realalgo bench store` shows is the larger part of the cost.
public struct TickWriter: Sendable {
    let store: Store

    static let insertSQL = """
        INSERT INTO ticks (instrument_id, ts_ns, ltp, ltq, bid, ask, bid_qty, ask_qty, volume, oi)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Appends a batch in one transaction; a bad row (a zero price, an unknown instrument) rolls
    /// the whole batch back.
    public func append(_ batch: [TickRow]) async throws {
        guard !batch.isEmpty else { return }
        try await store.write { db in try Self.insert(batch, in: db) }
    }

    /// The blocking form of ``append(_:)``.
    public func appendSynchronously(_ batch: [TickRow]) throws {
        guard !batch.isEmpty else { return }
        try store.writeSynchronously { db in try Self.insert(batch, in: db) }
    }

    /// The same insert through GRDB's argument binding, kept so the benchmark can show the difference.
    package func appendWithStatementArguments(_ batch: [TickRow]) throws {
        try store.writeSynchronously { db in
            let statement = try db.cachedStatement(sql: Self.insertSQL)
            for tick in batch {
                try statement.execute(arguments: [
                    tick.instrumentID, tick.timestampNanos, tick.lastPrice, tick.lastQuantity, tick.bid, tick.ask,
                    tick.bidQuantity, tick.askQuantity, tick.volume, tick.openInterest,
                ])
            }
        }
    }

    static func insert(_ batch: [TickRow], in db: Database) throws {
        let statement = try db.cachedStatement(sql: insertSQL)
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for tick in batch {
            sqlite3_bind_int64(handle, 1, tick.instrumentID)
            sqlite3_bind_int64(handle, 2, tick.timestampNanos)
            sqlite3_bind_double(handle, 3, tick.lastPrice)
            bind(tick.lastQuantity, at: 4, handle)
            bind(tick.bid, at: 5, handle)
            bind(tick.ask, at: 6, handle)
            bind(tick.bidQuantity, at: 7, handle)
            bind(tick.askQuantity, at: 8, handle)
            bind(tick.volume, at: 9, handle)
            bind(tick.openInterest, at: 10, handle)
            let result = sqlite3_step(handle)
            guard result == SQLITE_DONE else {
                // Read the message before anything else touches the connection.
                let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
                let extended = sqlite3_extended_errcode(db.sqliteConnection)
                throw StoreError((extended & 0xff) == SQLITE_CONSTRAINT ? .constraint : .other, "ticks: \(message)", sqliteCode: extended)
            }
            sqlite3_reset(handle)
        }
    }

    private static func bind(_ value: Int64?, at index: Int32, _ handle: OpaquePointer) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    private static func bind(_ value: Double?, at index: Int32, _ handle: OpaquePointer) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// The number of stored ticks.
    public func count() async throws -> Int {
        try await store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ticks") ?? 0 }
    }
}

extension Store {
    public var ticks: TickWriter { TickWriter(store: self) }
}
