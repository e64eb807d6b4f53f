// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

/// An account as the order path needs it.
public struct LedgerAccount: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    /// `sandbox` or `openalgo`.
    public var kind: String
    public var broker: String
    public var isActive: Bool

    public var isSandbox: Bool { kind == "sandbox" }

    init(row: Row) {
        id = row["id"]
        userID = row["user_id"]
        kind = row["kind"]
        broker = row["broker"]
        isActive = row["is_active"]
    }
}

/// An order row as the order path needs it.
public struct LedgerOrder: Sendable, Equatable {
    public var rowID: Int64
    public var orderID: String
    public var accountID: Int64
    public var userID: Int64
    public var strategy: String
    public var exchange: String
    public var symbol: String
    public var instrumentID: Int64?
    public var action: OrderAction
    public var quantity: Int64
    public var filledQuantity: Int64
    public var averagePrice: Double
    public var priceType: PriceType
    public var product: Product
    public var price: Double
    public var triggerPrice: Double
    public var disclosedQuantity: Int64
    public var status: OrderStatus
    public var rejectionReason: String?
    public var marginBlocked: Double
    public var parentRowID: Int64?
    public var brokerOrderID: String?
    public var createdAt: String
    public var updatedAt: String

    static let columns = """
        o.id, o.orderid, o.account_id, a.user_id, o.strategy, o.exchange, o.symbol, o.instrument_id, o.action, o.quantity,
        o.filled_quantity, o.average_price, o.pricetype, o.product, o.price, o.trigger_price, o.disclosed_quantity, o.status,
        o.rejection_reason, o.margin_blocked, o.parent_id, o.broker_order_id, o.created_at, o.updated_at
        """
    static let from = "FROM orders o JOIN accounts a ON a.id = o.account_id"

    init(row: Row) throws {
        rowID = row["id"]
        orderID = row["orderid"]
        accountID = row["account_id"]
        userID = row["user_id"]
        strategy = row["strategy"]
        exchange = row["exchange"]
        symbol = row["symbol"]
        instrumentID = row["instrument_id"]
        action = try Self.decode(OrderAction.self, row["action"])
        quantity = row["quantity"]
        filledQuantity = row["filled_quantity"]
        averagePrice = row["average_price"]
        priceType = try Self.decode(PriceType.self, row["pricetype"])
        product = try Self.decode(Product.self, row["product"])
        price = row["price"]
        triggerPrice = row["trigger_price"]
        disclosedQuantity = row["disclosed_quantity"]
        status = try Self.decode(OrderStatus.self, row["status"])
        rejectionReason = row["rejection_reason"]
        marginBlocked = row["margin_blocked"]
        parentRowID = row["parent_id"]
        brokerOrderID = row["broker_order_id"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }

    private static func decode<T: RawRepresentable<String>>(_ type: T.Type, _ text: String) throws -> T {
        guard let value = T(rawValue: text) else { throw StoreError(.other, "orders: unexpected \(T.self) '\(text)' in the hub") }
        return value
    }
}

/// A net position (zero when the account never traded the symbol in that product).
public struct LedgerPosition: Sendable, Equatable {
    public var netQuantity: Int64
    public var averagePrice: Double
    public var marginBlocked: Double

    public init(netQuantity: Int64 = 0, averagePrice: Double = 0, marginBlocked: Double = 0) {
        self.netQuantity = netQuantity
        self.averagePrice = averagePrice
        self.marginBlocked = marginBlocked
    }
}
