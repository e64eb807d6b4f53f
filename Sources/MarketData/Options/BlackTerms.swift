// SPDX-License-Identifier: Apache-2.0

/// The d₁/d₂ pair shared by Black-76 and Black–Scholes, which differ only in how the forward is
/// obtained (quoted, or grown from spot at r − q).
///
/// Construction fails when the lognormal formula breaks down (no time left, no volatility, or σ√T
/// that is not finite); callers then fall back to the deterministic, intrinsic-value limit
/// instead of producing NaN.
///
/// σ√T below ``minimumStandardDeviation`` counts as zero too. Such a value means well under a
/// nanosecond to expiry at any real volatility, the price difference is below 4e−11 of the
/// forward, and it keeps gamma (which grows like 1/σ√T at the money) from overflowing to infinity.
struct BlackTerms {
    /// d₁ = ln(F/K)/(σ√T) + σ√T/2.
    let d1: Double
    /// d₂ = d₁ − σ√T.
    let d2: Double
    /// σ√T, the standard deviation of ln F at expiry.
    let standardDeviation: Double

    /// The smallest σ√T priced with the lognormal formula.
    static let minimumStandardDeviation = 1e-10

    /// - Parameters:
    ///   - logMoneyness: ln(F/K); must be finite.
    ///   - timeToExpiry: T in years; must be positive.
    ///   - volatility: σ per year; must be positive.
    init?(logMoneyness: Double, timeToExpiry: Double, volatility: Double) {
        guard logMoneyness.isFinite, timeToExpiry > 0, volatility > 0 else { return nil }
        let standardDeviation = volatility * timeToExpiry.squareRoot()
        guard standardDeviation >= Self.minimumStandardDeviation, standardDeviation.isFinite else { return nil }
        // Written as ln(F/K)/s + s/2 rather than (ln(F/K) + s²/2)/s so a huge s cannot overflow s².
        let d1 = logMoneyness / standardDeviation + 0.5 * standardDeviation
        self.d1 = d1
        self.d2 = d1 - standardDeviation
        self.standardDeviation = standardDeviation
    }
}
