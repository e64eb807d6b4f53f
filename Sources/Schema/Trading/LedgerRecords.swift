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

    /// Reads the columns by position, in the order of ``columns``: the order path decodes a row
    /// per order, and looking 24 names up in a row costs more than the query.
    init(row: Row) throws {
        rowID = row[0]
        orderID = row[1]
        accountID = row[2]
        userID = row[3]
        strategy = row[4]
        exchange = row[5]
        symbol = row[6]
        instrumentID = row[7]
        action = try StoredText.decode(OrderAction.self, row[8], in: "orders")
        quantity = row[9]
        filledQuantity = row[10]
        averagePrice = row[11]
        priceType = try StoredText.decode(PriceType.self, row[12], in: "orders")
        product = try StoredText.decode(Product.self, row[13], in: "orders")
        price = row[14]
        triggerPrice = row[15]
        disclosedQuantity = row[16]
        status = try StoredText.decode(OrderStatus.self, row[17], in: "orders")
        rejectionReason = row[18]
        marginBlocked = row[19]
        parentRowID = row[20]
        brokerOrderID = row[21]
        createdAt = row[22]
        updatedAt = row[23]
    }

}

/// A net position (zero when the account never traded the symbol in that product).
public struct LedgerPosition: Sendable, Equatable {
    /// Everything bought minus everything sold: what the margin and the realized P&L follow.
    public var netQuantity: Int64
    public var averagePrice: Double
    public var marginBlocked: Double
    /// The part of `netQuantity` that T+1 settlement has moved into holdings (CNC only).
    public var settledQuantity: Int64

    /// What the position book shows: the part not yet in holdings.
    public var dayQuantity: Int64 { netQuantity - settledQuantity }

    public init(netQuantity: Int64 = 0, averagePrice: Double = 0, marginBlocked: Double = 0, settledQuantity: Int64 = 0) {
        self.netQuantity = netQuantity
        self.averagePrice = averagePrice
        self.marginBlocked = marginBlocked
        self.settledQuantity = settledQuantity
    }
}
