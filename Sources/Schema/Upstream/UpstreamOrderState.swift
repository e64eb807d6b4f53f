// SPDX-License-Identifier: Apache-2.0
public import Core

/// What an upstream reports about one of its orders (from its order book, trade book or an
/// order-update message), in the hub's terms.
public struct UpstreamOrderState: Sendable, Equatable {
    /// One fill the upstream reported, under its own trade id.
    public struct Fill: Sendable, Equatable {
        public var brokerTradeID: String
        public var quantity: Int64
        public var price: Double

        public init(brokerTradeID: String, quantity: Int64, price: Double) {
            self.brokerTradeID = brokerTradeID
            self.quantity = quantity
            self.price = price
        }
    }

    public var brokerOrderID: String
    /// Nil when the upstream's status word is not one the hub knows (the order is left as is).
    public var status: OrderStatus?
    /// What the upstream says is filled; fills not covered by ``fills`` are recorded as one
    /// balancing fill at the price that makes the average match.
    public var filledQuantity: Int64
    public var averagePrice: Double
    public var rejectionReason: String?
    public var fills: [Fill]

    public init(
        brokerOrderID: String, status: OrderStatus?, filledQuantity: Int64 = 0, averagePrice: Double = 0, rejectionReason: String? = nil,
        fills: [Fill] = []
    ) {
        self.brokerOrderID = brokerOrderID
        self.status = status
        self.filledQuantity = filledQuantity
        self.averagePrice = averagePrice
        self.rejectionReason = rejectionReason
        self.fills = fills
    }
}
