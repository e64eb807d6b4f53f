// SPDX-License-Identifier: Apache-2.0
public import Core

/// The strategy's own positions, from the fills the runtime is told about: what `ctx.position`,
/// `ctx.pnl` and the declared exits read, the same live and in a backtest.
public struct StrategyBook: Sendable {
    public struct Position: Sendable, Equatable {
        public var symbol: StrategySymbol
        /// Signed: positive long, negative short.
        public var quantity: Int64 = 0
        /// Average entry price of the open quantity (average-cost method).
        public var averagePrice: Double = 0
        public var realizedPnL: Double = 0
        /// The best price since the position opened (highest for a long, lowest for a short), for
        /// trailing exits.
        public var bestPrice: Double = 0

        public func unrealizedPnL(at price: Double) -> Double {
            quantity == 0 ? 0 : (price - averagePrice) * Double(quantity)
        }
    }

    public private(set) var positions: [StrategySymbol: Position] = [:]

    public init() {}

    public func position(_ symbol: StrategySymbol) -> Position {
        positions[symbol] ?? Position(symbol: symbol)
    }

    /// Open positions, in symbol order (a stable order for scripts and exits).
    public var open: [Position] {
        positions.values.filter { $0.quantity != 0 }.sorted { $0.symbol.key < $1.symbol.key }
    }

    public var realizedPnL: Double { positions.values.reduce(0) { $0 + $1.realizedPnL } }

    /// True when a position is open in a symbol not in `symbols` (cheap: no allocation, and the
    /// common case — no positions, or only declared ones — returns at once).
    public func hasOpenPositions(outside symbols: [StrategySymbol]) -> Bool {
        guard !positions.isEmpty else { return false }
        for (symbol, position) in positions where position.quantity != 0 && !symbols.contains(symbol) { return true }
        return false
    }

    /// Applies a fill with the average-cost method: adding to a position averages its price; reducing
    /// realizes against it; crossing through zero realizes the closed part and opens the rest at the
    /// fill price.
    public mutating func apply(symbol: StrategySymbol, action: OrderAction, quantity: Int64, price: Double, timeNanos: Int64) {
        var position = self.position(symbol)
        let signed = action == .buy ? quantity : -quantity
        let current = position.quantity
        if current == 0 || (current > 0) == (signed > 0) {
            let total = current + signed
            position.averagePrice = (position.averagePrice * Double(abs(current)) + price * Double(abs(signed))) / Double(abs(total))
            if current == 0 {
                position.bestPrice = price
            }
            position.quantity = total
        } else {
            let closing = min(abs(current), abs(signed))
            let direction: Double = current > 0 ? 1 : -1
            position.realizedPnL += (price - position.averagePrice) * Double(closing) * direction
            position.quantity = current + signed
            if position.quantity == 0 {
                position.averagePrice = 0
                position.bestPrice = 0
            } else if (position.quantity > 0) != (current > 0) {
                position.averagePrice = price
                position.bestPrice = price
            }
        }
        positions[symbol] = position
    }

    /// Records a price for trailing exits: the best price only improves.
    public mutating func observe(_ symbol: StrategySymbol, price: Double) {
        guard var position = positions[symbol], position.quantity != 0 else { return }
        if position.quantity > 0 ? price > position.bestPrice : price < position.bestPrice {
            position.bestPrice = price
            positions[symbol] = position
        }
    }
}
