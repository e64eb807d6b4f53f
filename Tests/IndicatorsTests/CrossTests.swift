// SPDX-License-Identifier: Apache-2.0
import Indicators
import Testing

@Suite("crossover and crossunder")
struct CrossTests {
    @Test(
        "a crosses above b exactly when a[i] > b[i] and a[i-1] <= b[i-1]",
        arguments: [
            // (a, b, over, under)
            ([1.0, 3], [2.0, 2], [false, true], [false, false]),
            ([3.0, 1], [2.0, 2], [false, false], [false, true]),
            ([2.0, 3], [2.0, 2], [false, true], [false, false]),  // from touching to above
            ([1.0, 2], [2.0, 2], [false, false], [false, false]),  // only touching is no cross
            ([2.0, 2, 3], [2.0, 2, 2], [false, false, true], [false, false, false]),
            ([.nan, 3], [2.0, 2], [false, false], [false, false]),  // the warm-up is no cross
            ([1.0, 3], [.nan, 2], [false, false], [false, false]),
            ([1.0, .nan, 3], [2.0, 2, 2], [false, false, false], [false, false, false]),
        ])
    func cases(a: [Double], b: [Double], over: [Bool], under: [Bool]) throws {
        #expect(try TA.crossover(a, b) == over)
        #expect(try TA.crossunder(a, b) == under)
    }

    @Test("one bar, no bars, and a fixed level")
    func edges() throws {
        #expect(try TA.crossover([5], [1]) == [false])
        #expect(try TA.crossover([], []) == [])
        #expect(TA.crossover([25, 35, 29], level: 30) == [false, true, false])
        #expect(TA.crossunder([25, 35, 29], level: 30) == [false, false, true])
        #expect(TA.crossover([25, 35], level: .nan) == [false, false])
    }

    @Test("an EMA crossover over a random walk fires, and never twice in a row")
    func emaCross() throws {
        var random = RandomWalk(seed: 1)
        let close = random.bars(5000).close
        let up = try TA.crossover(try TA.ema(close, period: 9), try TA.ema(close, period: 21))
        #expect(up.contains(true))
        #expect(!zip(up, up.dropFirst()).contains { $0 && $1 })
        #expect(up.prefix(21).allSatisfy { !$0 })
    }

    @Test("series of different lengths are an error")
    func mismatch() {
        #expect(throws: IndicatorError.lengthMismatch(series: "b", count: 1, expected: 2)) { try TA.crossover([1, 2], [1]) }
    }
}
