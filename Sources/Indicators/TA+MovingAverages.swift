// SPDX-License-Identifier: Apache-2.0

extension TA {
    /// Simple moving average (`TA_SMA`).
    ///
    /// - Parameters:
    ///   - values: the series, oldest first; every value must be finite.
    ///   - period: bars averaged, 1...100000 (1 returns the input).
    /// - Returns: one value per bar; the first `period - 1` are NaN.
    /// - Throws: `IndicatorError` for a bad period or a non-finite value.
    public static func sma(_ values: [Double], period: Int) throws -> [Double] {
        try checkPeriod("period", period, 1...maxPeriod)
        try checkFinite("values", values)
        var output = warmUp(values.count)
        values.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { smaKernel(input, first: 0, period: period, into: $0) }
        }
        return output
    }

    /// Exponential moving average (`TA_EMA`), k = 2 / (period + 1).
    ///
    /// TA-Lib seeds the EMA with the SMA of the first `period` values (not with the first value),
    /// so the first output is at index `period - 1` and equals that SMA. The unstable period is
    /// TA-Lib's default, 0.
    ///
    /// - Parameters:
    ///   - values: the series, oldest first; every value must be finite.
    ///   - period: 1...100000 (1 returns the input, as TA-Lib does).
    /// - Returns: one value per bar; the first `period - 1` are NaN.
    /// - Throws: `IndicatorError` for a bad period or a non-finite value.
    public static func ema(_ values: [Double], period: Int) throws -> [Double] {
        try checkPeriod("period", period, 1...maxPeriod)
        try checkFinite("values", values)
        if period == 1 { return values }
        var output = warmUp(values.count)
        values.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer {
                emaKernel(input, first: 0, period: period, k: smoothingFactor(period), into: $0)
            }
        }
        return output
    }

    /// Linearly weighted moving average (`TA_WMA`): the newest bar weighs `period`, the oldest 1.
    ///
    /// TA-Lib updates a weighted sum and a plain sum incrementally instead of re-weighting each
    /// window; the same recurrence is used here so the last bits agree.
    ///
    /// - Parameters:
    ///   - values: the series, oldest first; every value must be finite.
    ///   - period: 1...100000 (1 returns the input).
    /// - Returns: one value per bar; the first `period - 1` are NaN.
    /// - Throws: `IndicatorError` for a bad period or a non-finite value.
    public static func wma(_ values: [Double], period: Int) throws -> [Double] {
        try checkPeriod("period", period, 1...maxPeriod)
        try checkFinite("values", values)
        if period == 1 { return values }
        let count = values.count
        var output = warmUp(count)
        guard count >= period else { return output }
        let divider = Double((period * (period + 1)) >> 1)
        let weight = Double(period)
        values.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var plainSum = 0.0
                var weightedSum = 0.0
                var index = 0
                while index < period - 1 {
                    let value = input[index]
                    plainSum += value
                    weightedSum += value * Double(index + 1)
                    index += 1
                }
                var trailing = 0
                var trailingValue = 0.0
                while index < count {
                    let value = input[index]
                    plainSum += value
                    plainSum -= trailingValue
                    weightedSum += value * weight
                    trailingValue = input[trailing]
                    trailing += 1
                    out[index] = weightedSum / divider
                    weightedSum -= plainSum
                    index += 1
                }
            }
        }
        return output
    }
}
