// SPDX-License-Identifier: Apache-2.0
public import Core
public import Schema

/// An order as a caller asked for it, after parsing (types known) and before validation
/// against the instrument, the market and the account.
public struct OrderTicket: Sendable, Equatable {
    public var strategy: String
    public var exchange: String
    public var symbol: String
    public var action: OrderAction
    public var quantity: Int64
    public var priceType: PriceType
    public var product: Product
    public var price: Double
    public var triggerPrice: Double
    public var disclosedQuantity: Int64
    /// `placeorder`'s target, stoploss and trailing_sl: an exit bracket for the position the order opens.
    public var exitBracket: ExitBracketTerms?
    /// The hub strategy and run issuing the order (a Lua strategy), recorded on the order row.
    public var strategyID: Int64?
    public var runID: Int64?

    public init(
        strategy: String = "", exchange: String, symbol: String, action: OrderAction, quantity: Int64, priceType: PriceType = .market,
        product: Product = .mis, price: Double = 0, triggerPrice: Double = 0, disclosedQuantity: Int64 = 0,
        exitBracket: ExitBracketTerms? = nil
    ) {
        self.strategy = strategy
        self.exchange = exchange
        self.symbol = symbol
        self.action = action
        self.quantity = quantity
        self.priceType = priceType
        self.product = product
        self.price = price
        self.triggerPrice = triggerPrice
        self.disclosedQuantity = disclosedQuantity
        self.exitBracket = exitBracket
    }
}

/// Why an order was refused: the request field at fault (nil for a business rule such as
/// margin or market hours) and a message a person can act on.
public struct OrderRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request itself is wrong (400, the field named).
        case invalid
        /// The order names something that does not exist (404: an unknown order id).
        case notFound
        /// The request is well formed but a rule refuses it now (400): margin, hours, limits.
        case refused
        /// The request conflicts with the order's state (400): modifying a complete order.
        case conflict
    }

    public var kind: Kind
    public var field: String?
    public var message: String

    public init(_ kind: Kind, field: String? = nil, _ message: String) {
        self.kind = kind
        self.field = field
        self.message = message
    }

    public static func invalid(_ field: String, _ message: String) -> OrderRejection { OrderRejection(.invalid, field: field, message) }
    public static func refused(_ message: String) -> OrderRejection { OrderRejection(.refused, message) }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
