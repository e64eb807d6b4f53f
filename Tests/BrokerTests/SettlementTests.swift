import Core
import Schema
import Testing

// SPDX-License-Identifier: Apache-2.0
@testable import Broker

/// T+1 settlement of CNC positions into holdings and expiry settlement, against a real hub with a
/// clock the test moves.
@Suite(.serialized)
struct SettlementTests {
    /// Nanoseconds of an IST wall time.
    static func ist(_ date: String, _ hour: Int, _ minute: Int = 0) -> Int64 {
        let day = LocalDate(iso: date).map { Int64($0.daysSinceEpoch) } ?? 0
        return (day * 86_400 + Int64(hour * 3600 + minute * 60) - Int64(TradingCalendar.istOffsetSeconds)) * 1_000_000_000
    }

    static func date(_ text: String) throws -> LocalDate { try #require(LocalDate(iso: text)) }

    // Friday 2026-11-20; Monday 2026-11-23; Tuesday 2026-11-24 is an NSE holiday; Wednesday 2026-11-25.
    func withHarness(_ body: (SandboxHarness, ManualWallClock) async throws -> Void) async throws {
        let clock = ManualWallClock(nanos: Self.ist("2026-11-20", 10))
        let harness = try await SandboxHarness.make(clock: clock)
        defer { harness.close() }
        try await body(harness, clock)
    }

    func buy(_ harness: SandboxHarness, _ symbol: String, _ quantity: Int64, product: Product = .cnc, exchange: String = "NSE") async throws
        -> LedgerOrder
    {
        try await harness.broker.place(
            OrderTicket(exchange: exchange, symbol: symbol, action: .buy, quantity: quantity, product: product), userID: harness.userID)
    }

    func sell(_ harness: SandboxHarness, _ symbol: String, _ quantity: Int64, product: Product = .cnc, exchange: String = "NSE") async throws
        -> LedgerOrder
    {
        try await harness.broker.place(
            OrderTicket(exchange: exchange, symbol: symbol, action: .sell, quantity: quantity, product: product), userID: harness.userID)
    }

    func holding(_ harness: SandboxHarness, _ symbol: String) async throws -> BookHolding? {
        try await harness.store.books.holdings(userID: harness.userID).first { $0.symbol == symbol }
    }

    func dayQuantity(_ harness: SandboxHarness, _ symbol: String, product: String = "CNC") async throws -> Int64 {
        try await harness.store.books.openQuantity(userID: harness.userID, exchange: "NSE", symbol: symbol, product: product)
    }

    func record(_ harness: SandboxHarness, _ date: String) async throws -> SettlementRecord? {
        try await harness.store.trade { ledger in try ledger.settlement(tradingDate: date) }
    }

    // MARK: CNC into holdings

    @Test func aCNCBuyMovesIntoHoldingsAtTPlusOneAndMoneyStaysPut() async throws {
        try await withHarness { harness, clock in
            try harness.price("SBIN", last: 800)
            _ = try await buy(harness, "SBIN", 10)
            let fundsBefore = try await harness.funds()

            // Settling the buy's own date moves nothing: it was traded after that date's cutoff.
            let sameDay = try await harness.broker.settle(date: Self.date("2026-11-20"))
            #expect(sameDay.positionsMoved == 0)
            #expect(try await holding(harness, "SBIN") == nil)
            #expect(try await dayQuantity(harness, "SBIN") == 10)

            clock.set(nanos: Self.ist("2026-11-23", 0, 1))
            let monday = try await harness.broker.settle(date: Self.date("2026-11-23"))
            #expect(monday.positionsMoved == 1)
            let held = try #require(try await holding(harness, "SBIN"))
            #expect(held.quantity == 10)
            #expect(held.settlingQuantity == 0)
            #expect(held.averagePrice == 800)
            #expect(try await dayQuantity(harness, "SBIN") == 0)
            let book = try await harness.store.books.positions(userID: harness.userID, since: "2026-11-23T00:00:00.000Z")
            #expect(book.allSatisfy { $0.netQuantity == 0 })
            // No trade and no money: the margin stays with the position while it is held.
            #expect(try await harness.count("trades") == 1)
            let fundsAfter = try await harness.funds()
            #expect(fundsAfter.available == fundsBefore.available)
            #expect(fundsAfter.used == fundsBefore.used)
            let position = try await harness.position("SBIN", product: .cnc)
            #expect(position.netQuantity == 10)
            #expect(position.settledQuantity == 10)
            #expect(position.marginBlocked == 8_000)

            // Idempotent: again, and again from a restarted broker.
            #expect(try await harness.broker.settle(date: Self.date("2026-11-23")).alreadySettled)
            let restarted = try await harness.restartedBroker()
            let again = try await restarted.settle(date: Self.date("2026-11-23"))
            #expect(again.alreadySettled)
            #expect(again.positionsMoved == 1)  // the record's count, not a second move
            #expect(try await holding(harness, "SBIN")?.quantity == 10)
            #expect(try await record(harness, "2026-11-23")?.positionsMoved == 1)
            // An earlier date after a later one settles nothing (a clock that went back).
            #expect(try await harness.broker.settle(date: Self.date("2026-11-21")).alreadySettled)
            #expect(try await record(harness, "2026-11-21") == nil)
        }
    }

    @Test func aCNCSellOfHoldingsSettlesTheNextTradingDay() async throws {
        try await withHarness { harness, clock in
            try harness.price("SBIN", last: 800)
            _ = try await buy(harness, "SBIN", 10)
            clock.set(nanos: Self.ist("2026-11-23", 0, 1))
            try await harness.broker.settle(date: Self.date("2026-11-23"))

            clock.set(nanos: Self.ist("2026-11-23", 10))
            try harness.price("SBIN", last: 850)
            let sold = try await sell(harness, "SBIN", 10)
            #expect(sold.status == .complete)
            // The sell realizes P&L against the position's average and releases its margin.
            let funds = try await harness.funds()
            #expect(funds.realized == 500)
            #expect(funds.used == 0)
            #expect(try await dayQuantity(harness, "SBIN") == -10)
            // The holding is spent until settlement moves the sell out: nothing more can be sold.
            #expect(try await holding(harness, "SBIN")?.quantity == 10)
            await #expect(throws: OrderRejection.self) { try await sell(harness, "SBIN", 1) }

            clock.set(nanos: Self.ist("2026-11-25", 0, 1))
            let wednesday = try await harness.broker.settle(date: Self.date("2026-11-25"))
            #expect(wednesday.positionsMoved == 1)
            #expect(try await holding(harness, "SBIN") == nil)  // quantity 0 is not listed
            #expect(try await dayQuantity(harness, "SBIN") == 0)
            #expect(try await harness.position("SBIN", product: .cnc).settledQuantity == 0)
            #expect(try await harness.funds().realized == 500)
        }
    }

    @Test func aBuyOnTheSettlementDayWaitsForTheNextOne() async throws {
        try await withHarness { harness, clock in
            try harness.price("INFY", last: 1_500)
            _ = try await buy(harness, "INFY", 10)
            clock.set(nanos: Self.ist("2026-11-23", 9, 30))
            try harness.price("INFY", last: 1_530)
            _ = try await buy(harness, "INFY", 5)
            // Settled after Monday's buy (a restart at 09:30): only Friday's 10 move.
            try await harness.broker.settle(date: Self.date("2026-11-23"))
            #expect(try await holding(harness, "INFY")?.quantity == 10)
            #expect(try await holding(harness, "INFY")?.averagePrice == 1_500)
            #expect(try await dayQuantity(harness, "INFY") == 5)
            // Holdings and the day position together can be sold, not more.
            await #expect(throws: OrderRejection.self) { try await sell(harness, "INFY", 16) }

            clock.set(nanos: Self.ist("2026-11-25", 0, 1))
            try await harness.broker.settle(date: Self.date("2026-11-25"))
            let held = try #require(try await holding(harness, "INFY"))
            #expect(held.quantity == 15)
            // The holding carries the position's average, so its P&L and the position's agree.
            let position = try await harness.position("INFY", product: .cnc)
            #expect(abs(held.averagePrice - position.averagePrice) < 1e-9)
            #expect(abs(held.averagePrice - 1_510) < 1e-9)
            #expect(try await dayQuantity(harness, "INFY") == 0)
        }
    }

    @Test func settleIfDueSettlesEachTradingDateOnce() async throws {
        try await withHarness { harness, clock in
            try harness.price("SBIN", last: 800)
            _ = try await buy(harness, "SBIN", 4)
            clock.set(nanos: Self.ist("2026-11-21", 0, 1))  // Saturday: not a trading day
            await harness.broker.settleIfDue()
            #expect(try await record(harness, "2026-11-21") == nil)
            clock.set(nanos: Self.ist("2026-11-23", 0, 1))
            await harness.broker.settleIfDue()
            await harness.broker.settleIfDue()
            #expect(try await record(harness, "2026-11-23")?.positionsMoved == 1)
            #expect(try await holding(harness, "SBIN")?.quantity == 4)
        }
    }

    // MARK: Expired contracts

    func nearest(_ harness: SandboxHarness, _ type: InstrumentType) throws -> [Instrument] {
        let catalog = try #require(harness.broker.instrumentCatalog as? TableCatalog)
        let all = catalog.byID.values.filter { $0.type == type && $0.underlying == "NIFTY" && $0.exchange.rawValue == "NFO" }
        let expiry = try #require(all.compactMap(\.expiry).min())
        return all.filter { $0.expiry == expiry }.sorted { ($0.strike ?? 0) < ($1.strike ?? 0) }
    }

    func order(_ harness: SandboxHarness, symbol: String, strategy: String) async throws -> LedgerOrder? {
        try await harness.store.books.orders(userID: harness.userID, since: "2000-01-01T00:00:00.000Z").last {
            $0.symbol == symbol && $0.strategy == strategy
        }
    }

    @Test func anExpiredFutureIsClosedAtItsLastPrice() async throws {
        try await withHarness { harness, _ in
            let future = try #require(try nearest(harness, .future).first)
            let expiry = try #require(future.expiry)
            try harness.price(future.symbol, "NFO", last: 26_000)
            _ = try await buy(harness, future.symbol, future.lotSize, product: .nrml, exchange: "NFO")
            #expect(try await harness.funds().used > 0)
            try harness.price(future.symbol, "NFO", last: 26_100)

            // On the expiry day itself the contract is still open.
            #expect(try await harness.broker.settle(date: expiry).expiredClosed == 0)
            let report = try await harness.broker.settle(date: expiry.adding(days: 1))
            #expect(report.expiredClosed == 1)
            #expect(report.expiredUnpriced == 0)
            #expect(try await harness.position(future.symbol, "NFO", product: .nrml).netQuantity == 0)
            let funds = try await harness.funds()
            #expect(abs(funds.realized - Double(future.lotSize) * 100) < 1e-6)
            #expect(funds.used == 0)
            let close = try #require(try await order(harness, symbol: future.symbol, strategy: "expiry settlement"))
            #expect(close.status == .complete)
            #expect(close.action == .sell)
            #expect(close.averagePrice == 26_100)
            #expect(try await record(harness, expiry.adding(days: 1).description)?.expiredClosed == 1)
            // Idempotent: nothing is left to close.
            #expect(try await harness.broker.retryExpired()?.expiredClosed == 0)
        }
    }

    @Test func expiredOptionsSettleAtIntrinsicValueOrOneTick() async throws {
        try await withHarness { harness, _ in
            let calls = try nearest(harness, .call)
            let puts = try nearest(harness, .put)
            let strike = try #require(calls[calls.count / 2].strike)
            let call = try #require(calls.first { $0.strike == strike })
            let put = try #require(puts.first { $0.strike == strike })
            let expiry = try #require(call.expiry)
            try harness.price(call.symbol, "NFO", last: 120)
            try harness.price(put.symbol, "NFO", last: 90)
            _ = try await buy(harness, call.symbol, call.lotSize, product: .nrml, exchange: "NFO")  // long ITM call
            _ = try await sell(harness, put.symbol, put.lotSize, product: .nrml, exchange: "NFO")  // short OTM put
            #expect(try await harness.funds().used > 0)
            // The underlying closes 37.5 above the strike.
            try harness.price("NIFTY", "NSE_INDEX", last: strike + 37.5)

            let report = try await harness.broker.settle(date: expiry.adding(days: 1))
            #expect(report.expiredClosed == 2)
            #expect(try await order(harness, symbol: call.symbol, strategy: "expiry settlement")?.averagePrice == 37.5)
            // Worthless: closed at one tick, since a trade's price must be positive.
            #expect(try await order(harness, symbol: put.symbol, strategy: "expiry settlement")?.averagePrice == put.tickSize)
            let funds = try await harness.funds()
            let expected = Double(call.lotSize) * (37.5 - 120) + Double(put.lotSize) * (90 - put.tickSize)
            #expect(abs(funds.realized - expected) < 1e-6)
            #expect(funds.used == 0)
            #expect(try await harness.position(call.symbol, "NFO", product: .nrml).netQuantity == 0)
            #expect(try await harness.position(put.symbol, "NFO", product: .nrml).netQuantity == 0)
        }
    }

    @Test func workingOrdersOnExpiredContractsAreCancelledAndReleaseMargin() async throws {
        try await withHarness { harness, _ in
            let future = try #require(try nearest(harness, .future).first)
            let expiry = try #require(future.expiry)
            try harness.price(future.symbol, "NFO", last: 26_000)
            let resting = try await harness.broker.place(
                OrderTicket(
                    exchange: "NFO", symbol: future.symbol, action: .buy, quantity: future.lotSize, priceType: .limit, product: .nrml, price: 25_900),
                userID: harness.userID)
            #expect(resting.status == .open)
            #expect(harness.broker.restingOrderCount == 1)
            #expect(try await harness.funds().used > 0)

            let report = try await harness.broker.settle(date: expiry.adding(days: 1))
            #expect(report.ordersCancelled == 1)
            #expect(harness.broker.restingOrderCount == 0)
            #expect(try await harness.funds().used == 0)
            let cancelled = try #require(try await harness.store.books.order(orderID: resting.orderID, userID: harness.userID))
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.marginBlocked == 0)
        }
    }

