// SPDX-License-Identifier: Apache-2.0

/// An option's sensitivities, in the units OpenAlgo reports them so numbers can be compared
/// side by side with its option chain and greeks endpoints.
///
/// - `delta`: change in option price per 1 unit of the underlying (for ``Black76`` the forward).
/// - `gamma`: change in delta per 1 unit of the underlying.
/// - `theta`: change in option price per calendar **day** that passes (annual theta / 365), so a
///   long option usually has a negative theta.
/// - `vega`: change in option price per volatility **point**, that is per 0.01 of σ.
/// - `rho`: change in option price per 1% of the interest rate, that is per 0.01 of `r`.
public struct OptionGreeks: Sendable, Equatable {
    public var delta: Double
    public var gamma: Double
    public var theta: Double
    public var vega: Double
    public var rho: Double

    /// Creates a set of greeks already expressed in the units described on the type.
    public init(delta: Double, gamma: Double, theta: Double, vega: Double, rho: Double) {
        self.delta = delta
        self.gamma = gamma
        self.theta = theta
        self.vega = vega
        self.rho = rho
    }

    /// Builds greeks from the textbook per-year, per-unit derivatives, applying the unit scaling
    /// in one place so the two pricers cannot disagree about it.
    init(delta: Double, gamma: Double, annualTheta: Double, vegaPerUnit: Double, rhoPerUnit: Double) {
        self.init(
            delta: delta,
            gamma: gamma,
            theta: annualTheta / OptionClock.daysPerYear,
            vega: vegaPerUnit * 0.01,
            rho: rhoPerUnit * 0.01
        )
    }
}
