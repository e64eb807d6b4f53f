// SPDX-License-Identifier: Apache-2.0

extension TA {
    /// Supertrend, as TradingView's Pine `ta.supertrend` and openalgo's `ta.supertrend` define it
    /// (TA-Lib has none).
    ///
    /// - ATR: Wilder's, TradingView style — bar 0's true range is `high − low`, the first ATR is the
    ///   mean of the true ranges of bars 0...period−1 (so it sits at index `period − 1`, one bar
    ///   earlier than `TA.atr`), then `atr = (atr * (period − 1) + tr) / period`. After a few
    ///   `period`s the two ATRs agree to rounding, but not on the first bars.
    /// - Basic bands: `(high + low) / 2 ± multiplier * atr`.
    /// - Final bands: the lower band only rises (it resets when the previous close fell below it),
    ///   the upper band only falls (it resets when the previous close rose above it).
    /// - Direction: the first bar is a downtrend; a downtrend turns up when the close rises above the
    ///   final upper band, an uptrend turns down when the close falls below the final lower band.
    ///
    /// - Parameters:
    ///   - high: highs, oldest first. `low`, `close`: the same bars.
    ///   - period: ATR period, 1...100000 (default 10).
    ///   - multiplier: band width in ATRs, finite and > 0 (default 3).
    /// - Returns: the line and the direction (+1 up, −1 down); the first `period − 1` bars are NaN.
    /// - Throws: `IndicatorError` for a bad period or multiplier, mismatched lengths or a non-finite value.
    public static func supertrend(
        high: [Double], low: [Double], close: [Double], period: Int = 10, multiplier: Double = 3
    ) throws -> Supertrend {
        try checkPeriod("period", period, 1...maxPeriod)
        try checkMultiplier("multiplier", multiplier)
        try checkSeries(["high": high, "low": low, "close": close])
        let count = close.count
        var trend = warmUp(count)
        var direction = warmUp(count)
        let first = period - 1
        guard count > first else { return Supertrend(trend: trend, direction: direction) }

        func range(_ index: Int) -> Double {
            index == 0 ? high[0] - low[0] : trueRange(high: high[index], low: low[index], previousClose: close[index - 1])
        }
        var atr = 0.0
        for index in 0...first { atr += range(index) }
        atr /= Double(period)
        let length = Double(period)
        let keep = Double(period - 1)

        var middle = (high[first] + low[first]) / 2.0
        var upper = middle + multiplier * atr
        var lower = middle - multiplier * atr
        trend[first] = upper
        direction[first] = -1
        var index = first + 1
        while index < count {
            atr = (atr * keep + range(index)) / length
            middle = (high[index] + low[index]) / 2.0
            let basicUpper = middle + multiplier * atr
            let basicLower = middle - multiplier * atr
            let previousClose = close[index - 1]
            let finalLower = (basicLower > lower || previousClose < lower) ? basicLower : lower
            let finalUpper = (basicUpper < upper || previousClose > upper) ? basicUpper : upper
            // Pine decides "was it a downtrend?" by comparing the previous line with the previous
            // final upper band, not by the previous direction: they differ when both bands are equal
            // (a zero ATR), and TradingView's answer is kept.
            let wasDown = trend[index - 1] == upper
            let isUp = wasDown ? close[index] > finalUpper : !(close[index] < finalLower)
            lower = finalLower
            upper = finalUpper
            trend[index] = isUp ? lower : upper
            direction[index] = isUp ? 1 : -1
            index += 1
        }
        return Supertrend(trend: trend, direction: direction)
    }
}