    @Test func anExpiredPositionWithoutAPriceWaitsAndIsRetried() async throws {
        try await withHarness { harness, _ in
            let future = try #require(try nearest(harness, .future).first)
            let expiry = try #require(future.expiry)
            try harness.price(future.symbol, "NFO", last: 26_000)
            _ = try await buy(harness, future.symbol, future.lotSize, product: .nrml, exchange: "NFO")

            // After a restart nothing has priced the expired contract yet.
            let prices = TablePrices()
            let restarted = try await harness.restartedBroker(prices: prices)
            let date = expiry.adding(days: 1)
            let report = try await restarted.settle(date: date)
            #expect(report.expiredClosed == 0)
            #expect(report.expiredUnpriced == 1)
            #expect(try await harness.position(future.symbol, "NFO", product: .nrml).netQuantity == future.lotSize)

            prices.set(PriceSnapshot(instrumentID: future.id, lastPrice: 25_950, bid: 25_950, ask: 25_950))
            let retry = try #require(try await restarted.retryExpired())
            #expect(retry.expiredClosed == 1)
            #expect(retry.expiredUnpriced == 0)
            #expect(try await harness.position(future.symbol, "NFO", product: .nrml).netQuantity == 0)
            let stored = try #require(try await record(harness, date.description))
            #expect(stored.expiredClosed == 1)
            #expect(stored.expiredUnpriced == 0)
            #expect(abs(try await harness.funds().realized - Double(future.lotSize) * -50) < 1e-6)
        }
    }
}
