// SPDX-License-Identifier: Apache-2.0
import Indicators
import Testing

/// Warm-up (TA-Lib's lookback) per indicator: NaN exactly on the first `lookback` bars.
@Suite("Warm-up lengths")
struct WarmUpTests {
    static let bars: (high: [Double], low: [Double], close: [Double], volume: [Double]) = {
        var random = RandomWalk(seed: 42)
        return random.bars(400)
    }()

    static func firstValue(_ series: [Double]) -> Int? { series.firstIndex { !$0.isNaN } }

    @Test(
        "each indicator's first value sits where TA-Lib's does",
        arguments: [
            ("sma 20", 19), ("ema 20", 19), ("wma 20", 19), ("rsi 14", 14), ("atr 14", 14), ("trange", 1), ("adx 14", 27),
            ("macd 12 26 9", 33), ("bbands 20", 19), ("stoch 5 3 3", 8), ("stoch 14 1 1", 13), ("supertrend 10", 9),
        ])
    func lookback(name: String, first: Int) throws {
        let (h, l, c) = (Self.bars.high, Self.bars.low, Self.bars.close)
        let series: [Double] =
            switch name {
            case "sma 20": try TA.sma(c, period: 20)
            case "ema 20": try TA.ema(c, period: 20)
            case "wma 20": try TA.wma(c, period: 20)
            case "rsi 14": try TA.rsi(c, period: 14)
            case "atr 14": try TA.atr(high: h, low: l, close: c, period: 14)
            case "trange": try TA.trueRange(high: h, low: l, close: c)
            case "adx 14": try TA.adx(high: h, low: l, close: c, period: 14)
            case "macd 12 26 9": try TA.macd(c).signal
            case "bbands 20": try TA.bbands(c, period: 20).lower
            case "stoch 5 3 3": try TA.stoch(high: h, low: l, close: c).d
            case "stoch 14 1 1": try TA.stoch(high: h, low: l, close: c, fastKPeriod: 14, slowKPeriod: 1, slowDPeriod: 1).k
            default: try TA.supertrend(high: h, low: l, close: c, period: 10).trend
            }
        #expect(series.count == c.count)
        #expect(Self.firstValue(series) == first)
        #expect(series.dropFirst(first).allSatisfy { !$0.isNaN })
    }
}
