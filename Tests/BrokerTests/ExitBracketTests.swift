// SPDX-License-Identifier: Apache-2.0
import Core
import Logging
import Schema
import Testing

@testable import Broker

/// Exit brackets: the rule as a table, then against a real hub — armed by the entry's fill,
/// exiting exactly once (also across a restart), trailing, and cancelled with the entry.
@Suite(.serialized)
struct ExitBracketTests {
    func withHarness(_ body: (SandboxHarness) async throws -> Void) async throws {
        let harness = try await SandboxHarness.make()
        defer { harness.close() }
        try await body(harness)
    }

    /// A tick as the broker's run loop handles it: resting orders, GTTs, then brackets.
    func tick(_ harness: SandboxHarness, _ last: Double, broker: SandboxBroker? = nil) async throws {
        let snapshot = try harness.price("SBIN", last: last)
        let broker = broker ?? harness.broker
        await broker.match([snapshot])
        await broker.enforceBrackets([snapshot])
    }

    func entry(
        _ action: OrderAction = .buy, quantity: Int64 = 10, priceType: PriceType = .market, price: Double = 0, terms: ExitBracketTerms
    ) -> OrderTicket {
        OrderTicket(
            strategy: "bracket", exchange: "NSE", symbol: "SBIN", action: action, quantity: quantity, priceType: priceType, product: .mis,
            price: price, exitBracket: terms)
    }

    func bracket(_ harness: SandboxHarness, entry orderID: String) async throws -> ExitBracketRecord {
        try #require(try await harness.store.books.exitBracket(entryOrderID: orderID, userID: harness.userID))
    }

    /// SBIN as the test master lists it, for rule tests that need no hub.
    static let sbin = Instrument(id: 1, symbol: "SBIN", exchange: .nse, type: .equity, lotSize: 1, tickSize: 0.05, token: "3045")

    // MARK: The rule

    @Test(
        "decide: every side × leg × price relation",
        arguments: [
            // side, target, stoploss, trailing, stop now, best now, last → decision
            (ExitBracketRecord.Side.long, 110.0, 95.0, nil, 95.0, 100.0, 105.0, ExitBracketRule.Decision.hold),
            (.long, 110, 95, nil, 95, 100, 110, .exit(.target)),
            (.long, 110, 95, nil, 95, 100, 111, .exit(.target)),
            (.long, 110, 95, nil, 95, 100, 95.05, .hold),
            (.long, 110, 95, nil, 95, 100, 95, .exit(.stoploss)),
            (.long, 110, 95, nil, 95, 100, 80, .exit(.stoploss)),
            (.long, nil, 95, nil, 95, 100, 1000, .hold),
            (.long, 110, nil, nil, nil, 100, 1, .hold),
            (.long, nil, nil, 5, 95, 100, 104.95, .hold),  // trails in steps of 5 points gained on the entry (100)
            (.long, nil, nil, 5, 95, 100, 105, .trail(stop: 100, best: 105)),
            (.long, nil, nil, 5, 100, 105, 104, .hold),  // a lower price never loosens the stop
            (.long, nil, nil, 5, 100, 105, 100, .exit(.trailing)),
            (.long, nil, 90, 5, 90, 100, 106, .trail(stop: 95, best: 106)),  // from the stoploss, one step per 5 points
            (.long, nil, 90, 5, 90, 100, 94, .hold),
            (.long, nil, 90, 5, 90, 100, 90, .exit(.trailing)),
            (.short, 90, 105, nil, 105, 100, 95, .hold),
            (.short, 90, 105, nil, 105, 100, 90, .exit(.target)),
            (.short, 90, 105, nil, 105, 100, 105, .exit(.stoploss)),
            (.short, 90, 105, nil, 105, 100, 104.95, .hold),
            (.short, nil, nil, 5, 105, 100, 97, .hold),
            (.short, nil, nil, 5, 105, 100, 95, .trail(stop: 100, best: 95)),
            (.short, nil, nil, 5, 100, 95, 99, .hold),
            (.short, nil, nil, 5, 100, 95, 100, .exit(.trailing)),
        ] as [(ExitBracketRecord.Side, Double?, Double?, Double?, Double?, Double, Double, ExitBracketRule.Decision)])
    func decide(
        side: ExitBracketRecord.Side, target: Double?, stoploss: Double?, trailing: Double?, stop: Double?, best: Double, last: Double,
        expected: ExitBracketRule.Decision
    ) {
        let bracket = ExitBracketRecord(
            side: side, quantity: 10, terms: ExitBracketTerms(target: target, stoploss: stoploss, trailingPoints: trailing), entryPrice: 100,
            stopPrice: stop, bestPrice: best)
        #expect(ExitBracketRule.decide(bracket, lastPrice: last) == expected)
    }

