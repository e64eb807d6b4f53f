// SPDX-License-Identifier: Apache-2.0

/// One point of an equity curve.
public struct BacktestEquityPoint: Sendable, Equatable, Codable {
    /// Simulated time of the sample, epoch nanoseconds.
    public var timeNanos: Int64
    /// Cash plus open positions at their marks, in rupees.
    public var equity: Double

    public init(timeNanos: Int64, equity: Double) {
        self.timeNanos = timeNanos
        self.equity = equity
    }
}

/// Every equity sample of a backtest, stored compactly, and the statistics computed over them.
///
/// Samples live in two parallel arrays (`[Int64]` times, `[Double]` equities): 16 bytes a sample,
/// about 16 MB for 1,000,000 bars. Drawdown and Sharpe use every sample; only the curve handed
/// to a report is thinned, by ``downsampled(maxPoints:)``.
public struct BacktestEquityCurve: Sendable, Equatable {
    /// Sample times, epoch nanoseconds, in the order they were appended.
    public private(set) var times: [Int64] = []
    /// Equity of each sample, in rupees.
    public private(set) var equities: [Double] = []

    public init() {}

    /// The number of samples.
    public var count: Int { equities.count }

    /// Reserves room for `capacity` samples, so a backtest that knows its bar count never regrows.
    public mutating func reserveCapacity(_ capacity: Int) {
        times.reserveCapacity(capacity)
        equities.reserveCapacity(capacity)
    }

    /// Appends a sample.
    ///
    /// - Precondition: `equity` is finite (it is a sum of finite cash and finite marks).
    public mutating func append(timeNanos: Int64, equity: Double) {
        precondition(equity.isFinite, "equity sample at \(timeNanos) is not finite")
        times.append(timeNanos)
        equities.append(equity)
    }

    /// The largest peak-to-trough fall of equity.
    ///
    /// The running peak starts at `startEquity` (the initial capital, so a loss before the first
    /// sample counts) and rises with every sample. `absolute` is the largest `peak − equity` in
    /// rupees; `percent` is the largest `(peak − equity) / peak × 100` over peaks above zero. The two
    /// maxima may come from different falls: a ₹30 fall from ₹200 (15%) is the larger in rupees,
    /// a ₹20 fall from ₹100 (20%) the larger in percent.
    ///
    /// - Parameter startEquity: the equity before the first sample, or nil to start at the first sample.
    /// - Returns: both maxima, 0 when equity never falls.
    public func maxDrawdown(startEquity: Double?) -> (absolute: Double, percent: Double) {
        var peak = startEquity ?? equities.first ?? 0
        var absolute = 0.0
        var percent = 0.0
        for equity in equities {
            if equity > peak { peak = equity }
            let fall = peak - equity
            if fall > absolute { absolute = fall }
            if peak > 0, fall / peak * 100 > percent { percent = fall / peak * 100 }
        }
        return (absolute, percent)
    }

    /// The annualised Sharpe ratio of the per-sample returns, with a risk-free rate of 0.
    ///
    /// With samples `e₀…eₙ`, each return is `rᵢ = eᵢ / eᵢ₋₁ − 1` (skipped when `eᵢ₋₁ ≤ 0`, where a
    /// return means nothing). Then
    ///
    ///     sharpe = mean(r) / stdev(r) × √periodsPerYear
    ///
    /// where `stdev` is the sample standard deviation (divisor `n − 1`), computed with Welford's
    /// update so a million returns lose no precision. Pass the number of samples in a year: 252
    /// for daily bars, 252 × 375 = 94,500 for 1-minute NSE bars (375 minutes from 09:15 to 15:30).
    ///
    /// - Returns: nil with fewer than two returns (three samples), a zero standard deviation (a
    ///   flat curve) or a `periodsPerYear` that is not finite and positive.
    public func sharpeRatio(periodsPerYear: Double) -> Double? {
        guard periodsPerYear.isFinite, periodsPerYear > 0, equities.count >= 3 else { return nil }
        var returns = 0
        var mean = 0.0
        var sumOfSquares = 0.0
        var previous = equities[0]
        for equity in equities.dropFirst() {
            defer { previous = equity }
            guard previous > 0 else { continue }
            let value = equity / previous - 1
            returns += 1
            let delta = value - mean
            mean += delta / Double(returns)
            sumOfSquares += delta * (value - mean)
        }
        guard returns >= 2 else { return nil }
        let variance = sumOfSquares / Double(returns - 1)
        guard variance > 0 else { return nil }
        let ratio = mean / variance.squareRoot() * periodsPerYear.squareRoot()
        return ratio.isFinite ? ratio : nil
    }
}
