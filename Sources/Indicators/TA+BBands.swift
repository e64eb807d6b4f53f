// SPDX-License-Identifier: Apache-2.0

extension TA {
    /// Bollinger Bands (`TA_BBANDS` with `matype` SMA).
    ///
    /// The standard deviation is the population one (divide by `period`) of each window around its
    /// own mean, computed in two passes. TA-Lib 0.4–0.6 used a running `E[x²] − SMA²`, which on
    /// prices in the thousands loses about half the digits (a flat window showed a deviation of 1e-4);
    /// TA-Lib 0.8, which the suite pins, computes an accurate deviation, and so does this. Cost is
    /// O(n · period), a few milliseconds for a million bars at period 20.
    ///
    /// - Parameters:
    ///   - values: the series, oldest first; every value must be finite.
    ///   - period: 2...100000 (default 5, TA-Lib's).
    ///   - deviationsUp: width of the upper band in deviations, finite and > 0 (default 2).
    ///   - deviationsDown: width of the lower band, finite and > 0 (default 2).
    /// - Returns: the upper, middle and lower bands; the first `period - 1` bars are NaN.
    /// - Throws: `IndicatorError` for a bad period or multiplier, or a non-finite value.
    public static func bbands(
        _ values: [Double], period: Int = 5, deviationsUp: Double = 2, deviationsDown: Double = 2
    ) throws -> BollingerBands {
        try checkPeriod("period", period, 2...maxPeriod)
        try checkMultiplier("deviationsUp", deviationsUp)
        try checkMultiplier("deviationsDown", deviationsDown)
        try checkFinite("values", values)
        let count = values.count
        var middle = warmUp(count)
        var upper = warmUp(count)
        var lower = warmUp(count)
        guard count >= period else { return BollingerBands(upper: upper, middle: middle, lower: lower) }
        values.withUnsafeBufferPointer { input in
            middle.withUnsafeMutableBufferPointer { smaKernel(input, first: 0, period: period, into: $0) }
            let divisor = Double(period)
            for index in (period - 1)..<count {
                let window = UnsafeBufferPointer(rebasing: input[(index - period + 1)...index])
                var sum = 0.0
                for value in window { sum += value }
                let mean = sum / divisor
                var squares = 0.0
                for value in window {
                    let deviation = value - mean
                    squares += deviation * deviation
                }
                let deviation = (squares / divisor).squareRoot()
                upper[index] = middle[index] + deviation * deviationsUp
                lower[index] = middle[index] - deviation * deviationsDown
            }
        }
        return BollingerBands(upper: upper, middle: middle, lower: lower)
    }
}
