// SPDX-License-Identifier: Apache-2.0

/// A position in one instrument, kept by the average-cost method.
///
/// Adding to a position (or opening one) moves the average price to the quantity-weighted average
/// of the old average and the fill price. Reducing it realizes `closed × (price − average)` for a
/// long (`closed × (average − price)` for a short) and leaves the average unchanged. A fill that
/// crosses through zero realizes the closed part and opens the rest at the fill price. A flat
/// position has average price 0.
public struct BacktestPosition: Sendable, Equatable, Codable {
    public let exchange: String
    public let symbol: String
    /// Signed units: positive long, negative short, 0 flat.
    public internal(set) var quantity: Int64
    /// Average entry price of the open quantity, in rupees; 0 when flat.
    public internal(set) var averagePrice: Double

    /// - Parameters:
    ///   - quantity: signed units (negative is short).
    ///   - averagePrice: the entry average; ignored (kept at 0) when `quantity` is 0.
    public init(exchange: String, symbol: String, quantity: Int64 = 0, averagePrice: Double = 0) {
        self.exchange = exchange
        self.symbol = symbol
        self.quantity = quantity
        self.averagePrice = quantity == 0 ? 0 : averagePrice
    }

    /// What one fill did to a position.
    struct Change: Sendable, Equatable {
        /// Units taken off the old position (0 when the fill only added).
        var closedQuantity: Int64
        /// P&L realized on the closed units, before costs.
        var grossRealized: Double
    }

    /// Applies a fill of `signedQuantity` units (positive buys) at `price`.
    ///
    /// - Precondition: the new position fits in `Int64`.
    mutating func apply(signedQuantity: Int64, price: Double) -> Change {
        let old = quantity
        let (new, overflow) = old.addingReportingOverflow(signedQuantity)
        precondition(!overflow, "position in \(exchange):\(symbol) overflows Int64")
        defer { quantity = new }
        if old == 0 || (old > 0) == (signedQuantity > 0) {
            // Opening or adding: weighted average of the old entry and this fill.
            let oldUnits = Double(old.magnitude)
            let addedUnits = Double(signedQuantity.magnitude)
            averagePrice = (oldUnits * averagePrice + addedUnits * price) / (oldUnits + addedUnits)
            return Change(closedQuantity: 0, grossRealized: 0)
        }
        let closed = Int64(min(old.magnitude, signedQuantity.magnitude))
        let perUnit = old > 0 ? price - averagePrice : averagePrice - price
        let realized = Double(closed) * perUnit
        if new == 0 {
            averagePrice = 0
        } else if (new > 0) != (old > 0) {
            // Crossed through zero: the remainder is a fresh position opened at this fill.
            averagePrice = price
        }
        return Change(closedQuantity: closed, grossRealized: realized)
    }
}
