// SPDX-License-Identifier: Apache-2.0
import Core
import Logging
import Schema

extension UpstreamDesk {
    /// Places `ticket` on upstream `account` (see the type's notes for the order of writes and
    /// sends) and returns the row as acknowledged.
    /// - Parameter parent: the order this one mirrors.
    /// - Throws: ``OrderRejection`` before anything is written, ``UpstreamError`` after the row was
    ///   closed as `rejected` with the reason.
    func placeOne(_ ticket: OrderTicket, on account: RouteAccount, parent: Int64?, source: String) async throws -> LedgerOrder {
        guard account.isActive else { throw OrderRejection.refused("Account '\(account.name)' is disabled (`realalgo account enable`).") }
        // The sandbox enforces exit brackets on its own fills; an upstream's fills arrive later and
        // may be partial, so a bracket there would promise what RealAlgo cannot keep yet.
        guard ticket.exitBracket == nil else {
            throw OrderRejection.invalid(
                "target", "Exit brackets (target, stoploss, trailing_sl) are kept on sandbox orders only; '\(account.name)' is an upstream account.")
        }
        let instrument = instruments.instrument(symbol: ticket.symbol, exchange: ticket.exchange)
        try Self.checkShape(ticket, instrument: instrument)
        let new = NewOrder(
            orderID: orderIDs.next(), accountID: account.id, strategyTag: ticket.strategy, exchange: ExchangeCode(rawValue: ticket.exchange),
            symbol: ticket.symbol, instrumentID: instrument?.id, action: ticket.action, quantity: Int(ticket.quantity),
            priceType: ticket.priceType, product: ticket.product, price: ticket.price, triggerPrice: ticket.triggerPrice, source: source,
            disclosedQuantity: Int(ticket.disclosedQuantity), strategyID: ticket.strategyID, runID: ticket.runID)
        let pending: LedgerOrder
        do { pending = try await store.upstreamOrders.recordPending(new, parentRowID: parent) } catch let error as StoreError
            where error.code == .constraint
        {
            // The hub's rules (an index exchange, a disclosed quantity above the quantity) refuse it.
            throw OrderRejection.refused(error.message)
        }
        do {
            let brokerOrderID = try await client(for: account).placeOrder(ticket)
            let working: OrderStatus = ticket.priceType == .stopLossLimit || ticket.priceType == .stopLossMarket ? .triggerPending : .open
            let acknowledged = try await store.upstreamOrders.acknowledge(rowID: pending.rowID, brokerOrderID: brokerOrderID, status: working)
            logger.info(
                "order sent upstream",
                metadata: ["orderid": "\(acknowledged.orderID)", "account": "\(account.name)", "broker_orderid": "\(brokerOrderID)"])
            reconcileSoon(account.id)
            return acknowledged
        } catch let error as UpstreamError {
            try await store.upstreamOrders.reject(rowID: pending.rowID, reason: error.description)
            logger.warning("upstream order rejected", metadata: ["orderid": "\(pending.orderID)", "reason": "\(error)"])
            throw error
        }
    }

