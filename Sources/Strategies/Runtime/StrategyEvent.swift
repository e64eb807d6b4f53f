// SPDX-License-Identifier: Apache-2.0
public import Core

/// A price the runtime delivers to `on_tick` (and checks exits against).
public struct StrategyTick: Sendable, Equatable {
    public var symbol: StrategySymbol
    public var lastPrice: Double
    public var bid: Double
    public var ask: Double
    public var volume: Int64
    public var timeNanos: Int64

    public init(symbol: StrategySymbol, lastPrice: Double, bid: Double = 0, ask: Double = 0, volume: Int64 = 0, timeNanos: Int64) {
        self.symbol = symbol
        self.lastPrice = lastPrice
        self.bid = bid
        self.ask = ask
        self.volume = volume
        self.timeNanos = timeNanos
    }
}

/// What became of an order the strategy issued, for `on_order`.
public struct StrategyOrderUpdate: Sendable, Equatable {
    /// The number `ctx.buy` / `ctx.sell` / `ctx.order` returned.
    public var ref: Int64
    /// RealAlgo's order id; empty when the order was refused before it got one.
    public var orderID: String
    public var symbol: StrategySymbol
    public var action: OrderAction
    public var quantity: Int64
    public var status: String
    public var filledQuantity: Int64
    public var averagePrice: Double
    /// Why it was rejected or refused.
    public var reason: String
    public var tag: String

    public init(
        ref: Int64, orderID: String, symbol: StrategySymbol, action: OrderAction, quantity: Int64, status: String, filledQuantity: Int64 = 0,
        averagePrice: Double = 0, reason: String = "", tag: String = ""
    ) {
        self.ref = ref
        self.orderID = orderID
        self.symbol = symbol
        self.action = action
        self.quantity = quantity
        self.status = status
        self.filledQuantity = filledQuantity
        self.averagePrice = averagePrice
        self.reason = reason
        self.tag = tag
    }
}

/// A trade on one of the strategy's orders, for `on_fill` and the strategy's book.
public struct StrategyFill: Sendable, Equatable {
    public var ref: Int64
    public var orderID: String
    public var symbol: StrategySymbol
    public var action: OrderAction
    public var quantity: Int64
    public var price: Double
    public var timeNanos: Int64
    public var tag: String

    public init(
        ref: Int64, orderID: String, symbol: StrategySymbol, action: OrderAction, quantity: Int64, price: Double, timeNanos: Int64, tag: String
    ) {
        self.ref = ref
        self.orderID = orderID
        self.symbol = symbol
        self.action = action
        self.quantity = quantity
        self.price = price
        self.timeNanos = timeNanos
        self.tag = tag
    }
}
