// SPDX-License-Identifier: Apache-2.0

extension TA {
    /// Slow stochastic oscillator (`TA_STOCH` with SMA smoothing for both %K and %D).
    ///
    /// Fast %K of bar i is `(close − lowest low) / ((highest high − lowest low) / 100)` over the last
    /// `fastKPeriod` bars — TA-Lib divides by a pre-divided range, which differs in the last bits
    /// from `100 * (c − l) / (h − l)` — and is 0 when the window's high equals its low. Slow %K is
    /// its SMA over `slowKPeriod`, slow %D the SMA of slow %K over `slowDPeriod`. Both outputs
    /// start at `fastK + slowK + slowD − 3`, as in TA-Lib (slow %K is NaN before that too).
    ///
    /// - Parameters:
    ///   - high: highs, oldest first. `low`, `close`: the same bars.
    ///   - fastKPeriod: 1...100000 (default 5). `slowKPeriod`, `slowDPeriod`: 1...100000 (default 3).
    /// - Returns: slow %K and slow %D.
    /// - Throws: `IndicatorError` for a bad period, mismatched lengths or a non-finite value.
    public static func stoch(
        high: [Double], low: [Double], close: [Double], fastKPeriod: Int = 5, slowKPeriod: Int = 3, slowDPeriod: Int = 3
    ) throws -> Stochastic {
        try checkPeriod("fastKPeriod", fastKPeriod, 1...maxPeriod)
        try checkPeriod("slowKPeriod", slowKPeriod, 1...maxPeriod)
        try checkPeriod("slowDPeriod", slowDPeriod, 1...maxPeriod)
        try checkSeries(["high": high, "low": low, "close": close])
        let count = close.count
        let lookback = (fastKPeriod - 1) + (slowKPeriod - 1) + (slowDPeriod - 1)
        var slowK = warmUp(count)
        var slowD = warmUp(count)
        guard count > lookback else { return Stochastic(k: slowK, d: slowD) }

        var fastK = warmUp(count)
        // TA-Lib's incremental extremes: rescan the window only when the extreme drops out of it;
        // a new low at or below (`<=`) the current one moves it to today, likewise a high at or above.
        var lowest = 0.0
        var highest = 0.0
        var lowestIndex = -1
        var highestIndex = -1
        var scaledRange = 0.0
        var trailing = 0
        for today in (fastKPeriod - 1)..<count {
            if lowestIndex < trailing {
                lowestIndex = trailing
                lowest = low[trailing]
                var index = trailing + 1
                while index <= today {
                    if low[index] < lowest {
                        lowestIndex = index
                        lowest = low[index]
                    }
                    index += 1
                }
                scaledRange = (highest - lowest) / 100.0
            } else if low[today] <= lowest {
                lowestIndex = today
                lowest = low[today]
                scaledRange = (highest - lowest) / 100.0
            }
            if highestIndex < trailing {
                highestIndex = trailing
                highest = high[trailing]
                var index = trailing + 1
                while index <= today {
                    if high[index] > highest {
                        highestIndex = index
                        highest = high[index]
                    }
                    index += 1
                }
                scaledRange = (highest - lowest) / 100.0
            } else if high[today] >= highest {
                highestIndex = today
                highest = high[today]
                scaledRange = (highest - lowest) / 100.0
            }
            fastK[today] = scaledRange != 0.0 ? (close[today] - lowest) / scaledRange : 0.0
            trailing += 1
        }

        var smoothedK = warmUp(count)
        fastK.withUnsafeBufferPointer { input in
            smoothedK.withUnsafeMutableBufferPointer {
                smaKernel(input, first: fastKPeriod - 1, period: slowKPeriod, into: $0)
            }
        }
        smoothedK.withUnsafeBufferPointer { input in
            slowD.withUnsafeMutableBufferPointer {
                smaKernel(input, first: fastKPeriod + slowKPeriod - 2, period: slowDPeriod, into: $0)
            }
        }
        for index in lookback..<count { slowK[index] = smoothedK[index] }
        return Stochastic(k: slowK, d: slowD)
    }
}