    /// Places `ticket` on `account` and then a copy on each of its active mirror targets (quantity
    /// × the mirror's multiplier), all targets at once. A target's failure is recorded on its own
    /// row and reported; it never undoes the source or the other targets. Nothing is mirrored
    /// when the source order was refused.
    func place(_ ticket: OrderTicket, on account: RouteAccount, source: String) async throws -> RoutedOrder {
        let order = try await placeOne(ticket, on: account, parent: nil, source: source)
        let targets = try await store.accountMirrors.activeTargets(of: account.id)
        guard !targets.isEmpty else { return RoutedOrder(order: order) }
        let mirrors = await withTaskGroup(of: (Int, MirrorResult).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask {
                    var copy = ticket
                    copy.quantity = ticket.quantity * target.multiplier
                    copy.disclosedQuantity = ticket.disclosedQuantity * target.multiplier
                    do {
                        guard let targetAccount = try await self.store.accounts.routeAccount(id: target.targetAccountID) else {
                            throw OrderRejection.refused("the account no longer exists")
                        }
                        let placed = try await self.placeOne(copy, on: targetAccount, parent: order.rowID, source: source)
                        return (index, MirrorResult(account: target.targetName, quantity: copy.quantity, order: placed, error: nil))
                    } catch {
                        self.logger.warning(
                            "mirror order failed", metadata: ["orderid": "\(order.orderID)", "target": "\(target.targetName)", "error": "\(error)"])
                        return (index, MirrorResult(account: target.targetName, quantity: copy.quantity, order: nil, error: "\(error)"))
                    }
                }
            }
            var results: [(Int, MirrorResult)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return RoutedOrder(order: order, mirrors: mirrors)
    }

    /// Sends a modification of `order` (working, acknowledged) to its upstream, then records it;
    /// working mirror copies follow with their quantity scaled the same way.
    func modify(_ order: LedgerOrder, on account: RouteAccount, to ticket: OrderTicket, propagate: Bool = true) async throws -> LedgerOrder {
        let brokerOrderID = try Self.acknowledgedID(order)
        guard order.exchange == ticket.exchange, order.symbol == ticket.symbol, order.action == ticket.action, order.product == ticket.product else {
            throw OrderRejection(
                .invalid, field: "symbol",
                "modifyorder changes quantity, price type and prices only; the exchange, symbol, action and product must match order \(order.orderID)."
            )
        }
        try Self.checkShape(ticket, instrument: instruments.instrument(symbol: ticket.symbol, exchange: ticket.exchange))
        try await client(for: account).modifyOrder(brokerOrderID, to: ticket)
        let modified = try await store.upstreamOrders.modify(
            rowID: order.rowID, quantity: ticket.quantity, priceType: ticket.priceType, price: ticket.price, triggerPrice: ticket.triggerPrice,
            disclosedQuantity: ticket.disclosedQuantity)
        reconcileSoon(account.id)
        if propagate {
            for copy in try await store.upstreamOrders.mirrorCopies(of: order.rowID) where !copy.status.isFinal {
                let ratio = max(1, copy.quantity / max(1, order.quantity))
                var scaled = ticket
                scaled.quantity = ticket.quantity * ratio
                scaled.disclosedQuantity = ticket.disclosedQuantity * ratio
                do {
                    guard let target = try await store.accounts.routeAccount(id: copy.accountID) else { continue }
                    _ = try await modify(copy, on: target, to: scaled, propagate: false)
                } catch {
                    logger.warning("mirror modify failed", metadata: ["orderid": "\(copy.orderID)", "error": "\(error)"])
                }
            }
        }
        return modified
    }

    /// Cancels `order` at its upstream, then records it; working mirror copies are cancelled too.
    func cancel(_ order: LedgerOrder, on account: RouteAccount, propagate: Bool = true) async throws -> LedgerOrder {
        let brokerOrderID = try Self.acknowledgedID(order)
        try await client(for: account).cancelOrder(brokerOrderID, strategy: order.strategy.isEmpty ? "RealAlgo" : order.strategy)
        let cancelled = try await store.upstreamOrders.cancel(rowID: order.rowID)
        reconcileSoon(account.id)
        if propagate {
            for copy in try await store.upstreamOrders.mirrorCopies(of: order.rowID) where !copy.status.isFinal {
                do {
                    guard let target = try await store.accounts.routeAccount(id: copy.accountID) else { continue }
                    _ = try await cancel(copy, on: target, propagate: false)
                } catch {
                    logger.warning("mirror cancel failed", metadata: ["orderid": "\(copy.orderID)", "error": "\(error)"])
                }
            }
        }
        return cancelled
    }

    static func acknowledgedID(_ order: LedgerOrder) throws -> String {
        guard !order.status.isFinal else {
            throw OrderRejection(.conflict, field: "orderid", "Order \(order.orderID) is \(order.status.rawValue) and can no longer be changed.")
        }
        guard let id = order.brokerOrderID else {
            throw OrderRejection(.conflict, field: "orderid", "Order \(order.orderID) has not been acknowledged by its upstream yet; try again.")
        }
        return id
    }

    /// The checks that keep a row the hub accepts: prices against the order type (with the
    /// instrument's tick size when RealAlgo knows it; the upstream checks the rest).
    static func checkShape(_ ticket: OrderTicket, instrument: Instrument?) throws {
        if let instrument {
            try OrderValidator().validatePrices(ticket, instrument: instrument)
        } else {
            let needsLimit = ticket.priceType == .limit || ticket.priceType == .stopLossLimit
            let needsTrigger = ticket.priceType == .stopLossLimit || ticket.priceType == .stopLossMarket
            if needsLimit != (ticket.price > 0) {
                throw OrderRejection.invalid(
                    "price",
                    needsLimit
                        ? "A \(ticket.priceType.rawValue) order needs a price greater than 0."
                        : "A \(ticket.priceType.rawValue) order takes no price (send 0).")
            }
            if needsTrigger != (ticket.triggerPrice > 0) {
                throw OrderRejection.invalid(
                    "trigger_price",
                    needsTrigger
                        ? "A \(ticket.priceType.rawValue) order needs a trigger_price greater than 0."
                        : "A \(ticket.priceType.rawValue) order takes no trigger_price (send 0).")
            }
        }
        guard ticket.disclosedQuantity <= ticket.quantity else {
            throw OrderRejection.invalid("disclosed_quantity", "Must not be above the quantity.")
        }
    }
}
