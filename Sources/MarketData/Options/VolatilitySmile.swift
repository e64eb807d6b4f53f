// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The simulator's volatility smile: one implied volatility per strike, with a put skew and
/// curvature, guaranteed free of static arbitrage.
///
/// **Shape.** With log-moneyness k = ln(K/F) and the time-scaled moneyness x = k / max(√T, 0.05),
/// the smile near the money is
///
///     σ(x) ≈ atm · (1 + skew·x + curvature·x²)
///
/// (exactly so to second order at x = 0), so `skew` is the slope and `curvature` the convexity of
/// σ/atm in x. Dividing by √T keeps the smile's width proportional to the expected move; the
/// 0.05 floor (T ≈ 0.9 days) stops it collapsing onto the forward on expiry day.
///
/// **Why not the plain quadratic with a [0.3, 3]·atm clamp.** That curve is arbitrageable: where
/// the clamp engages σ(K) has a kink whose slope falls, which puts a concave kink into the call
/// price curve (a butterfly there has negative cost), and a quadratic σ grows too fast in the
/// wings for call prices to keep falling (Lee's moment formula allows total variance to grow at
/// most linearly in |k|). Instead the smile is Gatheral's SSVI slice, whose total variance is
///
///     w(k) = σ(k)²·T = θ/2 · (1 + ρφk + √((φk + ρ)² + 1 − ρ²)),   θ = atm²·T,
///
/// with ρ = 2·skew/c, φ = c / max(√T, 0.05) and c = √(8·(curvature + skew²)), the values that
/// reproduce `skew` and `curvature` above. Gatheral and Jacquier ("Arbitrage-free SVI volatility
/// surfaces", Quantitative Finance 14(1), 2014, Theorem 4.2) show the slice is free of butterfly
/// arbitrage when θφ(1 + |ρ|) < 4 and θφ²(1 + |ρ|) ≤ 4; φ is reduced just enough to meet both,
/// which only happens for extreme inputs (with the default skew and curvature, atm above about
/// 1.4, or above 1.1 for an expiry five years out).
/// The wings then grow like √|k| (at most σ ≈ 2.5·atm at ±30% moneyness on expiry day with the
/// defaults) and the minimum is atm·√(1 − ρ²) ≥ atm/√2, so no clamp is needed.
///
/// **What that guarantees.** Pricing every option with ``Black76`` at the smile's volatility for
/// its strike gives, at each expiry:
/// - put–call parity exactly, because the call and the put at a strike share one volatility;
/// - call prices that are decreasing and convex in strike and lie within
///   [max(0, e^(−rT)(F − K)), e^(−rT)·F], so no vertical spread or butterfly has negative cost.
/// With the same `atmVolatility` across expiries, total variance at fixed k never falls with T,
/// so calendar spreads are not arbitrageable either. The tests check these claims on strike grids.
public struct VolatilitySmile: Sendable, Equatable {
    /// The at-the-money (K = F) volatility, never negative.
    public let atmVolatility: Double
    /// The slope of σ/atm in x at the money; negative values lift out-of-the-money puts.
    public let skew: Double
    /// The convexity of σ/atm in x at the money, floored at 0: the model has no "frown".
    public let curvature: Double
    /// SSVI's ρ = 2·skew/c, in [−1/√2, 1/√2] because curvature ≥ 0.
    private let correlation: Double
    /// c = √(8·(curvature + skew²)), φ before dividing by max(√T, 0.05).
    private let wingScale: Double

    /// Creates a smile.
    ///
    /// - Parameters:
    ///   - atmVolatility: σ at the money, per year (0.15 for 15%); non-finite or negative becomes 0.
    ///   - skew: Slope of σ/atm in x; clamped to [−10, 10] so the arithmetic cannot overflow.
    ///   - curvature: Convexity of σ/atm in x; clamped to [0, 100].
    public init(atmVolatility: Double, skew: Double = -0.10, curvature: Double = 0.20) {
        self.atmVolatility = atmVolatility.isFinite ? max(atmVolatility, 0) : 0
        let skew = skew.isFinite ? min(max(skew, -10), 10) : 0
        let curvature = curvature.isFinite ? min(max(curvature, 0), 100) : 0
        self.skew = skew
        self.curvature = curvature
        let wingScale = (8 * (curvature + skew * skew)).squareRoot()
        self.wingScale = wingScale
        self.correlation = wingScale > 0 ? 2 * skew / wingScale : 0
    }

    /// The implied volatility for one strike.
    ///
    /// - Parameters:
    ///   - strike: The strike K.
    ///   - forward: The forward F of the option's expiry.
    ///   - timeToExpiry: T in years; values ≤ 0 are treated as 0 (expiry-day shape).
    /// - Returns: σ per year; `atmVolatility` when the strike or forward is not positive and finite.
    public func volatility(strike: Double, forward: Double, timeToExpiry: Double) -> Double {
        guard atmVolatility > 0 else { return 0 }
        guard strike > 0, forward > 0, strike.isFinite, forward.isFinite else { return atmVolatility }
        let time = timeToExpiry.isFinite ? max(timeToExpiry, 0) : 0
        let atmTotalVariance = atmVolatility * atmVolatility * time
        var phi = wingScale / max(time.squareRoot(), 0.05)
        if atmTotalVariance > 0 {
            // Gatheral–Jacquier: θφ(1+|ρ|) < 4 (kept strict with a 0.1% margin) and θφ²(1+|ρ|) ≤ 4.
            let limit = 4 / (atmTotalVariance * (1 + abs(correlation)))
            phi = min(phi, 0.999 * limit, limit.squareRoot())
        }
        let y = phi * log(strike / forward)
        let rho = correlation
        // w/θ; at least 1 − ρ² ≥ ½, so the square root below is always of a positive number.
        let varianceRatio = 0.5 * (1 + rho * y + ((y + rho) * (y + rho) + 1 - rho * rho).squareRoot())
        return atmVolatility * varianceRatio.squareRoot()
    }
}
