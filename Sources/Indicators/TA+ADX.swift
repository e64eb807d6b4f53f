// SPDX-License-Identifier: Apache-2.0

extension TA {
    /// Average directional index (`TA_ADX`), Wilder.
    ///
    /// TA-Lib's definition with its default unstable period 0, so the first value is at index
    /// `2 * period - 1`:
    /// - +DM/−DM of bar i compare today's high and low with yesterday's; only the larger move counts
    ///   (TA-Lib's `diffM > 0 && diffP < diffM` / `diffP > 0 && diffP > diffM`, so ties count neither).
    /// - The first smoothed DM and TR are sums of `period - 1` bars; then
    ///   `dm = dm - dm / period + today` (Wilder's running sum, not an average).
    /// - DX = 100·|−DI − +DI| / (−DI + +DI); the first ADX is the mean of `period` DX values, then
    ///   `adx = (adx * (period - 1) + dx) / period`.
    /// - Quirk kept: when the smoothed TR or the DI sum is zero (a market that has not moved for the
    ///   whole window), that bar's DX is skipped and ADX repeats its previous value. TA-Lib 0.4
    ///   tested against 1e-8, which froze ADX on instruments quoted in small units; 0.8 (pinned by
    ///   the suite) tests exact zero, and so does this.
    ///
    /// - Parameters:
    ///   - high: highs, oldest first. `low`, `close`: the same bars.
    ///   - period: 2...100000.
    /// - Returns: one value per bar in 0...100; the first `2 * period - 1` are NaN.
    /// - Throws: `IndicatorError` for a bad period, mismatched lengths or a non-finite value.
    public static func adx(high: [Double], low: [Double], close: [Double], period: Int = 14) throws -> [Double] {
        try checkPeriod("period", period, 2...maxPeriod)
        try checkSeries(["high": high, "low": low, "close": close])
        let count = close.count
        let lookback = 2 * period - 1
        var output = warmUp(count)
        guard count > lookback else { return output }
        let length = Double(period)
        let keep = Double(period - 1)

        var previousHigh = high[0]
        var previousLow = low[0]
        var previousClose = close[0]
        var minusDM = 0.0
        var plusDM = 0.0
        var range = 0.0
        var today = 0

        /// Advances one bar: today's directional movement and true range, TA-Lib's statement order.
        func step(smoothing: Bool) -> (minus: Double, plus: Double, tr: Double) {
            today += 1
            let diffP = high[today] - previousHigh
            previousHigh = high[today]
            let diffM = previousLow - low[today]
            previousLow = low[today]
            if smoothing {
                minusDM -= minusDM / length
                plusDM -= plusDM / length
            }
            var minus = 0.0
            var plus = 0.0
            if diffM > 0 && diffP < diffM {
                minus = diffM
            } else if diffP > 0 && diffP > diffM {
                plus = diffP
            }
            let tr = trueRange(high: previousHigh, low: previousLow, previousClose: previousClose)
            previousClose = close[today]
            return (minus, plus, tr)
        }

        /// DX of the current smoothed sums, or nil where TA-Lib skips the bar.
        func directionalIndex() -> Double? {
            guard range != 0 else { return nil }
            let minusDI = 100.0 * (minusDM / range)
            let plusDI = 100.0 * (plusDM / range)
            let sum = minusDI + plusDI
            guard sum != 0 else { return nil }
            return 100.0 * (abs(minusDI - plusDI) / sum)
        }

        for _ in 0..<(period - 1) {
            let move = step(smoothing: false)
            // TA-Lib adds only the DM that counted, so an untouched sum keeps its exact bits.
            if move.minus > 0 { minusDM += move.minus } else if move.plus > 0 { plusDM += move.plus }
            range += move.tr
        }
        var sumDX = 0.0
        for _ in 0..<period {
            let move = step(smoothing: true)
            if move.minus > 0 { minusDM += move.minus } else if move.plus > 0 { plusDM += move.plus }
            range = range - range / length + move.tr
            if let dx = directionalIndex() { sumDX += dx }
        }
        var adx = sumDX / length
        output[today] = adx
        while today < count - 1 {
            let move = step(smoothing: true)
            if move.minus > 0 { minusDM += move.minus } else if move.plus > 0 { plusDM += move.plus }
            range = range - range / length + move.tr
            if let dx = directionalIndex() { adx = (adx * keep + dx) / length }
            output[today] = adx
        }
        return output
    }
}
