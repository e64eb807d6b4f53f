// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

/// One row of `settlements`: a settled trading date and what its run did.
public struct SettlementRecord: Sendable, Equatable {
    public var id: Int64
    /// `YYYY-MM-DD`, the IST trading date.
    public var tradingDate: String
    /// 00:00 IST of the date, in the hub's UTC form: trades before it were settled.
    public var cutoffAt: String
    public var positionsMoved: Int
    public var expiredClosed: Int
    public var expiredUnpriced: Int
    public var ordersCancelled: Int

    static let columns = "id, trading_date, cutoff_at, positions_moved, expired_closed, expired_unpriced, orders_cancelled"

    init(row: Row) {
        id = row["id"]
        tradingDate = row["trading_date"]
        cutoffAt = row["cutoff_at"]
        positionsMoved = row["positions_moved"]
        expiredClosed = row["expired_closed"]
        expiredUnpriced = row["expired_unpriced"]
        ordersCancelled = row["orders_cancelled"]
    }
}

/// A sandbox CNC position with quantity traded before a cutoff that has not moved into holdings,
/// and the holding it moves into.
public struct UnsettledPosition: Sendable, Equatable {
    public var positionID: Int64
    public var accountID: Int64
    public var exchange: String
    public var symbol: String
    /// The signed net quantity of the trades before the cutoff.
    public var netAtCutoff: Int64
    /// The position's average price after its last trade before the cutoff.
    public var averageAtCutoff: Double
    public var settledQuantity: Int64
    public var holdingQuantity: Int64
    public var holdingSettling: Int64
    public var holdingAverage: Double

    /// What this settlement moves (signed).
    public var move: Int64 { netAtCutoff - settledQuantity }
}

/// An open sandbox position on a contract that expired before a date.
public struct ExpiredPosition: Sendable, Equatable {
    public var accountID: Int64
    public var exchange: String
    public var symbol: String
    public var product: Product
    public var netQuantity: Int64
    public var instrumentID: Int64
    public var type: InstrumentType
    public var expiry: LocalDate
    public var strike: Double?
    public var underlying: String?
    public var tickSize: Double
}

