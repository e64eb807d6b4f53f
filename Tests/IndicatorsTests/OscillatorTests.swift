// SPDX-License-Identifier: Apache-2.0
import Indicators
import Testing

@Suite("RSI, ATR, ADX, Stochastic")
struct OscillatorTests {
    @Test("RSI: first value from plain averages of the first period changes, then Wilder")
    func rsiByHand() throws {
        // Changes +1, -1, +2: first RSI (period 2) from +1/-1 → gain 0.5, loss 0.5 → 50.
        // Then gain = (0.5 + 2) / 2 = 1.25, loss = 0.5 / 2 = 0.25 → 100 · 1.25 / 1.5.
        expectSeries(try TA.rsi([10, 11, 10, 12], period: 2), [nan, nan, 50, 100 * 1.25 / 1.5])
    }

    @Test("RSI of a series that never moves is 0, TA-Lib's answer for no gain and no loss")
    func rsiFlat() throws {
        expectSeries(try TA.rsi([5, 5, 5, 5], period: 2), [nan, nan, 0, 0])
        expectSeries(try TA.rsi([1, 2, 3, 4], period: 2), [nan, nan, 100, 100])
    }

    @Test("RSI stays in 0...100", arguments: [2, 14, 30])
    func rsiBounded(period: Int) throws {
        var random = RandomWalk(seed: 11)
        let values = try TA.rsi(random.bars(2000).close, period: period)
        #expect(values.prefix(period).allSatisfy { $0.isNaN })
        #expect(values.dropFirst(period).allSatisfy { $0 >= 0 && $0 <= 100 })
    }

    @Test("ATR: true range from bar 1, seeded with their mean, then Wilder")
    func atrByHand() throws {
        let high: [Double] = [10, 12, 13, 12]
        let low: [Double] = [9, 10, 11, 8]
        let close: [Double] = [9.5, 11, 12, 9]
        // TR: bar1 max(2, |12-9.5|, |10-9.5|) = 2.5; bar2 max(2, 2, 0) = 2; bar3 max(4, 0, 4) = 4.
        expectSeries(try TA.trueRange(high: high, low: low, close: close), [nan, 2.5, 2, 4])
        expectSeries(try TA.atr(high: high, low: low, close: close, period: 2), [nan, nan, 2.25, (2.25 + 4) / 2])
        expectSeries(try TA.atr(high: high, low: low, close: close, period: 1), [nan, 2.5, 2, 4])
    }

    @Test("ADX and Stochastic stay in 0...100")
    func bounded() throws {
        var random = RandomWalk(seed: 5)
        let bars = random.bars(3000)
        let adx = try TA.adx(high: bars.high, low: bars.low, close: bars.close, period: 14)
        #expect(adx.dropFirst(27).allSatisfy { $0 >= 0 && $0 <= 100 })
        let stoch = try TA.stoch(high: bars.high, low: bars.low, close: bars.close)
        for line in [stoch.k, stoch.d] {
            #expect(line.dropFirst(8).allSatisfy { $0 >= 0 && $0 <= 100 })
        }
    }

    @Test("Stochastic of a flat window is 0, not a division by zero")
    func stochFlat() throws {
        let flat = [Double](repeating: 7, count: 12)
        let stoch = try TA.stoch(high: flat, low: flat, close: flat)
        #expect(stoch.k.dropFirst(8).allSatisfy { $0 == 0 })
    }

    @Test("Stochastic by hand: close at the window's high is 100, at its low 0")
    func stochByHand() throws {
        let high: [Double] = [2, 3, 4, 5]
        let low: [Double] = [1, 2, 3, 4]
        let close: [Double] = [2, 3, 4, 4]
        // Fast %K (period 2): bar1 (3-1)/(3-1) = 100, bar2 100, bar3 (4-3)/(5-3) = 50.
        let stoch = try TA.stoch(high: high, low: low, close: close, fastKPeriod: 2, slowKPeriod: 1, slowDPeriod: 2)
        expectSeries(stoch.k, [nan, nan, 100, 50])
        expectSeries(stoch.d, [nan, nan, 100, 75])
    }
}
