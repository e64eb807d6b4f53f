// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Black's 1976 model: European options priced off a forward or futures price.
///
/// This is the model OpenAlgo and most Indian F&O tools use for index and stock options, with the
/// futures (or synthetic) price of the same expiry as the forward, so no dividend or carry
/// assumption is needed. Prices are discounted at the continuously compounded `rate`:
///
///     call = e^(−rT) [F N(d₁) − K N(d₂)],   put = e^(−rT) [K N(−d₂) − F N(−d₁)]
///
/// Degenerate inputs never produce NaN: with no time left (`T ≤ 0`), no volatility (`σ ≤ 0`) or a
/// non-positive forward or strike the price is the discounted intrinsic value, which is the limit
/// of the formula as σ√T → 0. Inputs that are themselves NaN still give NaN.
///
/// ```swift
/// let premium = Black76.price(kind: .call, forward: 22_510, strike: 22_500,
///                             timeToExpiry: 7.0 / 365, volatility: 0.14, rate: 0.065)
/// ```
public enum Black76 {
    /// The discounted Black-76 price.
    ///
    /// - Parameters:
    ///   - kind: Call or put.
    ///   - forward: The forward (futures) price F for the option's expiry.
    ///   - strike: The strike K.
    ///   - timeToExpiry: T in years (see ``OptionClock``); `T ≤ 0` means expired.
    ///   - volatility: σ per year, as a fraction (0.2 for 20%).
    ///   - rate: The continuously compounded risk-free rate used for discounting.
    /// - Returns: The option premium, never negative for valid inputs.
    public static func price(
        kind: OptionKind, forward: Double, strike: Double, timeToExpiry: Double, volatility: Double, rate: Double
    ) -> Double {
        let discount = discountFactor(rate: rate, timeToExpiry: timeToExpiry)
        guard let terms = terms(forward: forward, strike: strike, timeToExpiry: timeToExpiry, volatility: volatility) else {
            return discount * kind.intrinsicValue(underlying: forward, strike: strike)
        }
        return discount * undiscountedPrice(kind: kind, forward: forward, strike: strike, terms: terms)
    }

    /// The Black-76 greeks, with delta and gamma taken with respect to the forward and rho with the
    /// forward held fixed (only the discount factor depends on `r`), in the units of ``OptionGreeks``.
    ///
    /// In the degenerate cases of ``price(kind:forward:strike:timeToExpiry:volatility:rate:)`` the
    /// greeks are the σ√T → 0 limits: delta is ±e^(−rT) in the money (±1 at expiry), 0 out of the
    /// money and ±½e^(−rT) exactly at the money; gamma and vega are 0; theta and rho are those of
    /// the deterministic discounted payoff before expiry and 0 after it.
    ///
    /// - Parameters: As for ``price(kind:forward:strike:timeToExpiry:volatility:rate:)``.
    /// - Returns: Delta, gamma, theta per calendar day, vega per volatility point, rho per 1%.
    public static func greeks(
        kind: OptionKind, forward: Double, strike: Double, timeToExpiry: Double, volatility: Double, rate: Double
    ) -> OptionGreeks {
        let discount = discountFactor(rate: rate, timeToExpiry: timeToExpiry)
        guard let terms = terms(forward: forward, strike: strike, timeToExpiry: timeToExpiry, volatility: volatility) else {
            return degenerateGreeks(kind: kind, forward: forward, strike: strike, timeToExpiry: timeToExpiry, rate: rate)
        }
        let value = discount * undiscountedPrice(kind: kind, forward: forward, strike: strike, terms: terms)
        let density = StandardNormal.pdf(terms.d1)
        let sqrtT = timeToExpiry.squareRoot()
        let delta: Double
        switch kind {
        case .call: delta = discount * StandardNormal.cdf(terms.d1)
        case .put: delta = -discount * StandardNormal.cdf(-terms.d1)
        }
        // With F fixed, V = e^(−rT)·B(T), so −∂V/∂T = rV − e^(−rT)·F n(d₁) σ / (2√T) and ∂V/∂r = −TV.
        let decay = discount * forward * density * volatility / (2 * sqrtT)
        return OptionGreeks(
            delta: delta,
            gamma: discount * density / (forward * terms.standardDeviation),
            annualTheta: rate * value - decay,
            vegaPerUnit: discount * forward * density * sqrtT,
            rhoPerUnit: -timeToExpiry * value
        )
    }

    /// e^(−r·max(T, 0)): an expired option is settled now, so it is not discounted further.
    static func discountFactor(rate: Double, timeToExpiry: Double) -> Double {
        exp(-rate * max(timeToExpiry, 0))
    }

    /// The lognormal terms, or nil when the inputs call for the intrinsic-value limit.
    static func terms(forward: Double, strike: Double, timeToExpiry: Double, volatility: Double) -> BlackTerms? {
        guard forward > 0, strike > 0 else { return nil }
        return BlackTerms(logMoneyness: log(forward / strike), timeToExpiry: timeToExpiry, volatility: volatility)
    }

    /// F N(d₁) − K N(d₂) or K N(−d₂) − F N(−d₁), floored at 0 so rounding in the far wing can never
    /// report a (meaningless) negative premium.
    static func undiscountedPrice(kind: OptionKind, forward: Double, strike: Double, terms: BlackTerms) -> Double {
        switch kind {
        case .call: max(forward * StandardNormal.cdf(terms.d1) - strike * StandardNormal.cdf(terms.d2), 0)
        case .put: max(strike * StandardNormal.cdf(-terms.d2) - forward * StandardNormal.cdf(-terms.d1), 0)
        }
    }

    /// Greeks of the deterministic payoff e^(−rT)·max(±(F − K), 0), the σ√T → 0 limit.
    private static func degenerateGreeks(
        kind: OptionKind, forward: Double, strike: Double, timeToExpiry: Double, rate: Double
    ) -> OptionGreeks {
        let discount = discountFactor(rate: rate, timeToExpiry: timeToExpiry)
        let sign: Double = kind == .call ? 1 : -1
        let moneyness = sign * (forward - strike)
        let weight: Double = moneyness > 0 ? 1 : (moneyness == 0 ? 0.5 : 0)
        guard timeToExpiry > 0 else {
            return OptionGreeks(delta: sign * weight, gamma: 0, theta: 0, vega: 0, rho: 0)
        }
        let value = discount * max(moneyness, 0)
        return OptionGreeks(
            delta: sign * weight * discount,
            gamma: 0,
            annualTheta: rate * value,
            vegaPerUnit: 0,
            rhoPerUnit: -timeToExpiry * value
        )
    }
}
