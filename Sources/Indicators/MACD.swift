// SPDX-License-Identifier: Apache-2.0

/// The three lines of `TA.macd`, each one value per bar.
public struct MACD: Sendable {
    /// Fast EMA minus slow EMA.
    public var macd: [Double]
    /// EMA of `macd` over the signal period.
    public var signal: [Double]
    /// `macd - signal`.
    public var histogram: [Double]

    public init(macd: [Double], signal: [Double], histogram: [Double]) {
        self.macd = macd
        self.signal = signal
        self.histogram = histogram
    }
}
