// SPDX-License-Identifier: Apache-2.0

/// The two lines of `TA.stoch`, each one value per bar.
public struct Stochastic: Sendable {
    /// Slow %K: the SMA of fast %K.
    public var k: [Double]
    /// Slow %D: the SMA of slow %K.
    public var d: [Double]

    public init(k: [Double], d: [Double]) {
        self.k = k
        self.d = d
    }
}
