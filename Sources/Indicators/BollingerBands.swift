// SPDX-License-Identifier: Apache-2.0

/// The three bands of `TA.bbands`, each one value per bar.
public struct BollingerBands: Sendable {
    /// Middle band plus `deviationsUp` standard deviations.
    public var upper: [Double]
    /// The simple moving average.
    public var middle: [Double]
    /// Middle band minus `deviationsDown` standard deviations.
    public var lower: [Double]

    public init(upper: [Double], middle: [Double], lower: [Double]) {
        self.upper = upper
        self.middle = middle
        self.lower = lower
    }
}
