// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

/// A good-till-triggered order as stored.
public struct GTTRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case single, twoLeg = "two-leg" }
    public enum Status: String, Sendable { case active, triggered, cancelled, expired, rejected }

    public var rowID: Int64
    public var triggerID: String
    public var accountID: Int64
    public var userID: Int64
    public var strategy: String
    public var kind: Kind
    public var exchange: String
    public var symbol: String
    public var instrumentID: Int64
    public var action: OrderAction
    public var product: Product
    public var quantity: Int64
    public var priceType: PriceType
    /// Single: the trigger; two-leg: the stoploss leg's trigger.
    public var triggerPrice: Double
    public var price: Double
    public var targetTrigger: Double?
    public var targetPrice: Double?
    public var lastPrice: Double
    public var status: Status
    public var firedLeg: String?
    public var orderRowID: Int64?
    public var orderID: String?
    public var rejectionReason: String?
    public var expiresAt: String?
    public var createdAt: String
    public var updatedAt: String

    /// Every field as given (tests build records without a hub).
    public init(
        rowID: Int64, triggerID: String, accountID: Int64, userID: Int64, strategy: String, kind: Kind, exchange: String, symbol: String,
        instrumentID: Int64, action: OrderAction, product: Product, quantity: Int64, priceType: PriceType, triggerPrice: Double, price: Double,
        targetTrigger: Double?, targetPrice: Double?, lastPrice: Double, status: Status, firedLeg: String?, orderRowID: Int64?, orderID: String?,
        rejectionReason: String?, expiresAt: String?, createdAt: String, updatedAt: String
    ) {
        self.rowID = rowID
        self.triggerID = triggerID
        self.accountID = accountID
        self.userID = userID
        self.strategy = strategy
        self.kind = kind
        self.exchange = exchange
        self.symbol = symbol
        self.instrumentID = instrumentID
        self.action = action
        self.product = product
        self.quantity = quantity
        self.priceType = priceType
        self.triggerPrice = triggerPrice
        self.price = price
        self.targetTrigger = targetTrigger
        self.targetPrice = targetPrice
        self.lastPrice = lastPrice
        self.status = status
        self.firedLeg = firedLeg
        self.orderRowID = orderRowID
        self.orderID = orderID
        self.rejectionReason = rejectionReason
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    static let columns = """
        g.id, g.trigger_id, g.account_id, a.user_id, g.strategy, g.trigger_type, g.exchange, g.symbol, g.instrument_id, g.action,
        g.product, g.quantity, g.pricetype, g.trigger_price, g.price, g.target_trigger, g.target_price, g.last_price, g.status,
        g.fired_leg, g.order_id, o.orderid, g.rejection_reason, g.expires_at, g.created_at, g.updated_at
        """
    static let from = "FROM gtt_triggers g JOIN accounts a ON a.id = g.account_id LEFT JOIN orders o ON o.id = g.order_id"

    init(row: Row) throws {
        func decode<T: RawRepresentable<String>>(_ column: String) throws -> T {
            try StoredText.decode(T.self, row[column], in: "gtt_triggers")
        }
        rowID = row["id"]
        triggerID = row["trigger_id"]
        accountID = row["account_id"]
        userID = row["user_id"]
        strategy = row["strategy"]
        kind = try decode("trigger_type")
        exchange = row["exchange"]
        symbol = row["symbol"]
        instrumentID = row["instrument_id"]
        action = try decode("action")
        product = try decode("product")
        quantity = row["quantity"]
        priceType = try decode("pricetype")
        triggerPrice = row["trigger_price"]
        price = row["price"]
        targetTrigger = row["target_trigger"]
        targetPrice = row["target_price"]
        lastPrice = row["last_price"]
        status = try decode("status")
        firedLeg = row["fired_leg"]
        orderRowID = row["order_id"]
        orderID = row["orderid"]
        rejectionReason = row["rejection_reason"]
        expiresAt = row["expires_at"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

/// The terms of a GTT, new or replacing an active one's.
public struct GTTTerms: Sendable, Equatable {
    public var strategy: String
    public var kind: GTTRecord.Kind
    public var instrument: Instrument
    public var action: OrderAction
    public var product: Product
    public var quantity: Int64
    public var priceType: PriceType
    public var triggerPrice: Double
    public var price: Double
    public var targetTrigger: Double?
    public var targetPrice: Double?
    public var lastPrice: Double
    public var expiresAt: String?

    public init(
        strategy: String, kind: GTTRecord.Kind, instrument: Instrument, action: OrderAction, product: Product, quantity: Int64,
        priceType: PriceType, triggerPrice: Double, price: Double, targetTrigger: Double?, targetPrice: Double?, lastPrice: Double,
        expiresAt: String?
    ) {
        self.strategy = strategy
        self.kind = kind
        self.instrument = instrument
        self.action = action
        self.product = product
        self.quantity = quantity
        self.priceType = priceType
        self.triggerPrice = triggerPrice
        self.price = price
        self.targetTrigger = targetTrigger
        self.targetPrice = targetPrice
        self.lastPrice = lastPrice
        self.expiresAt = expiresAt
    }
}

extension TradingLedger {
    public func gtt(triggerID: String) throws -> GTTRecord? {
        try Row.fetchOne(db, sql: "SELECT \(GTTRecord.columns) \(GTTRecord.from) WHERE g.trigger_id = ?", arguments: [triggerID]).map(GTTRecord.init)
    }

    public func gtt(rowID: Int64) throws -> GTTRecord? {
        try Row.fetchOne(db, sql: "SELECT \(GTTRecord.columns) \(GTTRecord.from) WHERE g.id = ?", arguments: [rowID]).map(GTTRecord.init)
    }

    public func insertGTT(triggerID: String, accountID: Int64, _ terms: GTTTerms) throws -> GTTRecord {
        try db.execute(
            sql: """
                INSERT INTO gtt_triggers (trigger_id, account_id, strategy, trigger_type, exchange, symbol, instrument_id, action, product,
                                          quantity, pricetype, trigger_price, price, target_trigger, target_price, last_price, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                triggerID, accountID, terms.strategy, terms.kind.rawValue, terms.instrument.exchange.rawValue, terms.instrument.symbol,
                terms.instrument.id, terms.action.rawValue, terms.product.rawValue, terms.quantity, terms.priceType.rawValue,
                terms.triggerPrice, terms.price, terms.targetTrigger, terms.targetPrice, terms.lastPrice, terms.expiresAt,
            ])
        guard let record = try gtt(rowID: db.lastInsertedRowID) else { throw StoreError(.other, "the new GTT vanished inside its own transaction") }
        return record
    }

    /// Replaces an active GTT's terms (OpenAlgo's modify is a full replacement).
    public func replaceGTT(_ record: GTTRecord, with terms: GTTTerms) throws {
        try db.execute(
            sql: """
                UPDATE gtt_triggers SET strategy = ?, trigger_type = ?, exchange = ?, symbol = ?, instrument_id = ?, action = ?, product = ?,
                       quantity = ?, pricetype = ?, trigger_price = ?, price = ?, target_trigger = ?, target_price = ?, last_price = ?,
                       expires_at = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE id = ?
                """,
            arguments: [
                terms.strategy, terms.kind.rawValue, terms.instrument.exchange.rawValue, terms.instrument.symbol, terms.instrument.id,
                terms.action.rawValue, terms.product.rawValue, terms.quantity, terms.priceType.rawValue, terms.triggerPrice, terms.price,
                terms.targetTrigger, terms.targetPrice, terms.lastPrice, terms.expiresAt, record.rowID,
            ])
    }

    /// Ends an active GTT without an order: cancelled, expired, or rejected with a reason.
    public func finishGTT(_ record: GTTRecord, as status: GTTRecord.Status, reason: String? = nil) throws {
        try db.execute(
            sql: "UPDATE gtt_triggers SET status = ?, rejection_reason = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
            arguments: [status.rawValue, reason, record.rowID])
    }

    /// Records that the GTT fired and placed `orderRowID` (in the same transaction as the order).
    public func markGTTTriggered(_ record: GTTRecord, leg: String, orderRowID: Int64) throws {
        try db.execute(
            sql: """
                UPDATE gtt_triggers SET status = 'triggered', fired_leg = ?, order_id = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE id = ?
                """,
            arguments: [leg, orderRowID, record.rowID])
    }
}

extension Store {
    /// Every active GTT of every account (the broker watches them after a restart).
    public func activeGTTs() async throws -> [GTTRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(GTTRecord.columns) \(GTTRecord.from) WHERE g.status = 'active' ORDER BY g.id").map(GTTRecord.init)
        }
    }

    /// A user's GTTs, newest first.
    public func gttBook(userID: Int64) async throws -> [GTTRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(GTTRecord.columns) \(GTTRecord.from) WHERE a.user_id = ? ORDER BY g.id DESC", arguments: [userID])
                .map(GTTRecord.init)
        }
    }
}
