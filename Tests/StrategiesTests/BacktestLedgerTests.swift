// SPDX-License-Identifier: Apache-2.0
import Core
import Strategies
import Testing

/// One fill and what the position, its average and the fill's realized P&L must be after it.
struct LedgerStep: Sendable {
    var action: OrderAction
    var quantity: Int64
    var price: Double
    var position: Int64
    var average: Double
    var realized: Double
}

struct LedgerScenario: Sendable, CustomTestStringConvertible {
    var name: String
    var steps: [LedgerStep]
    /// P&L of each round trip closed, in closing order.
    var roundTrips: [Double]
    var testDescription: String { name }
}

func fill(
    _ action: OrderAction, _ quantity: Int64, at price: Double, time: Int64 = 0, exchange: String = "NSE", symbol: String = "SBIN",
    tag: String = ""
) -> BacktestFill {
    BacktestFill(timeNanos: time, exchange: exchange, symbol: symbol, action: action, quantity: quantity, price: price, tag: tag)
}

@Suite("Backtest ledger")
struct BacktestLedgerTests {
    static let scenarios: [LedgerScenario] = [
        LedgerScenario(
            name: "buy, buy, sell part",
            steps: [
                LedgerStep(action: .buy, quantity: 10, price: 100, position: 10, average: 100, realized: 0),
                LedgerStep(action: .buy, quantity: 10, price: 110, position: 20, average: 105, realized: 0),
                LedgerStep(action: .sell, quantity: 5, price: 120, position: 15, average: 105, realized: 75),
            ],
            roundTrips: []),
        LedgerScenario(
            name: "sell through zero, then cover",
            steps: [
                LedgerStep(action: .buy, quantity: 10, price: 100, position: 10, average: 100, realized: 0),
                LedgerStep(action: .sell, quantity: 25, price: 90, position: -15, average: 90, realized: -100),
                LedgerStep(action: .buy, quantity: 15, price: 80, position: 0, average: 0, realized: 150),
            ],
            roundTrips: [-100, 150]),
        LedgerScenario(
            name: "short, add, cover part, cover rest at a loss",
            steps: [
                LedgerStep(action: .sell, quantity: 8, price: 200, position: -8, average: 200, realized: 0),
                LedgerStep(action: .sell, quantity: 2, price: 210, position: -10, average: 202, realized: 0),
                LedgerStep(action: .buy, quantity: 4, price: 190, position: -6, average: 202, realized: 48),
                LedgerStep(action: .buy, quantity: 6, price: 205, position: 0, average: 0, realized: -18),
            ],
            roundTrips: [30]),
        LedgerScenario(
            name: "flat exactly, then a new entry",
            steps: [
                LedgerStep(action: .buy, quantity: 3, price: 50, position: 3, average: 50, realized: 0),
                LedgerStep(action: .sell, quantity: 3, price: 55, position: 0, average: 0, realized: 15),
                LedgerStep(action: .buy, quantity: 1, price: 60, position: 1, average: 60, realized: 0),
            ],
            roundTrips: [15]),
        LedgerScenario(
            name: "buy through zero from a short",
            steps: [
                LedgerStep(action: .sell, quantity: 5, price: 100, position: -5, average: 100, realized: 0),
                LedgerStep(action: .buy, quantity: 7, price: 96, position: 2, average: 96, realized: 20),
                LedgerStep(action: .sell, quantity: 2, price: 97, position: 0, average: 0, realized: 2),
            ],
            roundTrips: [20, 2]),
    ]

    @Test("average-cost positions, realized P&L and round trips", arguments: scenarios)
    func averageCost(_ scenario: LedgerScenario) {
        var ledger = BacktestLedger(initialCapital: 100_000)
        for (index, step) in scenario.steps.enumerated() {
            let completed = ledger.apply(fill(step.action, step.quantity, at: step.price, time: Int64(index)))
            let position = ledger.position(exchange: "NSE", symbol: "SBIN")
            #expect(completed.sequence == index + 1)
            #expect(completed.positionAfter == step.position, "step \(index + 1)")
            #expect(position.quantity == step.position, "step \(index + 1)")
            #expect(position.averagePrice == step.average, "step \(index + 1)")
            #expect(completed.realizedPnL == step.realized, "step \(index + 1)")
            #expect(completed.costs == 0)
        }
        #expect(ledger.roundTrips.map(\.pnl) == scenario.roundTrips)
        #expect(ledger.realizedPnL == scenario.steps.map(\.realized).reduce(0, +))
    }

    @Test("a flat fee and turnover bps come out of cash and realized P&L, never the average price")
    func costs() throws {
        let costs = try #require(BacktestCosts(perOrder: 20, turnoverBasisPoints: 3))
        var ledger = BacktestLedger(initialCapital: 10_000, costs: costs)
        let entry = ledger.apply(fill(.buy, 10, at: 100))
        #expect(entry.costs == 20.3)
        #expect(entry.realizedPnL == -20.3)
        #expect(ledger.cash == 10_000 - 1_000 - 20.3)
        #expect(ledger.position(exchange: "NSE", symbol: "SBIN") == (10, 100))
        let exit = ledger.apply(fill(.sell, 10, at: 110))
        #expect(abs(exit.costs - 20.33) < 1e-12)
        #expect(abs(exit.realizedPnL - (100 - 20.33)) < 1e-9)
        #expect(abs(ledger.totalCosts - 40.63) < 1e-9)
        #expect(abs(ledger.cash - ledger.initialCapital - ledger.realizedPnL) < 1e-9)
        #expect(ledger.roundTrips.count == 1)
        #expect(abs((ledger.roundTrips.first?.pnl ?? 0) - (100 - 40.63)) < 1e-9)
        #expect(BacktestCosts(perOrder: -1) == nil)
        #expect(BacktestCosts(turnoverBasisPoints: .nan) == nil)
    }

