// SPDX-License-Identifier: Apache-2.0

extension TA {
    /// Relative strength index (`TA_RSI`), Wilder's smoothing.
    ///
    /// TA-Lib's definition, with its default unstable period 0 and default (non-Metastock)
    /// compatibility: the first average gain and loss are plain means of the first `period` price
    /// changes, so the first value is at index `period`; later averages are
    /// `(avg * (period - 1) + change) / period`. RSI is written `100 * gain / (gain + loss)`, and is
    /// 0 — not 50, not NaN — when `gain + loss` is exactly zero (a window without any change).
    /// TA-Lib 0.4 tested `gain + loss` against 1e-8; the library the suite pins (0.8.x) tests
    /// exact zero, so a long flat stretch keeps an RSI decaying towards the last move's side.
    ///
    /// - Parameters:
    ///   - values: the series, oldest first; every value must be finite.
    ///   - period: 2...100000 (TA-Lib refuses 1).
    /// - Returns: one value per bar in 0...100; the first `period` are NaN.
    /// - Throws: `IndicatorError` for a bad period or a non-finite value.
    public static func rsi(_ values: [Double], period: Int = 14) throws -> [Double] {
        try checkPeriod("period", period, 2...maxPeriod)
        try checkFinite("values", values)
        let count = values.count
        var output = warmUp(count)
        guard count > period else { return output }
        let length = Double(period)
        let keep = Double(period - 1)
        values.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var previous = input[0]
                var gain = 0.0
                var loss = 0.0
                for index in 1...period {
                    let change = input[index] - previous
                    previous = input[index]
                    if change < 0 { loss -= change } else { gain += change }
                }
                loss /= length
                gain /= length
                out[period] = strength(gain: gain, loss: loss)
                var index = period + 1
                while index < count {
                    let change = input[index] - previous
                    previous = input[index]
                    loss *= keep
                    gain *= keep
                    if change < 0 { loss -= change } else { gain += change }
                    loss /= length
                    gain /= length
                    out[index] = strength(gain: gain, loss: loss)
                    index += 1
                }
            }
        }
        return output
    }

    @inline(__always)
    private static func strength(gain: Double, loss: Double) -> Double {
        let total = gain + loss
        return total == 0 ? 0.0 : 100.0 * (gain / total)
    }
}
