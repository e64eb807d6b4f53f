// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Black–Scholes–Merton: European options on a spot price with a continuous dividend yield `q`.
///
/// Use it when only the spot is known (an equity without a liquid future); with a futures price
/// prefer ``Black76``, which needs no carry assumption. The two agree when F = S·e^((r−q)T):
///
///     call = S e^(−qT) N(d₁) − K e^(−rT) N(d₂),   put = K e^(−rT) N(−d₂) − S e^(−qT) N(−d₁)
///
/// As in ``Black76``, `T ≤ 0`, `σ ≤ 0` or a non-positive spot or strike give the deterministic
/// limit max(±(S e^(−qT) − K e^(−rT)), 0) instead of NaN.
///
/// ```swift
/// let premium = BlackScholes.price(kind: .put, spot: 1_480, strike: 1_450,
///                                  timeToExpiry: 30.0 / 365, volatility: 0.28, rate: 0.065)
/// ```
public enum BlackScholes {
    /// The Black–Scholes–Merton price.
    ///
    /// - Parameters:
    ///   - kind: Call or put.
    ///   - spot: The underlying's spot price S.
    ///   - strike: The strike K.
    ///   - timeToExpiry: T in years (see ``OptionClock``); `T ≤ 0` means expired.
    ///   - volatility: σ per year, as a fraction.
    ///   - rate: The continuously compounded risk-free rate r.
    ///   - dividendYield: The continuous dividend yield q; 0 by default.
    /// - Returns: The option premium, never negative for valid inputs.
    public static func price(
        kind: OptionKind, spot: Double, strike: Double, timeToExpiry: Double, volatility: Double, rate: Double,
        dividendYield: Double = 0
    ) -> Double {
        let carry = Carry(spot: spot, timeToExpiry: timeToExpiry, rate: rate, dividendYield: dividendYield)
        guard let terms = carry.terms(strike: strike, volatility: volatility) else {
            return carry.deterministicValue(kind: kind, strike: strike)
        }
        // Written with the two discount factors rather than through F = S e^((r−q)T), which can
        // overflow for long expiries; floored at 0 against rounding in the far wing.
        let spotValue = spot * carry.dividendDiscount
        let strikeValue = strike * carry.rateDiscount
        switch kind {
        case .call: return max(spotValue * StandardNormal.cdf(terms.d1) - strikeValue * StandardNormal.cdf(terms.d2), 0)
        case .put: return max(strikeValue * StandardNormal.cdf(-terms.d2) - spotValue * StandardNormal.cdf(-terms.d1), 0)
        }
    }

    /// The Black–Scholes–Merton greeks, with delta and gamma taken with respect to spot, in the
    /// units of ``OptionGreeks``.
    ///
    /// In the degenerate cases the greeks are the σ√T → 0 limits: delta is ±e^(−qT) in the money,
    /// 0 out of it and ±½e^(−qT) exactly at the forward; gamma and vega are 0; theta and rho are
    /// those of the deterministic payoff before expiry and 0 after it.
    ///
    /// - Parameters: As for ``price(kind:spot:strike:timeToExpiry:volatility:rate:dividendYield:)``.
    /// - Returns: Delta, gamma, theta per calendar day, vega per volatility point, rho per 1%.
    public static func greeks(
        kind: OptionKind, spot: Double, strike: Double, timeToExpiry: Double, volatility: Double, rate: Double,
        dividendYield: Double = 0
    ) -> OptionGreeks {
        let carry = Carry(spot: spot, timeToExpiry: timeToExpiry, rate: rate, dividendYield: dividendYield)
        guard let terms = carry.terms(strike: strike, volatility: volatility) else {
            return carry.degenerateGreeks(kind: kind, strike: strike)
        }
        let spotDiscount = carry.dividendDiscount
        let strikeDiscount = carry.rateDiscount * strike
        let density = StandardNormal.pdf(terms.d1)
        let sqrtT = timeToExpiry.squareRoot()
        let decay = spot * spotDiscount * density * volatility / (2 * sqrtT)
        let delta: Double
        let annualTheta: Double
        let rhoPerUnit: Double
        switch kind {
        case .call:
            delta = spotDiscount * StandardNormal.cdf(terms.d1)
            annualTheta = -decay - rate * strikeDiscount * StandardNormal.cdf(terms.d2) + dividendYield * spot * delta
            rhoPerUnit = timeToExpiry * strikeDiscount * StandardNormal.cdf(terms.d2)
        case .put:
            delta = -spotDiscount * StandardNormal.cdf(-terms.d1)
            annualTheta = -decay + rate * strikeDiscount * StandardNormal.cdf(-terms.d2) + dividendYield * spot * delta
            rhoPerUnit = -timeToExpiry * strikeDiscount * StandardNormal.cdf(-terms.d2)
        }
        return OptionGreeks(
            delta: delta,
            gamma: spotDiscount * density / (spot * terms.standardDeviation),
            annualTheta: annualTheta,
            vegaPerUnit: spot * spotDiscount * density * sqrtT,
            rhoPerUnit: rhoPerUnit
        )
    }
}

