// SPDX-License-Identifier: Apache-2.0

extension TA {
    /// True range (`TA_TRANGE`): max(high − low, |high − previous close|, |low − previous close|).
    ///
    /// Bar 0 has no previous close, so TA-Lib gives it no value (NaN here).
    ///
    /// - Throws: `IndicatorError` for series of different lengths or non-finite values.
    public static func trueRange(high: [Double], low: [Double], close: [Double]) throws -> [Double] {
        try checkSeries(["high": high, "low": low, "close": close])
        var output = warmUp(close.count)
        var index = 1
        while index < close.count {
            output[index] = trueRange(high: high[index], low: low[index], previousClose: close[index - 1])
            index += 1
        }
        return output
    }

    /// Average true range (`TA_ATR`), Wilder's smoothing.
    ///
    /// TA-Lib's definition with its default unstable period 0: the true range starts at bar 1, the
    /// first ATR is the simple mean of the first `period` true ranges (bars 1...period), so it sits
    /// at index `period`; then `atr = (atr * (period - 1) + tr) / period`, computed as TA-Lib does
    /// (multiply, add, divide). Period 1 is the true range itself.
    ///
    /// - Parameters:
    ///   - high: highs, oldest first. `low`, `close`: the same bars.
    ///   - period: 1...100000.
    /// - Returns: one value per bar; the first `period` are NaN.
    /// - Throws: `IndicatorError` for a bad period, mismatched lengths or a non-finite value.
    public static func atr(high: [Double], low: [Double], close: [Double], period: Int = 14) throws -> [Double] {
        try checkPeriod("period", period, 1...maxPeriod)
        let ranges = try trueRange(high: high, low: low, close: close)
        if period == 1 { return ranges }
        let count = close.count
        var output = warmUp(count)
        guard count > period else { return output }
        ranges.withUnsafeBufferPointer { tr in
            output.withUnsafeMutableBufferPointer { out in
                // The seed is TA_INT_SMA over the true ranges, whose first value is at bar 1.
                smaKernel(UnsafeBufferPointer(rebasing: tr[0...period]), first: 1, period: period, into: out)
                var atr = out[period]
                let length = Double(period)
                let keep = Double(period - 1)
                var index = period + 1
                while index < count {
                    atr *= keep
                    atr += tr[index]
                    atr /= length
                    out[index] = atr
                    index += 1
                }
            }
        }
        return output
    }
}
