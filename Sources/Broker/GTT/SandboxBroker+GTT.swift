// SPDX-License-Identifier: Apache-2.0
public import Core
import Logging
public import Schema
import Synchronization

/// A GTT as a caller describes it, before it is checked against the instrument and the market.
public struct GTTTicket: Sendable, Equatable {
    public var strategy: String
    public var kind: GTTRecord.Kind
    public var exchange: String
    public var symbol: String
    public var action: OrderAction
    public var product: Product
    public var quantity: Int64
    public var priceType: PriceType
    /// Single: the trigger; two-leg: the stoploss leg's trigger.
    public var triggerPrice: Double
    /// Single: the order's limit; two-leg: the stoploss leg's limit.
    public var price: Double
    public var targetTrigger: Double?
    public var targetPrice: Double?
    /// The hub's UTC timestamp form, or nil for no expiry.
    public var expiresAt: String?

    public init(
        strategy: String, kind: GTTRecord.Kind, exchange: String, symbol: String, action: OrderAction, product: Product, quantity: Int64,
        priceType: PriceType, triggerPrice: Double, price: Double, targetTrigger: Double? = nil, targetPrice: Double? = nil,
        expiresAt: String? = nil
    ) {
        self.strategy = strategy
        self.kind = kind
        self.exchange = exchange
        self.symbol = symbol
        self.action = action
        self.product = product
        self.quantity = quantity
        self.priceType = priceType
        self.triggerPrice = triggerPrice
        self.price = price
        self.targetTrigger = targetTrigger
        self.targetPrice = targetPrice
        self.expiresAt = expiresAt
    }
}

extension SandboxBroker {
    var activeGTTCount: Int { watches.withLock { $0.gtts.values.reduce(0) { $0 + $1.count } } }

    func watch(_ gtt: GTTRecord) {
        watches.withLock { $0.gtts[gtt.instrumentID, default: [:]][gtt.rowID] = gtt }
    }

    func unwatch(_ gtt: GTTRecord) {
        watches.withLock { watches in
            watches.gtts[gtt.instrumentID]?[gtt.rowID] = nil
            if watches.gtts[gtt.instrumentID]?.isEmpty == true { watches.gtts[gtt.instrumentID] = nil }
        }
    }

    /// Checks a GTT and stores it on the user's default sandbox account.
    public func placeGTT(_ ticket: GTTTicket, userID: Int64) async throws -> GTTRecord {
        let terms = try gttTerms(ticket)
        let triggerID = "GTT-" + orderIDs.next()
        let record = try await store.trade { ledger in
            guard let account = try ledger.defaultAccount(userID: userID), account.isActive, account.isSandbox else {
                throw OrderRejection.refused("GTTs are kept by the sandbox account, and the user's default account is not one.")
            }
            return try ledger.insertGTT(triggerID: triggerID, accountID: account.id, terms)
        }
        watch(record)
        return record
    }

    /// Replaces an active GTT's terms (OpenAlgo's modify is a full replacement).
    public func modifyGTT(triggerID: String, userID: Int64, to ticket: GTTTicket) async throws -> GTTRecord {
        let terms = try gttTerms(ticket)
        let (old, new) = try await store.trade { ledger in
            let current = try Self.ownedGTT(triggerID, userID: userID, in: ledger)
            guard current.status == .active else {
                throw OrderRejection(.conflict, field: "trigger_id", "GTT \(triggerID) is \(current.status.rawValue) and can no longer be modified.")
            }
            try ledger.replaceGTT(current, with: terms)
            return (current, try ledger.gtt(rowID: current.rowID) ?? current)
        }
        unwatch(old)
        watch(new)
        return new
    }

    public func cancelGTT(triggerID: String, userID: Int64) async throws -> GTTRecord {
        let record = try await store.trade { ledger in
            let current = try Self.ownedGTT(triggerID, userID: userID, in: ledger)
            guard current.status == .active else {
                throw OrderRejection(.conflict, field: "trigger_id", "GTT \(triggerID) is \(current.status.rawValue) and cannot be cancelled.")
            }
            try ledger.finishGTT(current, as: .cancelled)
            return try ledger.gtt(rowID: current.rowID) ?? current
        }
        unwatch(record)
        return record
    }

    /// Fires the GTTs these prices reach: each in its own transaction with the order it places,
    /// so a GTT fires exactly once (the hub refuses any change to a GTT that is no longer active).
    func fireGTTs(_ snapshots: [PriceSnapshot]) async {
        let now = HubTimestamp.utc(nanos: clock.nowNanos())
        for snapshot in snapshots {
            let candidates = watches.withLock { $0.gtts[snapshot.instrumentID].map { Array($0.values) } ?? [] }.sorted { $0.rowID < $1.rowID }
            for gtt in candidates {
                let expired = gtt.expiresAt.map { $0 <= now } ?? false
                guard expired || GTTRule.leg(gtt, lastPrice: snapshot.lastPrice) != nil else { continue }
                do {
                    try await fire(gtt, on: snapshot, expired: expired)
                } catch {
                    logger.error("a GTT could not fire", metadata: ["trigger_id": "\(gtt.triggerID)", "error": "\(error)"])
                }
            }
        }
    }

