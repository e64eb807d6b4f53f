// SPDX-License-Identifier: Apache-2.0
public import Core
public import Schema

/// The exit bracket's rules: which terms an entry may carry, and what an active bracket does
/// when a price arrives. Pure functions over values, so the table-driven tests cover them without
/// a hub and the broker and the backtester decide alike.
public enum ExitBracketRule {
    public enum Decision: Sendable, Equatable {
        /// Nothing to do.
        case hold
        /// The price made a new best and the trailing stop tightens with it.
        case trail(stop: Double?, best: Double)
        /// The target or the stop is reached: close the position with a MARKET order.
        case exit(ExitBracketRecord.Leg)

        public var isExit: Bool {
            if case .exit = self { return true }
            return false
        }
    }

    /// Checks the bracket terms of an entry before anything is written.
    ///
    /// The reference price is what the entry is expected to fill near: its limit, its trigger
    /// for a stop order, the last price for MARKET. A long's target is above it and its stop
    /// below; a short's the other way round. Prices sit on the instrument's tick; the trailing
    /// distance is a whole number of ticks and smaller than the reference price.
    public static func validate(_ terms: ExitBracketTerms, entry ticket: OrderTicket, instrument: Instrument, market: PriceSnapshot?) throws {
        let reference: Double? =
            switch ticket.priceType {
            case .limit: ticket.price
            case .stopLossLimit, .stopLossMarket: ticket.triggerPrice
            case .market: market?.lastPrice
            }
        guard let reference, reference > 0 else {
            throw OrderRejection.refused(
                "No price is available for \(instrument.symbol) yet; an exit bracket needs one to check its target and stop.")
        }
        let long = ticket.action == .buy
        let side = long ? "a BUY" : "a SELL"
        let shown = OrderValidator.format(reference)
        for (field, value) in [("target", terms.target), ("stoploss", terms.stoploss), ("trailing_sl", terms.trailingPoints)] {
            guard let value else { continue }
            guard value > 0, value.isFinite else { throw OrderRejection.invalid(field, "Must be greater than 0.") }
            guard OrderValidator.isMultiple(value, of: instrument.tickSize) else {
                throw OrderRejection.invalid(
                    field,
                    "\(OrderValidator.format(value)) is not a multiple of the tick size \(OrderValidator.format(instrument.tickSize)) of \(instrument.symbol)."
                )
            }
        }
        if let target = terms.target, long ? target <= reference : target >= reference {
            throw OrderRejection.invalid("target", "The target of \(side) entry must be \(long ? "above" : "below") its price \(shown).")
        }
        if let stoploss = terms.stoploss, long ? stoploss >= reference : stoploss <= reference {
            throw OrderRejection.invalid("stoploss", "The stoploss of \(side) entry must be \(long ? "below" : "above") its price \(shown).")
        }
        if let points = terms.trailingPoints, long, points >= reference {
            throw OrderRejection.invalid("trailing_sl", "The trailing distance must be smaller than the entry price \(shown).")
        }
    }

    /// What an active bracket does at `lastPrice`. The best price and the trailing stop move
    /// first (the stop only ever tightens), then the target, then the stop are checked.
    public static func decide(_ bracket: ExitBracketRecord, lastPrice: Double) -> Decision {
        guard bracket.status == .active, lastPrice > 0 else { return .hold }
        let long = bracket.side == .long
        let previousBest = bracket.bestPrice ?? bracket.entryPrice ?? lastPrice
        let best = long ? max(previousBest, lastPrice) : min(previousBest, lastPrice)
        var stop = bracket.stopPrice
        if let points = bracket.terms.trailingPoints, let entry = bracket.entryPrice {
            // Step trailing, as Indian brokers' bracket orders do: for every `points` the best price
            // gains on the entry, the stop moves `points` from where it started (the stoploss, or
            // `points` from the entry without one).
            let initial = bracket.terms.stoploss ?? (long ? entry - points : entry + points)
            let gained = long ? best - entry : entry - best
            let steps = max(0, (gained / points + 1e-9).rounded(.down))
            let trailed = ((long ? initial + steps * points : initial - steps * points) * 1e6).rounded() / 1e6
            stop = stop.map { long ? max($0, trailed) : min($0, trailed) } ?? trailed
        }
        if let target = bracket.terms.target, long ? lastPrice >= target : lastPrice <= target {
            return .exit(.target)
        }
        if let stop, long ? lastPrice <= stop : lastPrice >= stop {
            return .exit(bracket.terms.trailingPoints == nil ? .stoploss : .trailing)
        }
        // Only a moved stop is worth a write: without trailing the best price changes nothing.
        if stop != bracket.stopPrice { return .trail(stop: stop, best: best) }
        return .hold
    }

    /// The quantity an exit may close: the bracket's, capped by what is still open on its side
    /// (the user may have closed part of the position by hand).
    public static func exitQuantity(_ bracket: ExitBracketRecord, netPosition: Int64) -> Int64 {
        let open = bracket.side == .long ? max(netPosition, 0) : max(-netPosition, 0)
        return min(bracket.quantity, open)
    }
}
