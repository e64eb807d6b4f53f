// SPDX-License-Identifier: Apache-2.0
public import Core

/// The checks that depend only on the order, its instrument and the latest price: the request's
/// own consistency, the contract's rules (lot size, tick size, freeze quantity) and the
/// fat-finger limits. Account state (margin, holdings) is checked later, inside the transaction
/// that writes the order.
public struct OrderValidator: Sendable {
    public var limits: PreTradeLimits

    public init(limits: PreTradeLimits = PreTradeLimits()) {
        self.limits = limits
    }

    /// What the freeze-quantity check may do with an oversized order.
    public enum FreezeHandling: Sendable {
        case reject
        /// The caller splits the order into freeze-sized children (split and basket endpoints).
        case allowSplitting
    }

    /// - Throws: ``OrderRejection`` naming the field at fault.
    public func validate(_ ticket: OrderTicket, instrument: Instrument, market: PriceSnapshot?, freeze: FreezeHandling = .reject) throws {
        try validatePrices(ticket, instrument: instrument)
        try validateQuantity(ticket, instrument: instrument, freeze: freeze)
        try validateAgainstMarket(ticket, market: market)
    }

    func validatePrices(_ ticket: OrderTicket, instrument: Instrument) throws {
        let needsLimit = ticket.priceType == .limit || ticket.priceType == .stopLossLimit
        let needsTrigger = ticket.priceType == .stopLossLimit || ticket.priceType == .stopLossMarket
        let type = ticket.priceType.rawValue
        if needsLimit {
            guard ticket.price > 0 else { throw OrderRejection.invalid("price", "A \(type) order needs a price greater than 0.") }
        } else if ticket.price != 0 {
            throw OrderRejection.invalid("price", "A \(type) order takes no price (send 0); use LIMIT or SL to set one.")
        }
        if needsTrigger {
            guard ticket.triggerPrice > 0 else {
                throw OrderRejection.invalid("trigger_price", "A \(type) order needs a trigger_price greater than 0.")
            }
        } else if ticket.triggerPrice != 0 {
            throw OrderRejection.invalid("trigger_price", "A \(type) order takes no trigger_price (send 0); use SL or SL-M for a stop.")
        }
        if ticket.priceType == .stopLossLimit {
            // A buy stop-limit triggers on the way up and then buys up to its limit; a trigger above
            // the limit could never fill (and mirrored for a sell).
            if ticket.action == .buy, ticket.triggerPrice > ticket.price {
                throw OrderRejection.invalid("trigger_price", "For a BUY SL order the trigger_price must not be above the price.")
            }
            if ticket.action == .sell, ticket.triggerPrice < ticket.price {
                throw OrderRejection.invalid("trigger_price", "For a SELL SL order the trigger_price must not be below the price.")
            }
        }
        for (field, value) in [("price", ticket.price), ("trigger_price", ticket.triggerPrice)] where value > 0 {
            guard Self.isMultiple(value, of: instrument.tickSize) else {
                throw OrderRejection.invalid(
                    field, "\(Self.format(value)) is not a multiple of the tick size \(Self.format(instrument.tickSize)) of \(instrument.symbol).")
            }
        }
    }

    func validateQuantity(_ ticket: OrderTicket, instrument: Instrument, freeze: FreezeHandling) throws {
        guard ticket.quantity > 0 else { throw OrderRejection.invalid("quantity", "Must be greater than 0.") }
        if instrument.lotSize > 1, ticket.quantity % instrument.lotSize != 0 {
            throw OrderRejection.invalid(
                "quantity", "\(ticket.quantity) is not a multiple of the lot size \(instrument.lotSize) of \(instrument.symbol).")
        }
        if ticket.disclosedQuantity < 0 || ticket.disclosedQuantity > ticket.quantity {
            throw OrderRejection.invalid("disclosed_quantity", "Must be between 0 and the quantity.")
        }
        if freeze == .reject, let frozen = instrument.freezeQuantity, frozen > 0, ticket.quantity > frozen {
            throw OrderRejection.invalid(
                "quantity", "\(ticket.quantity) is above the freeze quantity \(frozen) of \(instrument.symbol); use splitorder to send it in parts.")
        }
        if limits.maxOrderQuantity > 0, ticket.quantity > limits.maxOrderQuantity {
            throw OrderRejection.invalid("quantity", "\(ticket.quantity) is above the maximum order quantity \(limits.maxOrderQuantity).")
        }
    }

    func validateAgainstMarket(_ ticket: OrderTicket, market: PriceSnapshot?) throws {
        guard let last = market?.lastPrice, last > 0 else {
            // Without a price a market order has nothing to fill at (OpenAlgo refuses it too).
            if ticket.priceType == .market {
                throw OrderRejection.refused("No price is available for \(ticket.symbol) yet; try again after the first tick.")
            }
            return
        }
        let reference = ticket.price > 0 ? ticket.price : (ticket.triggerPrice > 0 ? ticket.triggerPrice : last)
        if limits.maxOrderValue > 0, Double(ticket.quantity) * reference > limits.maxOrderValue {
            throw OrderRejection.invalid(
                "quantity",
                "The order's value ₹\(Self.format(Double(ticket.quantity) * reference)) is above the maximum ₹\(Self.format(limits.maxOrderValue)).")
        }
        if ticket.triggerPrice > 0 {
            // A stop is a promise about a future move: a buy stop below the market (or a sell stop
            // above it) would trigger at once, which is almost always a typo for a LIMIT.
            if ticket.action == .buy, ticket.triggerPrice < last {
                throw OrderRejection.invalid("trigger_price", "A BUY stop's trigger_price must be at or above the last price \(Self.format(last)).")
            }
            if ticket.action == .sell, ticket.triggerPrice > last {
                throw OrderRejection.invalid("trigger_price", "A SELL stop's trigger_price must be at or below the last price \(Self.format(last)).")
            }
        }
        guard limits.priceBandPercent > 0 else { return }
        for (field, value) in [("price", ticket.price), ("trigger_price", ticket.triggerPrice)] where value > 0 {
            let distance = abs(value - last) / last * 100
            if distance > limits.priceBandPercent {
                throw OrderRejection.invalid(
                    field,
                    "\(Self.format(value)) is \(Self.format(distance))% away from the last price \(Self.format(last)); the price band is ±\(Self.format(limits.priceBandPercent))%."
                )
            }
        }
    }

    static func isMultiple(_ value: Double, of tick: Double) -> Bool {
        guard tick > 0 else { return true }
        let ticks = value / tick
        return abs(ticks - ticks.rounded()) < 1e-6
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}
