// SPDX-License-Identifier: Apache-2.0

/// The two moving averages other indicators are built from, as TA-Lib's internal `TA_INT_SMA` and
/// `TA_INT_EMA`: they start at an arbitrary index of their input, because MACD, Stochastic and ATR
/// run them over intermediate series whose first values are not yet defined.
extension TA {
    /// `TA_INT_SMA` over `input[first...]`, writing `output[(first + period - 1)...]`.
    ///
    /// TA-Lib keeps one running total, adds the newest value, divides a copy of the total, then
    /// subtracts the oldest; that order decides the last bits, so it is kept. Period 1 copies the
    /// input (TA-Lib's `TA_MA` special case), which a running total would not reproduce exactly.
    static func smaKernel(
        _ input: UnsafeBufferPointer<Double>, first: Int, period: Int, into output: UnsafeMutableBufferPointer<Double>
    ) {
        let count = input.count
        guard first >= 0, count - first >= period else { return }
        if period == 1 {
            for index in first..<count { output[index] = input[index] }
            return
        }
        let divisor = Double(period)
        var total = 0.0
        var index = first
        while index < first + period - 1 {
            total += input[index]
            index += 1
        }
        var trailing = first
        while index < count {
            total += input[index]
            let sum = total
            total -= input[trailing]
            trailing += 1
            output[index] = sum / divisor
            index += 1
        }
    }

    /// `TA_INT_EMA` seeded at `input[first]`, writing `output[(first + period - 1)...]`.
    ///
    /// TA-Lib quirk (its default compatibility mode): the first EMA value is the simple average of
    /// the first `period` inputs, not the first input; after that
    /// `ema = (x - ema) * k + ema`, in exactly that order of operations.
    static func emaKernel(
        _ input: UnsafeBufferPointer<Double>, first: Int, period: Int, k: Double, into output: UnsafeMutableBufferPointer<Double>
    ) {
        let count = input.count
        guard first >= 0, count - first >= period else { return }
        var sum = 0.0
        for index in first..<(first + period) { sum += input[index] }
        var ema = sum / Double(period)
        output[first + period - 1] = ema
        var index = first + period
        while index < count {
            ema = ((input[index] - ema) * k) + ema
            output[index] = ema
            index += 1
        }
    }

    /// TA-Lib's `PER_TO_K`: the EMA smoothing factor 2 / (period + 1).
    static func smoothingFactor(_ period: Int) -> Double {
        2.0 / Double(period + 1)
    }

    /// `TA_TRANGE` of bar `index` (≥ 1): the largest of today's range and the distances from
    /// yesterday's close to today's high and low, compared in TA-Lib's order.
    @inline(__always)
    static func trueRange(high: Double, low: Double, previousClose: Double) -> Double {
        var greatest = high - low
        let fromHigh = abs(previousClose - high)
        if fromHigh > greatest { greatest = fromHigh }
        let fromLow = abs(previousClose - low)
        if fromLow > greatest { greatest = fromLow }
        return greatest
    }
}
