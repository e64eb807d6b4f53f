// SPDX-License-Identifier: Apache-2.0
public import Core

extension TA {
    /// Volume-weighted average price, cumulative within each session (TA-Lib has no VWAP).
    ///
    /// Price is the typical price `(high + low + close) / 3` (TradingView's and openalgo's default
    /// `hlc3`); VWAP of bar i is Σ price·volume / Σ volume over the bars of i's session up to i.
    /// A session is a run of consecutive bars with the same key in `sessions` — use
    /// `TA.tradingDays(epochSeconds:)` for the usual one-session-per-trading-day. While a session
    /// has traded no volume (an index, whose bars carry none) VWAP is NaN, not a made-up price.
    ///
    /// - Parameters:
    ///   - high: highs, oldest first. `low`, `close`, `volume`: the same bars; volume ≥ 0.
    ///   - sessions: one key per bar; a change of key starts a new session.
    /// - Returns: one value per bar.
    /// - Throws: `IndicatorError` for mismatched lengths, a non-finite value or a negative volume.
    public static func vwap(high: [Double], low: [Double], close: [Double], volume: [Double], sessions: [Int]) throws -> [Double] {
        try checkSeries(["high": high, "low": low, "close": close, "volume": volume])
        guard sessions.count == close.count else {
            throw IndicatorError.lengthMismatch(series: "sessions", count: sessions.count, expected: close.count)
        }
        if let index = volume.firstIndex(where: { $0 < 0 }) { throw IndicatorError.negativeVolume(index: index) }
        var output = warmUp(close.count)
        var priceVolume = 0.0
        var totalVolume = 0.0
        for index in close.indices {
            if index == 0 || sessions[index] != sessions[index - 1] {
                priceVolume = 0
                totalVolume = 0
            }
            let price = (high[index] + low[index] + close[index]) / 3.0
            priceVolume += price * volume[index]
            totalVolume += volume[index]
            if totalVolume > 0 { output[index] = priceVolume / totalVolume }
        }
        return output
    }

    /// Session keys for `vwap`: the exchange-local trading date of each bar.
    ///
    /// - Parameters:
    ///   - epochSeconds: each bar's start in seconds since 1970 (UTC), as `Bar.start`.
    ///   - utcOffsetSeconds: the exchange's offset from UTC; Indian exchanges (IST) by default.
    /// - Returns: days since 1970-01-01 of each bar's local date.
    public static func tradingDays(epochSeconds: [Int64], utcOffsetSeconds: Int = TradingCalendar.istOffsetSeconds) -> [Int] {
        epochSeconds.map { LocalDate(secondsSinceEpoch: $0, utcOffsetSeconds: utcOffsetSeconds).daysSinceEpoch }
    }
}
