// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

/// An order as the order path hands it to the hub, after validation.
public struct NewOrder: Sendable {
    public var orderID: String
    public var accountID: Int64
    public var strategyTag: String
    /// The hub strategy and run that issued the order (a Lua strategy's orders); nil for others.
    public var strategyID: Int64?
    public var runID: Int64?
    public var exchange: ExchangeCode
    public var symbol: String
    public var instrumentID: Int64?
    public var action: OrderAction
    public var quantity: Int
    public var priceType: PriceType
    public var product: Product
    public var price: Double
    public var triggerPrice: Double
    public var status: OrderStatus
    public var source: String
    public var disclosedQuantity: Int
    /// Cash the sandbox blocks for this order while it works (added to the account's used margin).
    public var marginBlocked: Double

    public init(
        orderID: String, accountID: Int64, strategyTag: String = "", exchange: ExchangeCode, symbol: String,
        instrumentID: Int64? = nil, action: OrderAction, quantity: Int, priceType: PriceType, product: Product,
        price: Double = 0, triggerPrice: Double = 0, status: OrderStatus = .pending, source: String = "api", disclosedQuantity: Int = 0,
        marginBlocked: Double = 0, strategyID: Int64? = nil, runID: Int64? = nil
    ) {
        self.strategyID = strategyID
        self.runID = runID
        self.orderID = orderID
        self.accountID = accountID
        self.strategyTag = strategyTag
        self.exchange = exchange
        self.symbol = symbol
        self.instrumentID = instrumentID
        self.action = action
        self.quantity = quantity
        self.priceType = priceType
        self.product = product
        self.price = price
        self.triggerPrice = triggerPrice
        self.status = status
        self.source = source
        self.disclosedQuantity = disclosedQuantity
        self.marginBlocked = marginBlocked
    }
}

/// Orders in the hub. An order is durable once ``insert(_:)`` returns: the caller may hand out
/// its id only after that.
public struct OrderRepository: Sendable {
    let store: Store

    static let insertSQL = """
        INSERT INTO orders (orderid, account_id, strategy, exchange, symbol, instrument_id, action, quantity,
                            pricetype, product, price, trigger_price, status, source, disclosed_quantity, margin_blocked,
                            strategy_id, run_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Commits one order in its own transaction and returns its row id.
    /// - Throws: ``StoreError`` `.constraint` naming the rule the order broke.
    @discardableResult
    public func insert(_ order: NewOrder) async throws -> Int64 {
        try await store.write { db in try Self.insert(order, in: db) }
    }

    /// The blocking form of ``insert(_:)`` for tools that own their thread.
    @discardableResult
    public func insertSynchronously(_ order: NewOrder) throws -> Int64 {
        try store.writeSynchronously { db in try Self.insert(order, in: db) }
    }

    static func insert(_ order: NewOrder, in db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: insertSQL)
        try statement.execute(arguments: [
            order.orderID, order.accountID, order.strategyTag, order.exchange.rawValue, order.symbol, order.instrumentID,
            order.action.rawValue, order.quantity, order.priceType.rawValue, order.product.rawValue, order.price,
            order.triggerPrice, order.status.rawValue, order.source, order.disclosedQuantity, order.marginBlocked,
            order.strategyID, order.runID,
        ])
        return db.lastInsertedRowID
    }

    /// The number of orders in the hub.
    public func count() async throws -> Int {
        try await store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM orders") ?? 0 }
    }
}

extension Store {
    public var orders: OrderRepository { OrderRepository(store: self) }
}