extension TradingLedger {
    private func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    private func execute(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    public func settlement(tradingDate: String) throws -> SettlementRecord? {
        try rows("SELECT \(SettlementRecord.columns) FROM settlements WHERE trading_date = ?", [tradingDate]).first.map(SettlementRecord.init)
    }

    public func latestSettlement() throws -> SettlementRecord? {
        try rows("SELECT \(SettlementRecord.columns) FROM settlements ORDER BY id DESC LIMIT 1").first.map(SettlementRecord.init)
    }

    /// Records that `tradingDate` is being settled; the schema refuses a second row for a date, so
    /// two runs racing for it cannot both settle.
    public func openSettlement(tradingDate: String, cutoffAt: String) throws -> Int64 {
        try execute("INSERT INTO settlements (trading_date, cutoff_at) VALUES (?, ?)", [tradingDate, cutoffAt])
        return db.lastInsertedRowID
    }

    /// Sandbox CNC positions whose trades before `cutoffAt` net to something other than what has
    /// already moved into holdings.
    public func unsettledPositions(cutoffAt: String) throws -> [UnsettledPosition] {
        try rows(
            """
            SELECT p.id, p.account_id, p.exchange, p.symbol, p.settled_qty, b.net,
                   (SELECT l.avg_price_after FROM position_ledger l WHERE l.trade_id = b.last_trade AND l.book = 'account') AS avg_at_cutoff,
                   COALESCE(h.quantity, 0) AS held, COALESCE(h.t1_quantity, 0) AS settling, COALESCE(h.avg_price, 0.0) AS held_avg
              FROM (SELECT account_id, exchange, symbol, max(id) AS last_trade,
                           SUM(CASE action WHEN 'BUY' THEN quantity ELSE -quantity END) AS net
                      FROM trades WHERE product = 'CNC' AND traded_at < ? GROUP BY account_id, exchange, symbol) b
              JOIN positions p ON p.account_id = b.account_id AND p.exchange = b.exchange AND p.symbol = b.symbol AND p.product = 'CNC'
              JOIN accounts a ON a.id = p.account_id AND a.kind = 'sandbox'
              LEFT JOIN holdings h ON h.account_id = p.account_id AND h.exchange = p.exchange AND h.symbol = p.symbol
             WHERE b.net <> p.settled_qty
             ORDER BY p.id
            """, [cutoffAt]
        ).map { row in
            UnsettledPosition(
                positionID: row["id"], accountID: row["account_id"], exchange: row["exchange"], symbol: row["symbol"], netAtCutoff: row["net"],
                averageAtCutoff: row["avg_at_cutoff"] ?? 0, settledQuantity: row["settled_qty"], holdingQuantity: row["held"],
                holdingSettling: row["settling"], holdingAverage: row["held_avg"])
        }
    }

    /// Moves `position.move` into holdings: the move row (the schema then raises the position's
    /// settled quantity and checks the move against its trades) and the holding as it now stands.
    public func settle(_ position: UnsettledPosition, settlementID: Int64, holdingQuantity: Int64, holdingAverage: Double) throws {
        try execute(
            "INSERT INTO settlement_moves (settlement_id, position_id, quantity) VALUES (?, ?, ?)",
            [settlementID, position.positionID, position.move])
        try execute(
            """
            INSERT INTO holdings (account_id, exchange, symbol, quantity, avg_price) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (account_id, exchange, symbol) DO UPDATE SET quantity = excluded.quantity, avg_price = excluded.avg_price
            """, [position.accountID, position.exchange, position.symbol, holdingQuantity, holdingAverage])
    }

    /// Open sandbox positions (any product) on contracts whose expiry is before `date`. Read from
    /// `instruments` itself: a rolled master has already retired them from the active catalog.
    public func expiredPositions(before date: LocalDate) throws -> [ExpiredPosition] {
        try rows(
            """
            SELECT p.account_id, p.exchange, p.symbol, p.product, p.buy_qty - p.sell_qty AS net,
                   i.id AS instrument_id, i.instrument_type, i.expiry, i.strike, i.underlying, i.tick_size
              FROM positions p
              JOIN accounts a ON a.id = p.account_id AND a.kind = 'sandbox'
              JOIN instruments i ON i.exchange = p.exchange AND i.symbol = p.symbol
             WHERE p.buy_qty <> p.sell_qty AND i.expiry IS NOT NULL AND i.expiry < ?
             ORDER BY p.id
            """, [date.description]
        ).compactMap { row in
            guard let product = Product(rawValue: row["product"]), let type = InstrumentType(rawValue: row["instrument_type"]),
                let expiryText: String = row["expiry"], let expiry = LocalDate(iso: expiryText)
            else { return nil }
            return ExpiredPosition(
                accountID: row["account_id"], exchange: row["exchange"], symbol: row["symbol"], product: product, netQuantity: row["net"],
                instrumentID: row["instrument_id"], type: type, expiry: expiry, strike: row["strike"], underlying: row["underlying"],
                tickSize: row["tick_size"])
        }
    }

    /// Working sandbox orders on contracts whose expiry is before `date`.
    public func expiredWorkingOrders(before date: LocalDate) throws -> [LedgerOrder] {
        try rows(
            """
            SELECT \(LedgerOrder.columns) \(LedgerOrder.from)
              JOIN instruments i ON i.exchange = o.exchange AND i.symbol = o.symbol
             WHERE a.kind = 'sandbox' AND o.status IN ('pending', 'open', 'trigger pending')
               AND i.expiry IS NOT NULL AND i.expiry < ?
             ORDER BY o.id
            """, [date.description]
        ).map(LedgerOrder.init)
    }

    /// The last price stored for an instrument at or before `nanos`: its last tick, else the close
    /// of its last daily bar that started by then.
    public func storedPrice(instrumentID: Int64, atOrBeforeNanos nanos: Int64) throws -> Double? {
        if let tick = try rows(
            "SELECT ltp FROM ticks WHERE instrument_id = ? AND ts_ns <= ? ORDER BY ts_ns DESC LIMIT 1", [instrumentID, nanos]
        ).first {
            return tick["ltp"]
        }
        return try rows(
            "SELECT close FROM bars WHERE instrument_id = ? AND timeframe = 'D' AND ts <= ? ORDER BY ts DESC LIMIT 1",
            [instrumentID, nanos / 1_000_000_000]
        ).first?["close"]
    }

    /// The id of the first of `exchanges` that lists `symbol`.
    public func instrumentID(symbol: String, exchanges: [ExchangeCode]) throws -> Int64? {
        for exchange in exchanges {
            if let row = try rows("SELECT id FROM instruments WHERE exchange = ? AND symbol = ?", [exchange.rawValue, symbol]).first {
                return row["id"]
            }
        }
        return nil
    }

    /// Adds what an expiry sweep did to a settlement's counts.
    public func recordExpirySweep(settlementID: Int64, closed: Int, cancelled: Int, unpriced: Int) throws {
        try execute(
            """
            UPDATE settlements SET expired_closed = expired_closed + ?, orders_cancelled = orders_cancelled + ?, expired_unpriced = ?
             WHERE id = ?
            """, [closed, cancelled, unpriced, settlementID])
    }
}
