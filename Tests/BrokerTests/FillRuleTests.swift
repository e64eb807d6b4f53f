import Core
import Testing

// SPDX-License-Identifier: Apache-2.0
@testable import Broker

/// Every order type × side × price relation against OpenAlgo's sandbox fill table.
struct FillRuleTests {
    /// Market at 100 (bid 99.95, ask 100.05), day range 95–105.
    static let market = PriceSnapshot(instrumentID: 1, lastPrice: 100, bid: 99.95, ask: 100.05, dayLow: 95, dayHigh: 105)

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var order: FillRule.Order
        var resting: Bool
        var expected: FillDecision
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // MARKET: at the touch, BUY pays the ask and SELL gets the bid.
        Case(name: "market buy at ask", order: .init(action: .buy, priceType: .market), resting: false, expected: .fill(price: 100.05)),
        Case(name: "market sell at bid", order: .init(action: .sell, priceType: .market), resting: false, expected: .fill(price: 99.95)),
        // LIMIT arriving: marketable fills at LTP, otherwise rests.
        Case(
            name: "limit buy above ltp", order: .init(action: .buy, priceType: .limit, limitPrice: 101), resting: false, expected: .fill(price: 100)),
        Case(name: "limit buy at ltp", order: .init(action: .buy, priceType: .limit, limitPrice: 100), resting: false, expected: .fill(price: 100)),
        Case(name: "limit buy below ltp", order: .init(action: .buy, priceType: .limit, limitPrice: 99), resting: false, expected: .wait),
        Case(
            name: "limit sell below ltp", order: .init(action: .sell, priceType: .limit, limitPrice: 99), resting: false, expected: .fill(price: 100)),
        Case(name: "limit sell at ltp", order: .init(action: .sell, priceType: .limit, limitPrice: 100), resting: false, expected: .fill(price: 100)),
        Case(name: "limit sell above ltp", order: .init(action: .sell, priceType: .limit, limitPrice: 101), resting: false, expected: .wait),
        // LIMIT resting: fills at its own price once crossed, never before.
        Case(
            name: "resting limit buy crossed", order: .init(action: .buy, priceType: .limit, limitPrice: 101), resting: true,
            expected: .fill(price: 101)),
        Case(
            name: "resting limit buy touched", order: .init(action: .buy, priceType: .limit, limitPrice: 100), resting: true,
            expected: .fill(price: 100)),
        Case(name: "resting limit buy not reached", order: .init(action: .buy, priceType: .limit, limitPrice: 99.95), resting: true, expected: .wait),
        Case(
            name: "resting limit sell crossed", order: .init(action: .sell, priceType: .limit, limitPrice: 99), resting: true,
            expected: .fill(price: 99)),
        Case(
            name: "resting limit sell not reached", order: .init(action: .sell, priceType: .limit, limitPrice: 100.05), resting: true, expected: .wait
        ),
        // SL: the trigger first, then the limit.
        Case(
            name: "sl buy not triggered", order: .init(action: .buy, priceType: .stopLossLimit, limitPrice: 102, triggerPrice: 101), resting: true,
            expected: .wait),
        Case(
            name: "sl buy triggered, limit holds", order: .init(action: .buy, priceType: .stopLossLimit, limitPrice: 100.5, triggerPrice: 99.5),
            resting: true, expected: .fill(price: 100)),
        Case(
            name: "sl buy triggered, limit missed", order: .init(action: .buy, priceType: .stopLossLimit, limitPrice: 99.8, triggerPrice: 99.5),
            resting: true, expected: .trigger),
        Case(
            name: "sl sell not triggered", order: .init(action: .sell, priceType: .stopLossLimit, limitPrice: 98, triggerPrice: 99), resting: true,
            expected: .wait),
        Case(
            name: "sl sell triggered, limit holds", order: .init(action: .sell, priceType: .stopLossLimit, limitPrice: 99.5, triggerPrice: 100.5),
            resting: true, expected: .fill(price: 100)),
        Case(
            name: "sl sell triggered, limit missed", order: .init(action: .sell, priceType: .stopLossLimit, limitPrice: 100.2, triggerPrice: 100.5),
            resting: true, expected: .trigger),
        Case(
            name: "triggered sl buy rests as limit",
            order: .init(action: .buy, priceType: .stopLossLimit, limitPrice: 100.5, triggerPrice: 99.5, triggered: true), resting: true,
            expected: .fill(price: 100.5)),
        Case(
            name: "triggered sl sell waits for limit",
            order: .init(action: .sell, priceType: .stopLossLimit, limitPrice: 100.5, triggerPrice: 101, triggered: true), resting: true,
            expected: .wait),
        // SL-M: at LTP when triggered.
        Case(
            name: "sl-m buy triggered at trigger", order: .init(action: .buy, priceType: .stopLossMarket, triggerPrice: 100), resting: true,
            expected: .fill(price: 100)),
        Case(
            name: "sl-m buy not triggered", order: .init(action: .buy, priceType: .stopLossMarket, triggerPrice: 100.05), resting: true,
            expected: .wait),
        Case(
            name: "sl-m sell triggered", order: .init(action: .sell, priceType: .stopLossMarket, triggerPrice: 100.5), resting: true,
            expected: .fill(price: 100)),
        Case(
            name: "sl-m sell not triggered", order: .init(action: .sell, priceType: .stopLossMarket, triggerPrice: 99.95), resting: true,
            expected: .wait),
    ]

    @Test(arguments: cases)
    func decides(_ testCase: Case) {
        #expect(FillRule.decide(testCase.order, on: Self.market, resting: testCase.resting) == testCase.expected)
    }

    @Test func marketFallsBackToLastPriceWithoutTheTouch() {
        let bare = PriceSnapshot(instrumentID: 1, lastPrice: 100)
        #expect(FillRule.decide(.init(action: .buy, priceType: .market), on: bare, resting: false) == .fill(price: 100))
        #expect(FillRule.decide(.init(action: .sell, priceType: .market), on: bare, resting: false) == .fill(price: 100))
    }

    @Test func staleQuoteFillsNothing() {
        var stale = Self.market
        stale.lastPrice = 110  // outside the day's 95–105
        for type in PriceType.allCases {
            let order = FillRule.Order(action: .buy, priceType: type, limitPrice: 200, triggerPrice: 90)
            #expect(FillRule.decide(order, on: stale, resting: true) == .noPrice)
        }
    }

    /// Property: a LIMIT or SL fill is never worse than the limit, for any price path.
    @Test func limitIsAPromise() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<5_000 {
            let last = Double(Int.random(in: 9_000...11_000, using: &generator)) / 100
            let limit = Double(Int.random(in: 9_000...11_000, using: &generator)) / 100
            let action: OrderAction = Bool.random(using: &generator) ? .buy : .sell
            let snapshot = PriceSnapshot(instrumentID: 1, lastPrice: last)
            for resting in [false, true] {
                for type in [PriceType.limit, .stopLossLimit] {
                    let order = FillRule.Order(action: action, priceType: type, limitPrice: limit, triggerPrice: limit, triggered: true)
                    if case .fill(let price) = FillRule.decide(order, on: snapshot, resting: resting) {
                        #expect(action == .buy ? price <= limit : price >= limit)
                    }
                }
            }
        }
    }
}
