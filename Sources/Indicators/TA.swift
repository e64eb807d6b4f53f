// SPDX-License-Identifier: Apache-2.0

/// Technical indicators over a bar series, matching TA-Lib's C library value for value.
///
/// Every function takes whole series (oldest first) and returns arrays of the same length, so index
/// `i` of an output belongs to bar `i`. Bars before an indicator's first value (its warm-up, TA-Lib's
/// "lookback") hold `Double.nan`, exactly where TA-Lib's Python wrapper puts NaN. Each function is
/// one O(n) pass (Bollinger's deviation and Stochastic's extremes included).
///
/// The arithmetic follows TA-Lib's source statement by statement — the order of additions in
/// running sums, its EMA seeding, its zero tests — because "the same indicator" computed another
/// way drifts by more than the 1e-9 we promise. See `docs/INDICATORS.md`.
///
/// ```swift
/// let fast = try TA.ema(closes, period: 9)
/// let slow = try TA.ema(closes, period: 21)
/// let buy = try TA.crossover(fast, slow)
/// ```
public enum TA {
    /// TA-Lib's upper bound on every period.
    public static let maxPeriod = 100_000
}
