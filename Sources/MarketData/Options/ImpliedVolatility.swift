// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Implied volatility: the σ at which a model reproduces an observed premium.
///
/// The solver works on the out-of-the-money side of the strike. By put–call parity an in-the-money
/// option's time value equals the price of the out-of-the-money option at the same strike, and
/// that price is computed without cancelling against a large intrinsic value, so deep
/// in-the-money quotes keep their accuracy. It then runs Newton–Raphson on σ with vega as the
/// derivative, started at the inflection point σ* = √(2|ln(F/K)|/T) of the price curve: the price
/// is convex in σ below σ* and concave above it, so Newton from σ* moves monotonically towards
/// the root. A bracket is kept throughout, and a Newton step that would leave it, or that is not
/// at most half as long as the step before it (Numerical Recipes' `rtsafe` rule), is replaced by
/// bisection, so the answer is found even where vega is tiny (the classic Newton failure on deep
/// out-of-the-money, short-dated options).
public enum ImpliedVolatility {
    /// The smallest volatility the solver reports (0.01%).
    public static let minimumVolatility = 1e-4
    /// The largest volatility the solver reports (500%).
    public static let maximumVolatility = 5.0

    /// The Black-76 implied volatility of a discounted option premium.
    ///
    /// The result is clamped to [``minimumVolatility``, ``maximumVolatility``]: a premium at (or
    /// within rounding of) the discounted intrinsic value reports the minimum, and one beyond the
    /// price at 500% but still below the no-arbitrage bound reports the maximum, so a chain full of
    /// stale or minimum-tick quotes still yields numbers instead of gaps.
    ///
    /// ```swift
    /// let iv = ImpliedVolatility.black76(kind: .put, price: 84.5, forward: 22_510, strike: 22_400,
    ///                                    timeToExpiry: 7.0 / 365, rate: 0.065)
    /// ```
    ///
    /// - Parameters:
    ///   - kind: Call or put.
    ///   - price: The observed premium, as priced by ``Black76/price(kind:forward:strike:timeToExpiry:volatility:rate:)``.
    ///   - forward: The forward (futures) price F.
    ///   - strike: The strike K.
    ///   - timeToExpiry: T in years.
    ///   - rate: The continuously compounded discount rate.
    /// - Returns: σ per year, accurate to about 1e−9 for ordinary quotes; nil if any input is not
    ///   finite, if the price, forward, strike or T is not positive, or if the price is below the
    ///   discounted intrinsic value (beyond a relative tolerance of 1e−12 of max(F, K)) or above the
    ///   no-arbitrage bound e^(−rT)·F for a call or e^(−rT)·K for a put.
    public static func black76(
        kind: OptionKind, price: Double, forward: Double, strike: Double, timeToExpiry: Double, rate: Double
    ) -> Double? {
        guard price.isFinite, forward.isFinite, strike.isFinite, timeToExpiry.isFinite, rate.isFinite,
            price > 0, forward > 0, strike > 0, timeToExpiry > 0
        else { return nil }
        let undiscounted = price / Black76.discountFactor(rate: rate, timeToExpiry: timeToExpiry)
        let intrinsic = kind.intrinsicValue(underlying: forward, strike: strike)
        let upperBound = kind == .call ? forward : strike
        // Rounding in the caller's own pricing can land a hair below intrinsic; that is not arbitrage.
        let tolerance = 1e-12 * max(forward, strike)
        guard undiscounted.isFinite, undiscounted >= intrinsic - tolerance, undiscounted <= upperBound + tolerance else {
            return nil
        }
        let problem = OutOfTheMoneyProblem(
            forward: forward,
            strike: strike,
            timeToExpiry: timeToExpiry,
            target: max(undiscounted - intrinsic, 0)
        )
        return problem.solve()
    }
}

/// Find σ with `price(σ) = target` for the out-of-the-money option at this strike, undiscounted.
private struct OutOfTheMoneyProblem {
    let forward: Double
    let strike: Double
    let timeToExpiry: Double
    let target: Double

    /// A call when K ≥ F, else a put: the side whose whole price is time value.
    var kind: OptionKind { strike >= forward ? .call : .put }

    /// Iterations of the safeguarded Newton loop; bisection alone needs about 45 to reach 1e−13 on
    /// [1e−4, 5], so this is never the limiting factor.
    private static let maximumIterations = 100

    func solve() -> Double {
        var low = ImpliedVolatility.minimumVolatility
        var high = ImpliedVolatility.maximumVolatility
        guard excess(at: low) < 0 else { return low }
        guard excess(at: high) > 0 else { return high }
        let logMoneyness = log(forward / strike)
        var sigma = min(max((2 * abs(logMoneyness) / timeToExpiry).squareRoot(), low), high)
        var previousStep = high - low
        for _ in 0..<Self.maximumIterations {
            let (error, vega) = excessAndVega(at: sigma)
            if error == 0 { return sigma }
            if error > 0 { high = sigma } else { low = sigma }
            var step = error / vega
            var next = sigma - step
            // Bisect when Newton would leave the bracket or is converging more slowly than bisection.
            if !(vega > 0) || !next.isFinite || next <= low || next >= high || abs(2 * step) > abs(previousStep) {
                next = 0.5 * (low + high)
                step = sigma - next
            }
            previousStep = step
            sigma = next
            if abs(step) <= 1e-14 * sigma || high - low <= 1e-14 * high { break }
        }
        return sigma
    }

    /// price(σ) − target; increasing in σ.
    private func excess(at sigma: Double) -> Double {
        excessAndVega(at: sigma).error
    }

    private func excessAndVega(at sigma: Double) -> (error: Double, vega: Double) {
        let terms = BlackTerms(logMoneyness: log(forward / strike), timeToExpiry: timeToExpiry, volatility: sigma)
        guard let terms else { return (-target, 0) }
        let price = Black76.undiscountedPrice(kind: kind, forward: forward, strike: strike, terms: terms)
        let vega = forward * StandardNormal.pdf(terms.d1) * timeToExpiry.squareRoot()
        return (price - target, vega)
    }
}