/// Spot, rates and time turned into ln(F/K) and the two discount factors.
private struct Carry {
    let spot: Double
    let timeToExpiry: Double
    let rate: Double
    let dividendYield: Double
    /// e^(−r·max(T, 0)).
    let rateDiscount: Double
    /// e^(−q·max(T, 0)).
    let dividendDiscount: Double

    init(spot: Double, timeToExpiry: Double, rate: Double, dividendYield: Double) {
        self.spot = spot
        self.timeToExpiry = timeToExpiry
        self.rate = rate
        self.dividendYield = dividendYield
        self.rateDiscount = exp(-rate * max(timeToExpiry, 0))
        self.dividendDiscount = exp(-dividendYield * max(timeToExpiry, 0))
    }

    func terms(strike: Double, volatility: Double) -> BlackTerms? {
        guard spot > 0, strike > 0 else { return nil }
        // ln(F/K) without forming F, so extreme carry cannot overflow before the log.
        let logMoneyness = log(spot / strike) + (rate - dividendYield) * timeToExpiry
        return BlackTerms(logMoneyness: logMoneyness, timeToExpiry: timeToExpiry, volatility: volatility)
    }

    /// max(±(S e^(−qT) − K e^(−rT)), 0), the price when the lognormal formula does not apply.
    func deterministicValue(kind: OptionKind, strike: Double) -> Double {
        kind.intrinsicValue(underlying: spot * dividendDiscount, strike: strike * rateDiscount)
    }

    func degenerateGreeks(kind: OptionKind, strike: Double) -> OptionGreeks {
        let sign: Double = kind == .call ? 1 : -1
        let moneyness = sign * (spot * dividendDiscount - strike * rateDiscount)
        let weight: Double = moneyness > 0 ? 1 : (moneyness == 0 ? 0.5 : 0)
        guard timeToExpiry > 0 else {
            return OptionGreeks(delta: sign * weight, gamma: 0, theta: 0, vega: 0, rho: 0)
        }
        // V = ±(S e^(−qT) − K e^(−rT)) when in the money: −∂V/∂T = ±(q S e^(−qT) − r K e^(−rT)),
        // ∂V/∂r = ±T K e^(−rT).
        let inTheMoney: Double = moneyness > 0 ? 1 : 0
        return OptionGreeks(
            delta: sign * weight * dividendDiscount,
            gamma: 0,
            annualTheta: inTheMoney * sign * (dividendYield * spot * dividendDiscount - rate * strike * rateDiscount),
            vegaPerUnit: 0,
            rhoPerUnit: inTheMoney * sign * timeToExpiry * strike * rateDiscount
        )
    }
}
