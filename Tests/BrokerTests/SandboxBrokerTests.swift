import Core
import Logging
import Schema
import Testing

// SPDX-License-Identifier: Apache-2.0
@testable import Broker

/// The sandbox broker against a real hub: what each order does to orders, trades, positions,
/// margin and funds, and what it refuses without writing anything.
@Suite(.serialized)
struct SandboxBrokerTests {
    static let capital = 10_000_000.0

    func withHarness(
        rules: SandboxRules = SandboxRules(), nowNanos: Int64 = SandboxHarness.marketOpenNanos, _ body: (SandboxHarness) async throws -> Void
    )
        async throws
    {
        let harness = try await SandboxHarness.make(rules: rules, nowNanos: nowNanos)
        defer { harness.close() }
        try await body(harness)
    }

    @Test func marketOrderFillsAtTheTouchInTheSameTransaction() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800, bid: 799.9, ask: 800.1)
            let order = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 10, product: .mis), userID: harness.userID)
            #expect(order.status == .complete)
            #expect(order.averagePrice == 800.1)
            #expect(order.orderID.count == 15)
            let position = try await harness.position("SBIN")
            #expect(position.netQuantity == 10)
            // MIS equity at 5×: 10 × 800.1 / 5 blocked for the position.
            #expect(abs(position.marginBlocked - 1_600.2) < 1e-6)
            let funds = try await harness.funds()
            #expect(abs(funds.used - 1_600.2) < 1e-6)
            #expect(abs(funds.available - (Self.capital - 1_600.2)) < 1e-6)
        }
    }

    @Test func restingLimitFillsOnTheFirstTickThatCrossesIt() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let order = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 5, priceType: .limit, product: .cnc, price: 790),
                userID: harness.userID)
            #expect(order.status == .open)
            #expect(order.marginBlocked == 3_950)  // CNC at 1×: 5 × 790
            #expect(harness.broker.restingOrderCount == 1)
            try await harness.tick("SBIN", last: 795)
            #expect(try await harness.count("trades") == 0)
            try await harness.tick("SBIN", last: 789.5)
            #expect(try await harness.count("trades") == 1)
            #expect(harness.broker.restingOrderCount == 0)
            let position = try await harness.position("SBIN", product: .cnc)
            #expect(position.netQuantity == 5)
            #expect(position.averagePrice == 790)  // at its limit, not the tick's price
            let funds = try await harness.funds()
            #expect(abs(funds.used - 3_950) < 1e-6)
        }
    }

    @Test func stopLossTriggersThenFills() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            _ = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 10, product: .mis), userID: harness.userID)
            let stop = try await harness.broker.place(
                OrderTicket(
                    exchange: "NSE", symbol: "SBIN", action: .sell, quantity: 10, priceType: .stopLossLimit, product: .mis, price: 789,
                    triggerPrice: 790), userID: harness.userID)
            #expect(stop.status == .triggerPending)
            try await harness.tick("SBIN", last: 788.5)  // triggered, but below the 789 limit: rests open
            let triggered = try await harness.store.trade { ledger in try ledger.order(orderID: stop.orderID) }
            #expect(triggered?.status == .open)
            try await harness.tick("SBIN", last: 789.2)
            let filled = try await harness.store.trade { ledger in try ledger.order(orderID: stop.orderID) }
            #expect(filled?.status == .complete)
            #expect(filled?.averagePrice == 789)
            let position = try await harness.position("SBIN")
            #expect(position.netQuantity == 0)
            let funds = try await harness.funds()
            #expect(abs(funds.used) < 1e-6)
            #expect(abs(funds.realized - 10 * (789 - 800)) < 1e-6)
        }
    }

    @Test func cancelReleasesTheMarginAndAFilledOrderCannotBeCancelled() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let order = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 100, priceType: .limit, product: .mis, price: 780),
                userID: harness.userID)
            #expect(try await harness.funds().used == 15_600)
            let cancelled = try await harness.broker.cancel(orderID: order.orderID, userID: harness.userID)
            #expect(cancelled.status == .cancelled)
            #expect(try await harness.funds().used == 0)
            #expect(harness.broker.restingOrderCount == 0)
            await #expect(throws: OrderRejection.self) { try await harness.broker.cancel(orderID: order.orderID, userID: harness.userID) }
            await #expect(throws: OrderRejection.self) { try await harness.broker.cancel(orderID: "999999999999999", userID: harness.userID) }
        }
    }

    @Test func modifyRepricesAndFillsWhenMarketable() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let order = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 10, priceType: .limit, product: .mis, price: 780),
                userID: harness.userID)
            let repriced = try await harness.broker.modify(
                orderID: order.orderID, userID: harness.userID,
                to: OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 20, priceType: .limit, product: .mis, price: 785))
            #expect(repriced.status == .open)
            #expect(repriced.quantity == 20)
            #expect(abs(try await harness.funds().used - 20 * 785 / 5) < 1e-6)
            let filled = try await harness.broker.modify(
                orderID: order.orderID, userID: harness.userID,
                to: OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 20, priceType: .limit, product: .mis, price: 801))
            #expect(filled.status == .complete)
            #expect(filled.averagePrice == 800)
            await #expect(throws: OrderRejection.self) {
                try await harness.broker.modify(
                    orderID: order.orderID, userID: harness.userID,
                    to: OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 20, priceType: .limit, product: .mis, price: 790))
            }
        }
    }

    @Test func refusalsWriteNothing() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let tickets: [(OrderTicket, String)] = [
                (OrderTicket(exchange: "NSE", symbol: "NOPE", action: .buy, quantity: 1), "unknown symbol"),
                (OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 1, price: 800), "price on MARKET"),
                (OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 1, priceType: .stopLossMarket), "SL-M without trigger"),
                (OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 1, priceType: .limit, price: 800.03), "off the tick"),
                (OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 1, priceType: .limit, price: 1_200), "outside the band"),
                (
                    OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 1, priceType: .stopLossMarket, triggerPrice: 790),
                    "buy stop below the market"
                ),
                (
                    OrderTicket(
                        exchange: "NSE", symbol: "SBIN", action: .sell, quantity: 1, priceType: .stopLossLimit, price: 795, triggerPrice: 790),
                    "sell SL trigger below limit"
                ),
                (OrderTicket(exchange: "NSE", symbol: "SBIN", action: .sell, quantity: 5, product: .cnc), "CNC sell without holdings"),
                (OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 100_000, product: .cnc), "insufficient funds"),
                (OrderTicket(exchange: "NSE_INDEX", symbol: "NIFTY", action: .buy, quantity: 1), "index is quote-only"),
            ]
            for (ticket, why) in tickets {
                await #expect(throws: OrderRejection.self, "\(why)") { try await harness.broker.place(ticket, userID: harness.userID) }
            }
            #expect(try await harness.count("orders") == 0)
            #expect(try await harness.funds().used == 0)
        }
    }

    @Test func futuresNeedWholeLotsAndBlockTenPercent() async throws {
        try await withHarness { harness in
            let future = try harness.futureOf("NIFTY")
            try harness.price(future.symbol, "NFO", last: 26_000)
            await #expect(throws: OrderRejection.self) {
                try await harness.broker.place(
                    OrderTicket(exchange: "NFO", symbol: future.symbol, action: .buy, quantity: 10, product: .nrml), userID: harness.userID)
            }
            let order = try await harness.broker.place(
                OrderTicket(exchange: "NFO", symbol: future.symbol, action: .sell, quantity: future.lotSize, product: .nrml), userID: harness.userID)
            #expect(order.status == .complete)
            #expect(abs(try await harness.funds().used - Double(future.lotSize) * 26_000 / 10) < 1e-6)
        }
    }

    @Test func reversalBlocksOnlyTheExcess() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            _ = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 10, product: .mis), userID: harness.userID)
            let reverse = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .sell, quantity: 30, priceType: .limit, product: .mis, price: 810),
                userID: harness.userID)
            #expect(reverse.marginBlocked == 20 * 810 / 5)
        }
    }

    @Test func killSwitchLetsOnlyReducingOrdersThrough() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            _ = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 10, product: .mis), userID: harness.userID)
            var rules = harness.broker.currentRules
            rules.killSwitch = true
            harness.broker.updateRules(rules)
            await #expect(throws: OrderRejection.self) {
                try await harness.broker.place(
                    OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 1, product: .mis), userID: harness.userID)
            }
            let close = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .sell, quantity: 10, product: .mis), userID: harness.userID)
            #expect(close.status == .complete)
        }
    }

    @Test func closedMarketRefusesOrders() async throws {
        // Saturday 2026-11-21, 11:00 IST.
        try await withHarness(nowNanos: 1_795_239_000 * 1_000_000_000) { harness in
            try harness.price("SBIN", last: 800)
            await #expect(throws: OrderRejection.self) {
                try await harness.broker.place(OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 1), userID: harness.userID)
            }
            #expect(try await harness.count("orders") == 0)
        }
    }

    @Test func closeAllAndCancelAll() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            try harness.price("INFY", last: 1_500)
            _ = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 10, product: .mis), userID: harness.userID)
            _ = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "INFY", action: .sell, quantity: 4, product: .mis), userID: harness.userID)
            _ = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "INFY", action: .buy, quantity: 1, priceType: .limit, product: .mis, price: 1_400),
                userID: harness.userID)
            let (cancelled, failed) = try await harness.broker.cancelAll(userID: harness.userID)
            #expect(cancelled.count == 1)
            #expect(failed.isEmpty)
            let closing = try await harness.broker.closeAllPositions(userID: harness.userID, strategy: "Python")
            #expect(closing.count == 2)
            #expect(try await harness.position("SBIN").netQuantity == 0)
            #expect(try await harness.position("INFY").netQuantity == 0)
            #expect(abs(try await harness.funds().used) < 1e-6)
        }
    }

    @Test func restartPicksUpRestingOrdersAndContinuesIDs() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let first = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 1, priceType: .limit, product: .mis, price: 790),
                userID: harness.userID)
            let restarted = SandboxBroker(
                store: harness.store, instruments: harness.broker.instrumentCatalog, prices: harness.prices,
                calendar: try await harness.store.calendar.load(), clock: FixedClock(SandboxHarness.marketOpenNanos), logger: .init(label: "t"))
            try await restarted.start()
            #expect(restarted.restingOrderCount == 1)
            let second = try await restarted.place(OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 1), userID: harness.userID)
            #expect(second.orderID > first.orderID)
            let snapshot = try harness.price("SBIN", last: 789)
            await restarted.match([snapshot])
            #expect(restarted.restingOrderCount == 0)
        }
    }
}