    @Test("property: a long's stop never moves down and a short's never up, whatever the path")
    func stopOnlyTightens() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            for side in [ExitBracketRecord.Side.long, .short] {
                var bracket = ExitBracketRecord(
                    side: side, quantity: 1, terms: ExitBracketTerms(trailingPoints: 2), entryPrice: 100, stopPrice: side == .long ? 98 : 102,
                    bestPrice: 100)
                var last = 100.0
                for _ in 0..<50 {
                    last += Double(Int.random(in: -20...20, using: &generator)) * 0.05
                    let before = bracket.stopPrice ?? 0
                    switch ExitBracketRule.decide(bracket, lastPrice: last) {
                    case .trail(let stop, let best):
                        let moved = stop ?? 0
                        #expect(side == .long ? moved > before : moved < before)
                        bracket.stopPrice = stop
                        bracket.bestPrice = best
                    case .exit:
                        // Only the stop can exit here (no target), at or through the (possibly just trailed) stop.
                        let best = side == .long ? max(bracket.bestPrice ?? 100, last) : min(bracket.bestPrice ?? 100, last)
                        #expect(side == .long ? last <= max(before, best - 2) + 1e-9 : last >= min(before, best + 2) - 1e-9)
                    case .hold:
                        break
                    }
                }
            }
        }
    }

    @Test("validate: prices on the right side of the entry, on the tick, positive")
    func validate() throws {
        let harness = Self.sbin
        let market = PriceSnapshot(instrumentID: harness.id, lastPrice: 800, bid: 799.95, ask: 800.05)
        let cases: [(OrderAction, PriceType, Double, ExitBracketTerms, String?)] = [
            (.buy, .market, 0, ExitBracketTerms(target: 820, stoploss: 790), nil),
            (.buy, .market, 0, ExitBracketTerms(target: 790), "target"),
            (.buy, .market, 0, ExitBracketTerms(stoploss: 810), "stoploss"),
            (.buy, .limit, 780, ExitBracketTerms(target: 790, stoploss: 770), nil),  // the limit, not the LTP, is the reference
            (.buy, .limit, 780, ExitBracketTerms(stoploss: 785), "stoploss"),
            (.sell, .market, 0, ExitBracketTerms(target: 780, stoploss: 810), nil),
            (.sell, .market, 0, ExitBracketTerms(target: 810), "target"),
            (.sell, .market, 0, ExitBracketTerms(stoploss: 790), "stoploss"),
            (.buy, .market, 0, ExitBracketTerms(target: 820.03), "target"),  // off the 0.05 tick
            (.buy, .market, 0, ExitBracketTerms(trailingPoints: 0.02), "trailing_sl"),
            (.buy, .market, 0, ExitBracketTerms(trailingPoints: 800), "trailing_sl"),
            (.buy, .market, 0, ExitBracketTerms(trailingPoints: 5), nil),
        ]
        for (action, type, price, terms, field) in cases {
            let ticket = OrderTicket(exchange: "NSE", symbol: "SBIN", action: action, quantity: 1, priceType: type, price: price, exitBracket: terms)
            do {
                try ExitBracketRule.validate(terms, entry: ticket, instrument: harness, market: market)
                #expect(field == nil, "\(action) \(type) \(terms) should be refused on \(field ?? "")")
            } catch let rejection as OrderRejection {
                #expect(rejection.field == field, "\(action) \(type) \(terms): \(rejection)")
            }
        }
    }

    // MARK: Against the hub

    @Test("a filled entry arms its bracket; the target exits once with a MARKET order")
    func targetExitsOnce() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let order = try await harness.broker.place(entry(terms: ExitBracketTerms(target: 820, stoploss: 790)), userID: harness.userID)
            var stored = try await bracket(harness, entry: order.orderID)
            #expect(stored.status == .active && stored.entryPrice == 800 && stored.stopPrice == 790 && stored.quantity == 10)
            try await tick(harness, 819.95)
            #expect(try await harness.position("SBIN").netQuantity == 10)
            try await tick(harness, 820)
            try await tick(harness, 821)
            try await tick(harness, 780)
            stored = try await bracket(harness, entry: order.orderID)
            #expect(stored.status == .exited && stored.exitLeg == .target && stored.exitOrderID != nil)
            #expect(try await harness.position("SBIN").netQuantity == 0)
            #expect(try await harness.count("orders") == 2)
            #expect(try await harness.funds().realized == 200)  // 10 × (820 − 800)
        }
    }

    @Test("a short's stop exits; a trailing stop follows the best price and exits as trailing")
    func shortStopAndTrailing() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let short = try await harness.broker.place(entry(.sell, terms: ExitBracketTerms(target: 780, stoploss: 810)), userID: harness.userID)
            try await tick(harness, 810)
            #expect(try await bracket(harness, entry: short.orderID).exitLeg == .stoploss)
            #expect(try await harness.position("SBIN").netQuantity == 0)

            let long = try await harness.broker.place(entry(terms: ExitBracketTerms(trailingPoints: 5)), userID: harness.userID)
            #expect(try await bracket(harness, entry: long.orderID).stopPrice == 805)  // entry at 810 − 5
            for last in [812.0, 815, 813, 821, 816] { try await tick(harness, last) }
            let trailed = try await bracket(harness, entry: long.orderID)
            #expect(trailed.stopPrice == 815 && trailed.status == .active)  // two 5-point steps: best 821 is 11 above 810
            try await tick(harness, 815)
            let exited = try await bracket(harness, entry: long.orderID)
            #expect(exited.status == .exited && exited.exitLeg == .trailing)
            #expect(try await harness.position("SBIN").netQuantity == 0)
        }
    }

    @Test("a resting entry's bracket waits, arms on its fill, and is cancelled with a cancelled entry")
    func waitsForTheEntry() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let resting = try await harness.broker.place(
                entry(priceType: .limit, price: 790, terms: ExitBracketTerms(target: 800, stoploss: 780)), userID: harness.userID)
            #expect(try await bracket(harness, entry: resting.orderID).status == .waiting)
            try await tick(harness, 805)  // the target is "reached", but the entry has not filled
            #expect(try await bracket(harness, entry: resting.orderID).status == .waiting)
            try await tick(harness, 789)  // the entry fills at its limit 790: armed there
            let armed = try await bracket(harness, entry: resting.orderID)
            #expect(armed.status == .active && armed.entryPrice == 790)

            let other = try await harness.broker.place(
                entry(priceType: .limit, price: 700, terms: ExitBracketTerms(target: 750)), userID: harness.userID)
            _ = try await harness.broker.cancel(orderID: other.orderID, userID: harness.userID)
            let cancelled = try await bracket(harness, entry: other.orderID)
            #expect(cancelled.status == .cancelled && cancelled.reason == "the entry order was cancelled")
        }
    }

    @Test("a position closed by hand cancels the bracket instead of opening the other way")
    func closedByHand() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let order = try await harness.broker.place(entry(terms: ExitBracketTerms(stoploss: 790)), userID: harness.userID)
            _ = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .sell, quantity: 10, product: .mis), userID: harness.userID)
            try await tick(harness, 780)
            let stored = try await bracket(harness, entry: order.orderID)
            #expect(stored.status == .cancelled && stored.reason?.contains("already closed") == true)
            #expect(try await harness.position("SBIN").netQuantity == 0)
            #expect(try await harness.count("orders") == 2)
        }
    }

    @Test("after a restart the bracket is still watched, and two brokers cannot exit it twice")
    func survivesRestart() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let order = try await harness.broker.place(entry(terms: ExitBracketTerms(target: 820)), userID: harness.userID)
            let restarted = SandboxBroker(
                store: harness.store, instruments: harness.broker.instrumentCatalog, prices: harness.prices,
                calendar: try await harness.store.calendar.load(), clock: FixedClock(SandboxHarness.marketOpenNanos), logger: Logger(label: "t"))
            try await restarted.start()
            let instrument = try harness.instrument("SBIN")
            #expect(restarted.isWatching(instrumentID: instrument.id))
            try await tick(harness, 825, broker: restarted)
            try await tick(harness, 826)  // the old broker's watch finds the bracket final
            #expect(try await bracket(harness, entry: order.orderID).status == .exited)
            #expect(try await harness.count("orders") == 2)
            try await tick(harness, 827, broker: restarted)
            #expect(!restarted.isWatching(instrumentID: instrument.id))  // nothing live is left on SBIN
        }
    }

    @Test("the user can cancel a live bracket once; another user's is not found")
    func cancelByUser() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let order = try await harness.broker.place(entry(terms: ExitBracketTerms(target: 820)), userID: harness.userID)
            await #expect(throws: OrderRejection(.notFound, "No exit bracket on order \(order.orderID).")) {
                try await harness.broker.cancelBracket(entryOrderID: order.orderID, userID: harness.userID + 1)
            }
            try await harness.broker.cancelBracket(entryOrderID: order.orderID, userID: harness.userID)
            await #expect(throws: OrderRejection.self) { try await harness.broker.cancelBracket(entryOrderID: order.orderID, userID: harness.userID) }
            try await tick(harness, 830)
            #expect(try await harness.position("SBIN").netQuantity == 10)
        }
    }
}