    @Test("a flipping fill shares its costs between the trip it closes and the one it opens")
    func flipCosts() throws {
        var ledger = BacktestLedger(initialCapital: 100_000, costs: try #require(BacktestCosts(perOrder: 10)))
        ledger.apply(fill(.buy, 10, at: 100, time: 1))
        ledger.apply(fill(.sell, 30, at: 110, time: 2))
        ledger.apply(fill(.buy, 20, at: 100, time: 3))
        let trips = ledger.roundTrips
        try #require(trips.count == 2)
        #expect(abs(trips[0].pnl - (100 - 10 - 10.0 / 3)) < 1e-9)
        #expect(abs(trips[1].pnl - (200 - 10 - 20.0 / 3)) < 1e-9)
        #expect(trips[0].entryAction == .buy && trips[1].entryAction == .sell)
        #expect(trips[0].exitSequence == 2 && trips[1].entrySequence == 2 && trips[1].exitSequence == 3)
        #expect(trips[1].entryTimeNanos == 2 && trips[1].exitTimeNanos == 3)
        #expect(abs(trips[0].pnl + trips[1].pnl - ledger.realizedPnL) < 1e-9)
    }

    @Test("marks value open positions; a missing price keeps the last mark, else the average")
    func marks() {
        var ledger = BacktestLedger(initialCapital: 1_000)
        ledger.apply(fill(.buy, 2, at: 100, symbol: "SBIN"))
        ledger.apply(fill(.sell, 1, at: 50, exchange: "BSE", symbol: "ABB"))
        #expect(ledger.equity { _, _ in nil } == 1_000)
        ledger.mark(timeNanos: 1) { _, symbol in symbol == "SBIN" ? 110 : nil }
        #expect(ledger.curve.equities == [1_020])
        ledger.mark(timeNanos: 2) { _, symbol in symbol == "ABB" ? 40 : .nan }
        #expect(ledger.curve.equities == [1_020, 1_030])
        #expect(ledger.unrealizedPnL { _, _ in nil } == 30)
        #expect(ledger.unrealizedPnL { _, _ in 100 } == -50)
        #expect(ledger.positions.map(\.symbol) == ["ABB", "SBIN"])
        #expect(ledger.position(exchange: "NSE", symbol: "NONE") == (0, 0))
    }

    @Test(
        "realized P&L adds up to the change in cash once flat, and to equity minus unrealized while open", arguments: [1, 7, 42, 2024] as [UInt64],
        [false, true])
    func accountingIdentity(seed: UInt64, withCosts: Bool) throws {
        var random = SeededGenerator(seed: seed)
        let costs = withCosts ? try #require(BacktestCosts(perOrder: 20, turnoverBasisPoints: 2.5)) : .zero
        var ledger = BacktestLedger(initialCapital: 5_000_000, costs: costs)
        let instruments = [("NSE", "SBIN"), ("NSE", "INFY"), ("NFO", "NIFTY24DECFUT")]
        var prices = [812.35, 1_500.0, 24_010.5]
        var expected = [Int64](repeating: 0, count: instruments.count)
        var time: Int64 = 1_700_000_000_000_000_000
        func price(_ exchange: String, _ symbol: String) -> Double? {
            instruments.firstIndex { $0 == (exchange, symbol) }.map { prices[$0] }
        }
        for _ in 0..<3_000 {
            let pick = Int.random(in: 0..<instruments.count, using: &random)
            prices[pick] = max(0.05, (prices[pick] * (1 + 0.01 * random.nextGaussian()) * 20).rounded() / 20)
            let action: OrderAction = Bool.random(using: &random) ? .buy : .sell
            let quantity = Int64.random(in: 1...50, using: &random)
            let (exchange, symbol) = instruments[pick]
            let completed = ledger.apply(fill(action, quantity, at: prices[pick], time: time, exchange: exchange, symbol: symbol))
            expected[pick] += action == .buy ? quantity : -quantity
            #expect(completed.positionAfter == expected[pick])
            time += 60_000_000_000
            ledger.mark(timeNanos: time, prices: price)
            let identity = ledger.equity(marks: price) - ledger.initialCapital - ledger.realizedPnL - ledger.unrealizedPnL(marks: price)
            #expect(abs(identity) < 0.01)
        }
        for (index, (exchange, symbol)) in instruments.enumerated() where expected[index] != 0 {
            let action: OrderAction = expected[index] > 0 ? .sell : .buy
            ledger.apply(fill(action, expected[index].magnitude.int64, at: prices[index], time: time, exchange: exchange, symbol: symbol))
        }
        #expect(ledger.positions.isEmpty)
        #expect(abs(ledger.cash - ledger.initialCapital - ledger.realizedPnL) < 0.01)
        #expect(abs(ledger.fills.map(\.realizedPnL).reduce(0, +) - ledger.realizedPnL) < 0.01)
        #expect(abs(ledger.roundTrips.map(\.pnl).reduce(0, +) - ledger.realizedPnL) < 0.01)
        #expect(abs(ledger.fills.map(\.costs).reduce(0, +) - ledger.totalCosts) < 0.01)
        #expect((ledger.totalCosts > 0) == withCosts)
    }
}

extension UInt64 {
    fileprivate var int64: Int64 { Int64(clamping: self) }
}
