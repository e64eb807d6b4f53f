// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

/// What `placeorder`'s `target`, `stoploss` and `trailing_sl` ask for: prices for the target and
/// the stop, and a trailing distance in points. At least one is set.
public struct ExitBracketTerms: Sendable, Equatable {
    public var target: Double?
    public var stoploss: Double?
    public var trailingPoints: Double?

    public init(target: Double? = nil, stoploss: Double? = nil, trailingPoints: Double? = nil) {
        self.target = target
        self.stoploss = stoploss
        self.trailingPoints = trailingPoints
    }

    public var isEmpty: Bool { target == nil && stoploss == nil && trailingPoints == nil }
}

/// An exit bracket as stored (see migration 0014).
public struct ExitBracketRecord: Sendable, Equatable {
    public enum Side: String, Sendable {
        case long, short

        /// The side of the position an entry of `action` opens.
        public init(entry action: OrderAction) { self = action == .buy ? .long : .short }

        /// The action that closes a position of this side.
        public var exitAction: OrderAction { self == .long ? .sell : .buy }
    }

    public enum Status: String, Sendable { case waiting, active, exited, cancelled }
    public enum Leg: String, Sendable { case target, stoploss, trailing }

    public var rowID: Int64
    public var entryRowID: Int64
    public var entryOrderID: String
    public var accountID: Int64
    public var userID: Int64
    public var exchange: String
    public var symbol: String
    public var instrumentID: Int64
    public var product: Product
    public var side: Side
    public var quantity: Int64
    public var terms: ExitBracketTerms
    public var entryPrice: Double?
    public var stopPrice: Double?
    public var bestPrice: Double?
    public var status: Status
    public var exitLeg: Leg?
    public var exitOrderID: String?
    public var reason: String?
    public var createdAt: String
    public var updatedAt: String

    /// An active bracket as a test or a rule describes it, without a hub.
    public init(
        side: Side, quantity: Int64, terms: ExitBracketTerms, entryPrice: Double, stopPrice: Double?, bestPrice: Double,
        rowID: Int64 = 1, instrumentID: Int64 = 1
    ) {
        self.rowID = rowID
        entryRowID = 0
        entryOrderID = ""
        accountID = 0
        userID = 0
        exchange = "NSE"
        symbol = ""
        self.instrumentID = instrumentID
        product = .mis
        self.side = side
        self.quantity = quantity
        self.terms = terms
        self.entryPrice = entryPrice
        self.stopPrice = stopPrice
        self.bestPrice = bestPrice
        status = .active
        createdAt = ""
        updatedAt = ""
    }

    static let columns = """
        b.id, b.entry_order_id, e.orderid, b.account_id, a.user_id, b.exchange, b.symbol, b.instrument_id, b.product, b.side, b.quantity,
        b.target_price, b.stoploss_price, b.trailing_points, b.entry_price, b.stop_price, b.best_price, b.status, b.exit_leg, x.orderid,
        b.reason, b.created_at, b.updated_at
        """
    static let from = """
        FROM exit_brackets b JOIN accounts a ON a.id = b.account_id JOIN orders e ON e.id = b.entry_order_id
        LEFT JOIN orders x ON x.id = b.exit_order_id
        """

    /// Reads the columns by position, in the order of ``columns``.
    init(row: Row) throws {
        rowID = row[0]
        entryRowID = row[1]
        entryOrderID = row[2]
        accountID = row[3]
        userID = row[4]
        exchange = row[5]
        symbol = row[6]
        instrumentID = row[7]
        product = try StoredText.decode(Product.self, row[8], in: "exit_brackets")
        side = try StoredText.decode(Side.self, row[9], in: "exit_brackets")
        quantity = row[10]
        terms = ExitBracketTerms(target: row[11], stoploss: row[12], trailingPoints: row[13])
        entryPrice = row[14]
        stopPrice = row[15]
        bestPrice = row[16]
        status = try StoredText.decode(Status.self, row[17], in: "exit_brackets")
        exitLeg = try (row[18] as String?).map { try StoredText.decode(Leg.self, $0, in: "exit_brackets") }
        exitOrderID = row[19]
        reason = row[20]
        createdAt = row[21]
        updatedAt = row[22]
    }

}

