// SPDX-License-Identifier: Apache-2.0
import Indicators
import Testing

@Suite("MACD, Bollinger Bands, Supertrend, VWAP")
struct CompositeTests {
    @Test("MACD: histogram is MACD − signal, and all three start on the same bar")
    func macdShape() throws {
        var random = RandomWalk(seed: 3)
        let close = random.bars(300).close
        let macd = try TA.macd(close)
        for line in [macd.macd, macd.signal, macd.histogram] {
            #expect(line.prefix(33).allSatisfy { $0.isNaN })
            #expect(line.dropFirst(33).allSatisfy { !$0.isNaN })
        }
        for index in 33..<300 { #expect(macd.histogram[index] == macd.macd[index] - macd.signal[index]) }
        // TA-Lib swaps a slow period shorter than the fast one.
        let swapped = try TA.macd(close, fastPeriod: 26, slowPeriod: 12)
        expectSeries(swapped.macd, macd.macd, tolerance: 0)
        expectSeries(swapped.signal, macd.signal, tolerance: 0)
    }

    @Test("MACD's fast EMA is seeded on the slow EMA's first bar, not on bar 0")
    func macdAlignment() throws {
        // With fast 2 / slow 3 / signal 1: the fast EMA's seed is the mean of bars 1...2, not 0...1.
        let close: [Double] = [0, 10, 20, 30]
        let macd = try TA.macd(close, fastPeriod: 2, slowPeriod: 3, signalPeriod: 1)
        // Bar 2: fast = (10+20)/2 = 15, slow = (0+10+20)/3 = 10 → 5.
        #expect(macd.macd[2] == 5)
        #expect(macd.signal[2] == 5)
    }

    @Test("Bollinger Bands of a constant series collapse onto it; otherwise they straddle the SMA")
    func bands() throws {
        let flat = try TA.bbands([Double](repeating: 2449.2, count: 30), period: 20)
        #expect(flat.upper.dropFirst(19).allSatisfy { abs($0 - 2449.2) < 1e-9 })
        // Population deviation of 1, 3 is 1.
        let simple = try TA.bbands([1, 3], period: 2, deviationsUp: 2, deviationsDown: 1)
        expectSeries(simple.middle, [nan, 2])
        expectSeries(simple.upper, [nan, 4])
        expectSeries(simple.lower, [nan, 1])
    }

    @Test("Supertrend: warm-up, only ±1 directions, the line below price in an uptrend")
    func supertrend() throws {
        var random = RandomWalk(seed: 9)
        let bars = random.bars(1000)
        let result = try TA.supertrend(high: bars.high, low: bars.low, close: bars.close, period: 10, multiplier: 3)
        #expect(result.trend.prefix(9).allSatisfy { $0.isNaN })
        #expect(result.direction[9] == -1)
        #expect(Set(result.direction.dropFirst(9)) == [-1, 1])
        for index in 9..<1000 where result.direction[index] == 1 { #expect(result.trend[index] <= bars.close[index]) }
        for index in 9..<1000 where result.direction[index] == -1 { #expect(result.trend[index] >= bars.close[index]) }
    }

    @Test("Supertrend turns up on a rally")
    func supertrendRally() throws {
        let close: [Double] = (0..<40).map { (bar: Int) -> Double in bar < 20 ? 100 : 100 + Double(bar - 19) * 5 }
        let result = try TA.supertrend(high: close.map { $0 + 1 }, low: close.map { $0 - 1 }, close: close, period: 5, multiplier: 2)
        #expect(result.direction.last == 1)
    }

    @Test("VWAP: cumulative typical price × volume per session, restarting on a new session")
    func vwap() throws {
        let high: [Double] = [11, 12, 30, 40]
        let low: [Double] = [9, 10, 30, 20]
        let close: [Double] = [10, 11, 30, 30]
        let volume: [Double] = [100, 300, 0, 10]
        // Session A: tp 10 then 11 → (1000 + 3300) / 400. Session B opens without volume → NaN.
        let values = try TA.vwap(high: high, low: low, close: close, volume: volume, sessions: [1, 1, 2, 2])
        expectSeries(values, [10, 4300.0 / 400, nan, 30])
    }

    @Test("trading days: a session per IST date, so 23:59 IST and 00:01 IST are different sessions")
    func tradingDays() {
        // 2026-01-01 18:29 UTC is 23:59 IST; 18:31 UTC is 00:01 IST on the 2nd.
        let days = TA.tradingDays(epochSeconds: [1_767_292_140, 1_767_292_260])
        #expect(days[1] == days[0] + 1)
    }
}
