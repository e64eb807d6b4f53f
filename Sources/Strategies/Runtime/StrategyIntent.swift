// SPDX-License-Identifier: Apache-2.0
public import Core

/// An order a script asked for, validated and recorded during the Lua call and performed by the
/// host (or the backtester) after the call returns — nothing is awaited while Lua is on the stack.
public enum StrategyIntent: Sendable, Equatable {
    case place(StrategyOrderRequest)
    /// Change a working order; nil fields keep their values.
    case modify(ref: Int64, quantity: Int64?, priceType: PriceType?, price: Double?, triggerPrice: Double?)
    case cancel(ref: Int64)
}

/// A new order from the script, in the vocabulary of the order path.
public struct StrategyOrderRequest: Sendable, Equatable {
    public var ref: Int64
    public var symbol: StrategySymbol
    public var action: OrderAction
    /// Units (lots × lot size for derivatives).
    public var quantity: Int64
    public var priceType: PriceType
    public var product: Product
    public var price: Double
    public var triggerPrice: Double
    /// The script's label (`tag = "entry"`), or the runtime's (`exit: stop_loss`, `close_all`).
    public var tag: String
    /// The declared leg this order enters or exits, if any.
    public var leg: String?

    public init(
        ref: Int64, symbol: StrategySymbol, action: OrderAction, quantity: Int64, priceType: PriceType = .market, product: Product = .mis,
        price: Double = 0, triggerPrice: Double = 0, tag: String = "", leg: String? = nil
    ) {
        self.ref = ref
        self.symbol = symbol
        self.action = action
        self.quantity = quantity
        self.priceType = priceType
        self.product = product
        self.price = price
        self.triggerPrice = triggerPrice
        self.tag = tag
        self.leg = leg
    }
}

/// A line a script logged with `ctx.log`, or the runtime logged about it.
public struct StrategyLogLine: Sendable, Equatable {
    public enum Level: String, Sendable, CaseIterable { case debug, info, warn, error }
    public var level: Level
    public var message: String
    public var line: Int?
    public var timeNanos: Int64

    public init(level: Level, message: String, line: Int? = nil, timeNanos: Int64) {
        self.level = level
        self.message = message
        self.line = line
        self.timeNanos = timeNanos
    }
}