extension TradingLedger {
    /// Attaches a bracket to an entry order placed in this transaction; it waits for the fill.
    public func attachBracket(_ terms: ExitBracketTerms, to entry: LedgerOrder) throws {
        guard let instrumentID = entry.instrumentID else { throw StoreError(.other, "an exit bracket needs an entry on a listed instrument") }
        try db.cachedStatement(
            sql: """
                INSERT INTO exit_brackets (entry_order_id, account_id, exchange, symbol, instrument_id, product, side, quantity,
                                           target_price, stoploss_price, trailing_points)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            entry.rowID, entry.accountID, entry.exchange, entry.symbol, instrumentID, entry.product.rawValue,
            ExitBracketRecord.Side(entry: entry.action).rawValue, entry.quantity, terms.target, terms.stoploss, terms.trailingPoints,
        ])
    }

    public func bracket(rowID: Int64) throws -> ExitBracketRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(ExitBracketRecord.columns) \(ExitBracketRecord.from) WHERE b.id = ?"), arguments: [rowID]
        ).map(ExitBracketRecord.init)
    }

    /// Moves a trailing stop (and the best price it trails) of an active bracket.
    public func trailBracket(_ bracket: ExitBracketRecord, stop: Double?, best: Double) throws {
        try db.cachedStatement(
            sql: """
                UPDATE exit_brackets SET stop_price = ?, best_price = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE id = ? AND status = 'active'
                """
        ).execute(arguments: [stop, best, bracket.rowID])
    }

    /// Records the exit order a bracket placed; the bracket is final from here on.
    public func markBracketExited(_ bracket: ExitBracketRecord, leg: ExitBracketRecord.Leg, exitOrderRowID: Int64) throws {
        try db.cachedStatement(
            sql: """
                UPDATE exit_brackets SET status = 'exited', exit_leg = ?, exit_order_id = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE id = ?
                """
        ).execute(arguments: [leg.rawValue, exitOrderRowID, bracket.rowID])
    }

    /// Ends a live bracket without an exit order, saying why.
    public func cancelBracket(_ bracket: ExitBracketRecord, reason: String) throws {
        try db.cachedStatement(
            sql: "UPDATE exit_brackets SET status = 'cancelled', reason = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?"
        ).execute(arguments: [reason, bracket.rowID])
    }
}

extension Store {
    /// Waiting and active brackets on an instrument, oldest first (a consistent read on a reader).
    public func liveBrackets(instrumentID: Int64) async throws -> [ExitBracketRecord] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT \(ExitBracketRecord.columns) \(ExitBracketRecord.from) WHERE b.instrument_id = ? AND b.status IN ('waiting', 'active') ORDER BY b.id"
                ),
                arguments: [instrumentID]
            ).map(ExitBracketRecord.init)
        }
    }

    /// Instruments with a waiting or active bracket (what the broker watches after a restart).
    public func liveBracketInstruments() async throws -> Set<Int64> {
        try await read { db in
            Set(try Int64.fetchAll(db, sql: "SELECT DISTINCT instrument_id FROM exit_brackets WHERE status IN ('waiting', 'active')"))
        }
    }
}

extension TradingBooks {
    /// The user's brackets on any account, newest first; live ones only unless `all`.
    public func exitBrackets(userID: Int64, all: Bool) async throws -> [ExitBracketRecord] {
        try await store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(ExitBracketRecord.columns) \(ExitBracketRecord.from)
                     WHERE a.user_id = ? \(all ? "" : "AND b.status IN ('waiting', 'active')") ORDER BY b.id DESC
                    """,
                arguments: [userID]
            ).map(ExitBracketRecord.init)
        }
    }

    /// One of the user's brackets, by its entry's order id.
    public func exitBracket(entryOrderID: String, userID: Int64) async throws -> ExitBracketRecord? {
        try await store.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(ExitBracketRecord.columns) \(ExitBracketRecord.from) WHERE e.orderid = ? AND a.user_id = ?",
                arguments: [entryOrderID, userID]
            ).map(ExitBracketRecord.init)
        }
    }
}
