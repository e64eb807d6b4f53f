// SPDX-License-Identifier: Apache-2.0
public import Core

/// What the sandbox does with a working order against one price snapshot.
public enum FillDecision: Sendable, Equatable {
    /// Fill the whole order at this price (the sandbox never part-fills, as OpenAlgo's).
    case fill(price: Double)
    /// A stop order's trigger was hit but its limit was not: it now rests as `open`.
    case trigger
    /// Nothing to do yet.
    case wait
    /// Nothing can be decided on this snapshot (no usable price, or a stale quote).
    case noPrice
}

/// OpenAlgo's sandbox fill rules, evaluated on every tick instead of on a 5-second poll.
///
/// | type | on arrival | while resting |
/// |---|---|---|
/// | MARKET | BUY at ask, SELL at bid (LTP when that side is empty) | – |
/// | LIMIT | marketable (BUY LTP ≤ limit, SELL LTP ≥ limit) → at LTP | at the limit once LTP crosses it |
/// | SL | triggered (BUY LTP ≥ trigger, SELL LTP ≤ trigger) and limit holds → at LTP; triggered only → open | – |
/// | SL-M | triggered → at LTP | – |
///
/// A triggered SL that rests `open` is then a LIMIT at its limit price. A LIMIT never fills
/// worse than its limit (the hub's `trades_respect_limit_price` trigger refuses it too).
public enum FillRule {
    /// The order's state as the rule needs it.
    public struct Order: Sendable, Equatable {
        public var action: OrderAction
        public var priceType: PriceType
        public var limitPrice: Double
        public var triggerPrice: Double
        /// True once an SL/SL-M has triggered (its status is `open`).
        public var triggered: Bool

        public init(action: OrderAction, priceType: PriceType, limitPrice: Double = 0, triggerPrice: Double = 0, triggered: Bool = false) {
            self.action = action
            self.priceType = priceType
            self.limitPrice = limitPrice
            self.triggerPrice = triggerPrice
            self.triggered = triggered
        }
    }

    /// The decision for an order arriving now (`resting == false`) or already resting.
    public static func decide(_ order: Order, on snapshot: PriceSnapshot, resting: Bool) -> FillDecision {
        let last = snapshot.lastPrice
        guard last.isFinite, last > 0, !snapshot.isStale else { return .noPrice }
        let buying = order.action == .buy
        switch order.priceType {
        case .market:
            let side = buying ? snapshot.ask : snapshot.bid
            return .fill(price: side.isFinite && side > 0 ? side : last)
        case .limit:
            return limit(order.limitPrice, buying: buying, last: last, resting: resting)
        case .stopLossLimit:
            if order.triggered { return limit(order.limitPrice, buying: buying, last: last, resting: true) }
            guard triggered(order, last: last) else { return .wait }
            return crosses(order.limitPrice, buying: buying, last: last) ? .fill(price: last) : .trigger
        case .stopLossMarket:
            return order.triggered || triggered(order, last: last) ? .fill(price: last) : .wait
        }
    }

    private static func limit(_ limit: Double, buying: Bool, last: Double, resting: Bool) -> FillDecision {
        guard crosses(limit, buying: buying, last: last) else { return .wait }
        // Arriving marketable: the trade happens at the market; resting: the order was hit at its price.
        return .fill(price: resting ? limit : last)
    }

    private static func crosses(_ limit: Double, buying: Bool, last: Double) -> Bool {
        buying ? last <= limit : last >= limit
    }

    private static func triggered(_ order: Order, last: Double) -> Bool {
        order.action == .buy ? last >= order.triggerPrice : last <= order.triggerPrice
    }
}