    private func fire(_ watched: GTTRecord, on snapshot: PriceSnapshot, expired: Bool) async throws {
        let rules = currentRules
        let instruments = self.instruments
        let orderID = orderIDs.next()
        let nanos = clock.nowNanos()
        let tradeID = Self.tradeID(nanos: nanos)
        let tradedAt = HubTimestamp.utc(nanos: nanos)
        let placed: LedgerOrder? = try await store.trade { ledger in
            guard let gtt = try ledger.gtt(rowID: watched.rowID), gtt.status == .active else { return nil }
            if expired {
                try ledger.finishGTT(gtt, as: .expired)
                return nil
            }
            guard let leg = GTTRule.leg(gtt, lastPrice: snapshot.lastPrice) else { return nil }
            let ticket = GTTRule.ticket(gtt, leg: leg)
            do {
                guard let instrument = instruments.instrument(id: gtt.instrumentID), let account = try ledger.account(id: gtt.accountID) else {
                    throw OrderRejection.refused("The GTT's instrument or account no longer exists.")
                }
                try OrderValidator(limits: rules.limits).validate(ticket, instrument: instrument, market: snapshot)
                let admission = Admission(
                    ticket: ticket, instrument: instrument, market: snapshot, rules: rules, orderID: orderID, tradeID: tradeID,
                    pastCutOff: false, source: "gtt", tradedAt: tradedAt)
                let order = try admission.write(on: account, in: ledger)
                try ledger.markGTTTriggered(gtt, leg: leg.rawValue, orderRowID: order.rowID)
                return order
            } catch let rejection as OrderRejection {
                // Checks come before any write, so nothing of the order was written.
                try ledger.finishGTT(gtt, as: .rejected, reason: rejection.message)
                return nil
            }
        }
        unwatch(watched)
        if let placed, !placed.status.isFinal, let instrumentID = placed.instrumentID {
            resting.insert(rowID: placed.rowID, instrumentID: instrumentID, rule: Self.rule(for: placed))
        }
    }

    private func gttTerms(_ ticket: GTTTicket) throws -> GTTTerms {
        let instrument = try resolve(
            OrderTicket(exchange: ticket.exchange, symbol: ticket.symbol, action: ticket.action, quantity: ticket.quantity))
        guard ticket.product == .cnc || ticket.product == .nrml else { throw OrderRejection.invalid("product", "A GTT takes CNC or NRML.") }
        guard ticket.priceType == .limit || ticket.priceType == .market else {
            throw OrderRejection.invalid("pricetype", "A GTT's order is LIMIT or MARKET.")
        }
        guard let last = prices.snapshot(instrumentID: instrument.id)?.lastPrice, last > 0 else {
            throw OrderRejection.refused("No price is available for \(instrument.symbol) yet; a GTT needs one to know which way its trigger is.")
        }
        guard ticket.triggerPrice > 0 else { throw OrderRejection.invalid("triggerprice_sl", "A GTT needs a trigger price greater than 0.") }
        var prices = [("trigger price", ticket.triggerPrice)]
        if ticket.priceType == .limit {
            guard ticket.price > 0 else { throw OrderRejection.invalid("price", "A LIMIT GTT needs a price greater than 0.") }
            prices.append(("price", ticket.price))
        }
        if ticket.kind == .twoLeg {
            guard let target = ticket.targetTrigger, target > 0, let targetPrice = ticket.targetPrice, targetPrice > 0, ticket.price > 0 else {
                throw OrderRejection.invalid("target", "An OCO GTT needs triggerprice_sl, triggerprice_tg, stoploss and target, all greater than 0.")
            }
            guard ticket.triggerPrice < target else {
                throw OrderRejection.invalid("triggerprice_sl", "An OCO GTT's stoploss trigger must be below its target trigger.")
            }
            guard ticket.triggerPrice < last, last < target else {
                throw OrderRejection.invalid(
                    "triggerprice_sl", "The last price \(OrderValidator.format(last)) must lie between the stoploss and target triggers.")
            }
            prices += [("target trigger", target), ("target", targetPrice)]
        }
        for (name, value) in prices where !OrderValidator.isMultiple(value, of: instrument.tickSize) {
            throw OrderRejection.invalid(
                name == "target" || name == "target trigger" ? "target" : (name == "price" ? "price" : "triggerprice_sl"),
                "The \(name) \(OrderValidator.format(value)) is not a multiple of the tick size \(OrderValidator.format(instrument.tickSize)).")
        }
        try OrderValidator(limits: currentRules.limits).validateQuantity(
            OrderTicket(exchange: ticket.exchange, symbol: ticket.symbol, action: ticket.action, quantity: ticket.quantity, product: ticket.product),
            instrument: instrument, freeze: .reject)
        return GTTTerms(
            strategy: ticket.strategy, kind: ticket.kind, instrument: instrument, action: ticket.action, product: ticket.product,
            quantity: ticket.quantity, priceType: ticket.priceType, triggerPrice: ticket.triggerPrice,
            price: ticket.priceType == .market && ticket.kind == .single ? 0 : ticket.price,
            targetTrigger: ticket.kind == .twoLeg ? ticket.targetTrigger : nil,
            targetPrice: ticket.kind == .twoLeg ? ticket.targetPrice : nil, lastPrice: last, expiresAt: ticket.expiresAt)
    }

    private static func ownedGTT(_ triggerID: String, userID: Int64, in ledger: borrowing TradingLedger) throws -> GTTRecord {
        guard let gtt = try ledger.gtt(triggerID: triggerID), gtt.userID == userID else {
            throw OrderRejection(.notFound, field: "trigger_id", "GTT \(triggerID) not found")
        }
        return gtt
    }
}
