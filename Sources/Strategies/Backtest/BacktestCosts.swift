// SPDX-License-Identifier: Apache-2.0

/// What the ledger charges for each fill: a flat fee plus a share of the turnover.
///
/// The sandbox never part-fills an order, so "per order" and "per fill" are the same thing. Costs
/// come out of cash and out of the fill's realized P&L at once; they are never folded into the
/// average price, so a position's average stays the plain average of its entry prices.
///
/// ```swift
/// // ₹20 per order and 3 bps of turnover (₹0.03 per ₹100 traded).
/// let costs = BacktestCosts(perOrder: 20, turnoverBasisPoints: 3)
/// ```
public struct BacktestCosts: Sendable, Equatable {
    /// Flat fee in rupees for every fill.
    public let perOrder: Double
    /// Fee in basis points (1/10,000) of each fill's quantity × price.
    public let turnoverBasisPoints: Double

    /// No costs: the default, and what makes realized P&L add up exactly to the change in equity.
    public static let zero = BacktestCosts(validPerOrder: 0, turnoverBasisPoints: 0)

    /// A cost model, or nil when either part is negative, NaN or infinite.
    ///
    /// - Parameters:
    ///   - perOrder: rupees per fill, ≥ 0.
    ///   - turnoverBasisPoints: basis points of turnover, ≥ 0.
    public init?(perOrder: Double = 0, turnoverBasisPoints: Double = 0) {
        guard perOrder.isFinite, perOrder >= 0, turnoverBasisPoints.isFinite, turnoverBasisPoints >= 0 else { return nil }
        self.init(validPerOrder: perOrder, turnoverBasisPoints: turnoverBasisPoints)
    }

    private init(validPerOrder: Double, turnoverBasisPoints: Double) {
        self.perOrder = validPerOrder
        self.turnoverBasisPoints = turnoverBasisPoints
    }

    /// The fee for one fill of `turnover` rupees (quantity × price).
    public func cost(turnover: Double) -> Double {
        if perOrder == 0 && turnoverBasisPoints == 0 { return 0 }
        return perOrder + turnover * turnoverBasisPoints / 10_000
    }
}
