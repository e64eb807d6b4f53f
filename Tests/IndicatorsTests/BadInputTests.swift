// SPDX-License-Identifier: Apache-2.0
import Indicators
import Testing

@Suite("Bad parameters and bad input are typed errors, never a crash")
struct BadInputTests {
    static let close: [Double] = [1, 2, 3, 4, 5]

    @Test(
        "periods outside TA-Lib's ranges",
        arguments: [
            ("sma 0", "period", 0, 1...100_000),
            ("ema -1", "period", -1, 1...100_000),
            ("wma 100001", "period", 100_001, 1...100_000),
            ("rsi 1", "period", 1, 2...100_000),
            ("atr 0", "period", 0, 1...100_000),
            ("adx 1", "period", 1, 2...100_000),
            ("bbands 1", "period", 1, 2...100_000),
            ("macd fast 1", "fastPeriod", 1, 2...100_000),
            ("macd signal 0", "signalPeriod", 0, 1...100_000),
            ("stoch slowD 0", "slowDPeriod", 0, 1...100_000),
            ("supertrend 0", "period", 0, 1...100_000),
        ] as [(String, String, Int, ClosedRange<Int>)])
    func badPeriod(call: String, name: String, value: Int, allowed: ClosedRange<Int>) {
        let c = Self.close
        let error = #expect(throws: IndicatorError.self) {
            switch call {
            case "sma 0": _ = try TA.sma(c, period: 0)
            case "ema -1": _ = try TA.ema(c, period: -1)
            case "wma 100001": _ = try TA.wma(c, period: 100_001)
            case "rsi 1": _ = try TA.rsi(c, period: 1)
            case "atr 0": _ = try TA.atr(high: c, low: c, close: c, period: 0)
            case "adx 1": _ = try TA.adx(high: c, low: c, close: c, period: 1)
            case "bbands 1": _ = try TA.bbands(c, period: 1)
            case "macd fast 1": _ = try TA.macd(c, fastPeriod: 1)
            case "macd signal 0": _ = try TA.macd(c, signalPeriod: 0)
            case "stoch slowD 0": _ = try TA.stoch(high: c, low: c, close: c, slowDPeriod: 0)
            default: _ = try TA.supertrend(high: c, low: c, close: c, period: 0)
            }
        }
        #expect(error == .badPeriod(name: name, value: value, allowed: allowed))
        #expect(error?.description == "\(name) must be in \(allowed.lowerBound)...\(allowed.upperBound), got \(value)")
    }

    @Test("multipliers must be finite and positive", arguments: [0, -1, Double.infinity, Double.nan])
    func badMultiplier(value: Double) {
        let c = Self.close
        #expect {
            _ = try TA.supertrend(high: c, low: c, close: c, multiplier: value)
        } throws: { error in
            guard case .badMultiplier(let name, _) = error as? IndicatorError else { return false }
            return name == "multiplier"
        }
        #expect {
            _ = try TA.bbands(c, deviationsDown: value)
        } throws: { error in
            guard case .badMultiplier(let name, _) = error as? IndicatorError else { return false }
            return name == "deviationsDown"
        }
    }

    @Test("NaN and infinity in inputs name the series and the bar")
    func nonFinite() {
        #expect(throws: IndicatorError.nonFiniteInput(series: "values", index: 2)) { try TA.ema([1, 2, .nan, 4], period: 2) }
        #expect(throws: IndicatorError.nonFiniteInput(series: "low", index: 0)) {
            try TA.atr(high: [1, 2], low: [-.infinity, 1], close: [1, 2])
        }
    }

    @Test("series that do not line up, and negative volume")
    func shapes() {
        #expect(throws: IndicatorError.lengthMismatch(series: "close", count: 1, expected: 2)) {
            try TA.adx(high: [1, 2], low: [1, 2], close: [1])
        }
        #expect(throws: IndicatorError.lengthMismatch(series: "sessions", count: 1, expected: 2)) {
            try TA.vwap(high: [1, 2], low: [1, 2], close: [1, 2], volume: [1, 1], sessions: [1])
        }
        #expect(throws: IndicatorError.negativeVolume(index: 1)) {
            try TA.vwap(high: [1, 2], low: [1, 2], close: [1, 2], volume: [1, -1], sessions: [1, 1])
        }
    }

    @Test("too few bars is not an error: every value is warm-up")
    func short() throws {
        #expect(try TA.rsi([1, 2], period: 14).allSatisfy { $0.isNaN })
        #expect(try TA.macd([1, 2, 3]).macd.allSatisfy { $0.isNaN })
        #expect(try TA.adx(high: [1], low: [1], close: [1]).allSatisfy { $0.isNaN })
        #expect(try TA.supertrend(high: [], low: [], close: []).trend.isEmpty)
    }
}
