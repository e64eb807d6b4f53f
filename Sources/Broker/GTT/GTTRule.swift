// SPDX-License-Identifier: Apache-2.0
public import Core
public import Schema

/// When a GTT fires, and what it then orders.
///
/// A single trigger fires when the last price reaches it from the side it was on when the GTT was
/// placed (a trigger above the market fires on a rise, below it on a fall). A two-leg (OCO)
/// trigger fires its stoploss leg at or below the lower trigger and its target leg at or above the
/// upper one — whichever comes first, and only that one.
public enum GTTRule {
    public enum Leg: String, Sendable, Equatable {
        case single, stoploss, target
    }

    public static func leg(_ gtt: GTTRecord, lastPrice: Double) -> Leg? {
        guard lastPrice.isFinite, lastPrice > 0 else { return nil }
        switch gtt.kind {
        case .single:
            let rising = gtt.triggerPrice >= gtt.lastPrice
            return (rising ? lastPrice >= gtt.triggerPrice : lastPrice <= gtt.triggerPrice) ? .single : nil
        case .twoLeg:
            if lastPrice <= gtt.triggerPrice { return .stoploss }
            if let target = gtt.targetTrigger, lastPrice >= target { return .target }
            return nil
        }
    }

    /// The order a fired leg places.
    public static func ticket(_ gtt: GTTRecord, leg: Leg) -> OrderTicket {
        let limit = leg == .target ? (gtt.targetPrice ?? 0) : gtt.price
        let market = gtt.priceType == .market || limit <= 0
        return OrderTicket(
            strategy: gtt.strategy, exchange: gtt.exchange, symbol: gtt.symbol, action: gtt.action, quantity: gtt.quantity,
            priceType: market ? .market : .limit, product: gtt.product, price: market ? 0 : limit)
    }
}
