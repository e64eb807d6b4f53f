// SPDX-License-Identifier: Apache-2.0
import Broker
import Core
import Foundation

/// The sandbox broker's matching rules without its ledger: orders are validated by the same
/// ``OrderValidator``, decided by the same ``FillRule`` against the simulated quote, and filled whole,
/// as the sandbox does. Working orders rest until a later price crosses them.
struct BacktestMatcher {
    struct Working {
        var request: StrategyOrderRequest
        var orderID: String
        var triggered = false
    }

    /// What happened to one order: events for the strategy, in order.
    enum Outcome {
        case update(StrategyOrderUpdate)
        case fill(StrategyFill, StrategyOrderUpdate)
    }

    private(set) var working: [Int64: Working] = [:]
    private var nextOrderNumber = 1
    var validator = OrderValidator()

    /// Places `request` at the current quote: refused, filled, or resting.
    mutating func place(_ request: StrategyOrderRequest, desk: BacktestDesk) -> [Outcome] {
        let orderID = String(format: "BT%08d", nextOrderNumber)
        nextOrderNumber += 1
        let instrument = desk.ensureInstrument(request.symbol)
        let quote = desk.quote(request.symbol)
        let ticket = OrderTicket(
            exchange: request.symbol.exchange, symbol: request.symbol.symbol, action: request.action, quantity: request.quantity,
            priceType: request.priceType, product: request.product, price: request.price, triggerPrice: request.triggerPrice)
        do {
            try validator.validate(ticket, instrument: instrument, market: quote)
            guard desk.isMarketOpen(request.symbol.exchange) else {
                throw OrderRejection.refused("The market for \(request.symbol.exchange) is closed at this time.")
            }
        } catch {
            return [.update(update(request, orderID: orderID, status: "rejected", reason: "\(error)"))]
        }
        var order = Working(request: request, orderID: orderID)
        if let outcome = decide(&order, desk: desk, resting: false) { return [outcome] }
        working[request.ref] = order
        return [
            .update(update(request, orderID: orderID, status: order.triggered ? "open" : request.priceType == .limit ? "open" : "trigger pending"))
        ]
    }

    mutating func cancel(ref: Int64) -> [Outcome] {
        guard let order = working.removeValue(forKey: ref) else { return [] }
        return [.update(update(order.request, orderID: order.orderID, status: "cancelled"))]
    }

    mutating func modify(ref: Int64, quantity: Int64?, priceType: PriceType?, price: Double?, triggerPrice: Double?, desk: BacktestDesk) -> [Outcome]
    {
        guard var order = working[ref] else { return [] }
        if let quantity { order.request.quantity = quantity }
        if let priceType { order.request.priceType = priceType }
        if let price { order.request.price = price }
        if let triggerPrice { order.request.triggerPrice = triggerPrice }
        if let outcome = decide(&order, desk: desk, resting: true) {
            working[ref] = nil
            return [outcome]
        }
        working[ref] = order
        return [
            .update(
                update(
                    order.request, orderID: order.orderID, status: order.triggered || order.request.priceType == .limit ? "open" : "trigger pending"))
        ]
    }

    /// Checks the resting orders of `symbol` against its new quote, oldest first.
    mutating func match(_ symbol: StrategySymbol, desk: BacktestDesk) -> [Outcome] {
        guard !working.isEmpty else { return [] }
        var outcomes: [Outcome] = []
        for ref in working.keys.sorted() where working[ref]?.request.symbol == symbol {
            guard var order = working[ref] else { continue }
            if let outcome = decide(&order, desk: desk, resting: true) {
                working[ref] = nil
                outcomes.append(outcome)
            } else {
                working[ref] = order
            }
        }
        return outcomes
    }

    private func decide(_ order: inout Working, desk: BacktestDesk, resting: Bool) -> Outcome? {
        guard let quote = desk.quote(order.request.symbol) else { return nil }
        let rule = FillRule.Order(
            action: order.request.action, priceType: order.request.priceType, limitPrice: order.request.price,
            triggerPrice: order.request.triggerPrice,
            triggered: order.triggered)
        switch FillRule.decide(rule, on: quote, resting: resting) {
        case .fill(let price):
            let fill = StrategyFill(
                ref: order.request.ref, orderID: order.orderID, symbol: order.request.symbol, action: order.request.action,
                quantity: order.request.quantity, price: price, timeNanos: desk.nowNanos, tag: order.request.tag)
            let done = update(order.request, orderID: order.orderID, status: "complete", filled: order.request.quantity, price: price)
            return .fill(fill, done)
        case .trigger:
            order.triggered = true
            return nil
        case .wait, .noPrice:
            return nil
        }
    }

    private func update(
        _ request: StrategyOrderRequest, orderID: String, status: String, reason: String = "", filled: Int64 = 0, price: Double = 0
    ) -> StrategyOrderUpdate {
        StrategyOrderUpdate(
            ref: request.ref, orderID: orderID, symbol: request.symbol, action: request.action, quantity: request.quantity, status: status,
            filledQuantity: filled, averagePrice: price, reason: reason, tag: request.tag)
    }
}
