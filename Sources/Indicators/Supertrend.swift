// SPDX-License-Identifier: Apache-2.0

/// The result of `TA.supertrend`, one value per bar.
public struct Supertrend: Sendable {
    /// The Supertrend line: the final lower band in an uptrend, the final upper band in a downtrend.
    public var trend: [Double]
    /// +1 in an uptrend (price above the line), −1 in a downtrend; NaN during the warm-up.
    ///
    /// Note: openalgo's `ta.supertrend` and TradingView's Pine `ta.supertrend` use the opposite
    /// sign (−1 = up). RealAlgo uses the sign a reader expects.
    public var direction: [Double]

    public init(trend: [Double], direction: [Double]) {
        self.trend = trend
        self.direction = direction
    }
}
