// SPDX-License-Identifier: Apache-2.0
import Indicators
import Testing

/// Compares two series: NaN where the other has NaN, values within `tolerance` elsewhere.
func expectSeries(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-12, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        if e.isNaN {
            #expect(a.isNaN, "index \(index): expected NaN, got \(a)", sourceLocation: sourceLocation)
        } else {
            #expect(abs(a - e) <= tolerance, "index \(index): expected \(e), got \(a)", sourceLocation: sourceLocation)
        }
    }
}

let nan = Double.nan

@Suite("Moving averages")
struct MovingAverageTests {
    static let prices: [Double] = [1, 2, 3, 4, 5, 6]

    @Test("SMA over hand-checked windows")
    func sma() throws {
        expectSeries(try TA.sma(Self.prices, period: 3), [nan, nan, 2, 3, 4, 5])
        expectSeries(try TA.sma(Self.prices, period: 1), Self.prices)
        expectSeries(try TA.sma(Self.prices, period: 6), [nan, nan, nan, nan, nan, 3.5])
        expectSeries(try TA.sma(Self.prices, period: 7), [nan, nan, nan, nan, nan, nan])
        let empty = try TA.sma([], period: 3)
        #expect(empty.isEmpty)
    }

    @Test("EMA is seeded with the SMA of the first period values (TA-Lib), then k = 2/(n+1)")
    func ema() throws {
        // Seed (1+2+3)/3 = 2 at index 2; k = 0.5: 2 + (4-2)/2 = 3, 3 + (5-3)/2 = 4, 4 + (6-4)/2 = 5.
        expectSeries(try TA.ema(Self.prices, period: 3), [nan, nan, 2, 3, 4, 5])
        // A jump: seed 10, then 10 + (40-10)*0.5 = 25.
        expectSeries(try TA.ema([10, 10, 10, 40], period: 3), [nan, nan, 10, 25])
        expectSeries(try TA.ema(Self.prices, period: 1), Self.prices)
    }

    @Test("WMA weighs the newest bar most")
    func wma() throws {
        // (1*1 + 2*2 + 3*3)/6 = 14/6, (2 + 6 + 12)/6 = 20/6, …
        expectSeries(try TA.wma(Self.prices, period: 3), [nan, nan, 14.0 / 6, 20.0 / 6, 26.0 / 6, 32.0 / 6])
        expectSeries(try TA.wma([5, 1], period: 2), [nan, (5.0 + 2.0) / 3])
    }

    @Test("the average of a constant series is that constant", arguments: [1, 2, 5, 20])
    func constant(period: Int) throws {
        let flat = [Double](repeating: 101.25, count: 50)
        for series in [try TA.sma(flat, period: period), try TA.ema(flat, period: period), try TA.wma(flat, period: period)] {
            #expect(series.count == 50)
            #expect(series.prefix(period - 1).allSatisfy { $0.isNaN })
            #expect(series.dropFirst(period - 1).allSatisfy { abs($0 - 101.25) < 1e-9 })
        }
    }

    @Test("EMA stays within the input's range", arguments: [2, 3, 9, 50])
    func emaBounded(period: Int) throws {
        var random = RandomWalk(seed: 7)
        let walk = random.bars(500).close
        let (low, high) = (walk.min() ?? 0, walk.max() ?? 0)
        for value in try TA.ema(walk, period: period) where !value.isNaN {
            #expect(value >= low && value <= high)
        }
    }
}