extension SandboxHarness {
    func futureOf(_ underlying: String) throws -> Instrument {
        let catalog = broker.instrumentCatalog as? TableCatalog
        guard
            let future = catalog?.byID.values.filter({ $0.type == .future && $0.underlying == underlying }).min(by: {
                ($0.expiry?.daysSinceEpoch ?? 0) < ($1.expiry?.daysSinceEpoch ?? 0)
            })
        else { throw StoreError(.notFound, "no \(underlying) future") }
        return future
    }
}

extension SandboxBrokerTests {
    @Test func misSquareOffAfterTheCutOff() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            try harness.price("INFY", last: 1_500)
            _ = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 10, product: .mis), userID: harness.userID)
            _ = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "INFY", action: .buy, quantity: 2, product: .cnc), userID: harness.userID)
            _ = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 1, priceType: .limit, product: .mis, price: 780),
                userID: harness.userID)
            // 15:20 IST the same Friday: past NSE's 15:15.
            let late = SandboxBroker(
                store: harness.store, instruments: harness.broker.instrumentCatalog, prices: harness.prices,
                calendar: try await harness.store.calendar.load(),
                clock: FixedClock(SandboxHarness.marketOpenNanos + 5 * 3_600 * 1_000_000_000 + 1_200 * 1_000_000_000),
                logger: .init(label: "t"))
            try await late.start()
            await #expect(throws: OrderRejection.self) {
                try await late.place(OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 1, product: .mis), userID: harness.userID)
            }
            let due = late.exchangesPastSquareOff(among: [.nse, .mcx])
            #expect(due == ["NSE"])
            let done = try await late.squareOff(exchanges: due)
            #expect(done.cancelled == 1 && done.closed == 1)
            #expect(try await harness.position("SBIN").netQuantity == 0)
            #expect(try await harness.position("INFY", product: .cnc).netQuantity == 2)  // CNC is not squared off
            let again = try await late.squareOff(exchanges: due)
            #expect(again.cancelled == 0 && again.closed == 0)
        }
    }
}
