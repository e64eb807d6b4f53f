// SPDX-License-Identifier: Apache-2.0

extension TA {
    /// Moving average convergence/divergence (`TA_MACD`).
    ///
    /// TA-Lib quirks kept:
    /// - Both EMAs produce their first value on the same bar, `slowPeriod - 1`: the fast EMA is not
    ///   seeded from bar 0 but with the SMA of the `fastPeriod` bars ending there (TA-Lib runs
    ///   `TA_INT_EMA` for both from the slow EMA's start). A fast EMA computed on its own differs.
    /// - The signal EMA is seeded with the SMA of the first `signalPeriod` MACD values.
    /// - All three lines start at `slowPeriod + signalPeriod - 2`; the MACD line is NaN before that
    ///   even where it could be computed, as in TA-Lib.
    /// - A slow period shorter than the fast one is swapped, as TA-Lib does.
    ///
    /// - Parameters:
    ///   - values: the series, oldest first; every value must be finite.
    ///   - fastPeriod: 2...100000 (default 12).
    ///   - slowPeriod: 2...100000 (default 26).
    ///   - signalPeriod: 1...100000 (default 9).
    /// - Returns: the MACD, signal and histogram lines; the first `slow + signal - 2` bars are NaN.
    /// - Throws: `IndicatorError` for a bad period or a non-finite value.
    public static func macd(_ values: [Double], fastPeriod: Int = 12, slowPeriod: Int = 26, signalPeriod: Int = 9) throws -> MACD {
        try checkPeriod("fastPeriod", fastPeriod, 2...maxPeriod)
        try checkPeriod("slowPeriod", slowPeriod, 2...maxPeriod)
        try checkPeriod("signalPeriod", signalPeriod, 1...maxPeriod)
        try checkFinite("values", values)
        let fast = min(fastPeriod, slowPeriod)
        let slow = max(fastPeriod, slowPeriod)
        let count = values.count
        let start = slow - 1
        let lookback = start + signalPeriod - 1
        var line = warmUp(count)
        var signal = warmUp(count)
        var histogram = warmUp(count)
        guard count > lookback else { return MACD(macd: line, signal: signal, histogram: histogram) }

        var slowEMA = warmUp(count)
        var raw = warmUp(count)
        values.withUnsafeBufferPointer { input in
            slowEMA.withUnsafeMutableBufferPointer {
                emaKernel(input, first: 0, period: slow, k: smoothingFactor(slow), into: $0)
            }
            raw.withUnsafeMutableBufferPointer {
                emaKernel(input, first: slow - fast, period: fast, k: smoothingFactor(fast), into: $0)
            }
        }
        for index in start..<count { raw[index] -= slowEMA[index] }
        raw.withUnsafeBufferPointer { input in
            signal.withUnsafeMutableBufferPointer {
                emaKernel(input, first: start, period: signalPeriod, k: smoothingFactor(signalPeriod), into: $0)
            }
        }
        for index in lookback..<count {
            line[index] = raw[index]
            histogram[index] = raw[index] - signal[index]
        }
        return MACD(macd: line, signal: signal, histogram: histogram)
    }
}
