// SPDX-License-Identifier: Apache-2.0

extension TA {
    /// Where `a` crosses above `b`: `a[i] > b[i]` and `a[i−1] <= b[i−1]`.
    ///
    /// NaN-aware, so indicator outputs can be passed straight in: a bar where any of the four values
    /// is NaN (a warm-up) is not a cross, and neither is bar 0. Touching (`a == b`) and then rising
    /// counts once, on the bar that goes above.
    ///
    /// - Returns: one flag per bar.
    /// - Throws: `IndicatorError.lengthMismatch` when the series do not line up.
    public static func crossover(_ a: [Double], _ b: [Double]) throws -> [Bool] {
        guard a.count == b.count else { throw IndicatorError.lengthMismatch(series: "b", count: b.count, expected: a.count) }
        return crossings(a.count) { a[$0] > b[$0] && a[$0 - 1] <= b[$0 - 1] }
    }

    /// Where `a` crosses below `b`: `a[i] < b[i]` and `a[i−1] >= b[i−1]`; NaN-aware like `crossover`.
    ///
    /// - Throws: `IndicatorError.lengthMismatch` when the series do not line up.
    public static func crossunder(_ a: [Double], _ b: [Double]) throws -> [Bool] {
        guard a.count == b.count else { throw IndicatorError.lengthMismatch(series: "b", count: b.count, expected: a.count) }
        return crossings(a.count) { a[$0] < b[$0] && a[$0 - 1] >= b[$0 - 1] }
    }

    /// Where `a` crosses above a fixed level (RSI above 30, MACD above 0).
    public static func crossover(_ a: [Double], level: Double) -> [Bool] {
        crossings(a.count) { a[$0] > level && a[$0 - 1] <= level }
    }

    /// Where `a` crosses below a fixed level.
    public static func crossunder(_ a: [Double], level: Double) -> [Bool] {
        crossings(a.count) { a[$0] < level && a[$0 - 1] >= level }
    }

    /// Every comparison with NaN is false, so `test` is already false wherever a value is NaN; the
    /// closure only needs `i ≥ 1`.
    private static func crossings(_ count: Int, _ test: (Int) -> Bool) -> [Bool] {
        var output = [Bool](repeating: false, count: count)
        var index = 1
        while index < count {
            output[index] = test(index)
            index += 1
        }
        return output
    }
}
