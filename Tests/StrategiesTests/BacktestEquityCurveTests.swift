// SPDX-License-Identifier: Apache-2.0
import Core
import Strategies
import Testing

struct DrawdownCase: Sendable, CustomTestStringConvertible {
    var name: String
    var start: Double?
    var equities: [Double]
    var absolute: Double
    var percent: Double
    var testDescription: String { name }
}

func curve(_ equities: [Double]) -> BacktestEquityCurve {
    var curve = BacktestEquityCurve()
    for (index, equity) in equities.enumerated() { curve.append(timeNanos: Int64(index), equity: equity) }
    return curve
}

@Suite("Backtest equity curve")
struct BacktestEquityCurveTests {
    static let drawdowns: [DrawdownCase] = [
        DrawdownCase(name: "two falls, the first deeper", start: 100, equities: [100, 120, 90, 130, 104, 125], absolute: 30, percent: 25),
        DrawdownCase(name: "rupees and percent from different falls", start: 100, equities: [80, 200, 170], absolute: 30, percent: 20),
        DrawdownCase(name: "only rising", start: 100, equities: [101, 102, 103], absolute: 0, percent: 0),
        DrawdownCase(name: "a loss before the first sample counts", start: 100, equities: [90, 95], absolute: 10, percent: 10),
        DrawdownCase(name: "no start: from the first sample", start: nil, equities: [50, 40, 45], absolute: 10, percent: 20),
        DrawdownCase(name: "no samples", start: 100, equities: [], absolute: 0, percent: 0),
    ]

    @Test("maximum drawdown in rupees and percent", arguments: drawdowns)
    func drawdown(_ example: DrawdownCase) {
        let result = curve(example.equities).maxDrawdown(startEquity: example.start)
        #expect(result.absolute == example.absolute)
        #expect(abs(result.percent - example.percent) < 1e-12)
    }

    @Test("Sharpe ratio matches a hand computation")
    func sharpe() throws {
        let equities = [100, 110, 99, 108.9]
        // Returns 0.1, −0.1, 0.1: mean 1/30, sample variance 1/75, so mean/stdev = √75 / 30.
        let expected = (75.0).squareRoot() / 30 * (252.0).squareRoot()
        let sharpe = try #require(curve(equities).sharpeRatio(periodsPerYear: 252))
        #expect(abs(sharpe - expected) < 1e-9)
        #expect(abs(sharpe - 4.582_575_694_955_84) < 1e-9)

        // The same by the textbook two-pass formula over the computed returns.
        let returns = zip(equities.dropFirst(), equities).map { $0 / $1 - 1 }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let variance = returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count - 1)
        #expect(abs(sharpe - mean / variance.squareRoot() * (252.0).squareRoot()) < 1e-9)
    }

    @Test("Sharpe ratio is nil without enough samples, on a flat curve or with a bad year")
    func sharpeUndefined() {
        #expect(curve([]).sharpeRatio(periodsPerYear: 252) == nil)
        #expect(curve([100, 101]).sharpeRatio(periodsPerYear: 252) == nil)
        #expect(curve([100, 100, 100, 100]).sharpeRatio(periodsPerYear: 252) == nil)
        #expect(curve([100, 101, 99]).sharpeRatio(periodsPerYear: 0) == nil)
        #expect(curve([100, 101, 99]).sharpeRatio(periodsPerYear: .infinity) == nil)
        #expect(curve([100, 101, 99]).sharpeRatio(periodsPerYear: 252) != nil)
    }

    @Test("downsampling keeps the ends, the global low and high, and at most N points", arguments: [2_000, 101, 5, 4, 1])
    func downsampling(maxPoints: Int) throws {
        var random = SeededGenerator(seed: 99)
        var equities: [Double] = []
        var equity = 1_000_000.0
        for _ in 0..<100_000 {
            equity += 1_000 * random.nextGaussian()
            equities.append(equity)
        }
        let points = curve(equities).downsampled(maxPoints: maxPoints)
        #expect(points.count <= max(maxPoints, 4))
        // Every bucket gives at least one point, plus the two ends.
        #expect(points.count >= (max(maxPoints, 4) - 2) / 2 + 2)
        #expect(points.first == BacktestEquityPoint(timeNanos: 0, equity: equities[0]))
        #expect(points.last == BacktestEquityPoint(timeNanos: 99_999, equity: equities[99_999]))
        let low = try #require(equities.indices.min { equities[$0] < equities[$1] })
        let high = try #require(equities.indices.max { equities[$0] < equities[$1] })
        #expect(points.contains(BacktestEquityPoint(timeNanos: Int64(low), equity: equities[low])))
        #expect(points.contains(BacktestEquityPoint(timeNanos: Int64(high), equity: equities[high])))
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.timeNanos < $1.timeNanos })
    }

    @Test("a curve no longer than N comes back whole")
    func shortCurveWhole() {
        let short = curve([3, 1, 2])
        #expect(short.downsampled(maxPoints: 10).map(\.equity) == [3, 1, 2])
        #expect(curve([]).downsampled().isEmpty)
    }

    @Test("a million marks keep 16 bytes a sample and a 2,000-point curve")
    func millionMarks() {
        let bars = 1_000_000
        var ledger = BacktestLedger(initialCapital: 1_000_000)
        var random = SeededGenerator(seed: 5)
        var price = 1_000.0
        var time: Int64 = 1_700_000_000_000_000_000
        for bar in 0..<bars {
            price = max(1, price + random.nextGaussian())
            if bar % 10_000 == 0 { ledger.apply(fill(bar % 20_000 == 0 ? .buy : .sell, 100, at: price, time: time)) }
            ledger.mark(timeNanos: time) { _, _ in price }
            time += 60_000_000_000
        }
        #expect(ledger.curve.count == bars)
        let bytes = (ledger.curve.equities.capacity + ledger.curve.times.capacity) * 8
        #expect(bytes <= 2 * 16 * bars, "equity samples hold \(bytes) bytes")
        let report = BacktestReport(ledger: ledger, periodsPerYear: 252 * 375)
        #expect(report.samples == bars)
        #expect(report.equityCurve.count <= 2_000)
        #expect(report.trades == 100)
        #expect(report.roundTrips == 50)
        #expect(report.sharpe != nil)
        #expect(report.maxDrawdown > 0)
    }
}
