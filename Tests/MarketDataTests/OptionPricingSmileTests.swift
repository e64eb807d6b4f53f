// SPDX-License-Identifier: Apache-2.0
import Foundation
import MarketData
import Testing

/// The smile's documented shape and its no-arbitrage guarantees, checked on strike grids.
@Suite("Option pricing: volatility smile")
struct OptionPricingSmileTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        let atm: Double
        let skew: Double
        let curvature: Double

        var smile: VolatilitySmile { VolatilitySmile(atmVolatility: atm, skew: skew, curvature: curvature) }
        var testDescription: String { "atm=\(atm) skew=\(skew) curvature=\(curvature)" }
    }

    /// The default shape across index-like to extreme volatilities, plus steeper, flatter,
    /// call-skewed and pure-skew shapes.
    static let shapes: [Shape] =
        [0.08, 0.15, 0.3, 0.6, 1.0, 2.5].map { Shape(atm: $0, skew: -0.10, curvature: 0.20) } + [
            Shape(atm: 0.2, skew: -0.3, curvature: 0.5),
            Shape(atm: 0.5, skew: -0.3, curvature: 0.5),
            Shape(atm: 0.25, skew: 0.1, curvature: 0.05),
            Shape(atm: 0.4, skew: -0.5, curvature: 0),
            Shape(atm: 0.2, skew: 0, curvature: 0),
            Shape(atm: 1.2, skew: -2, curvature: 5),
        ]

    static let times: [Double] = [0, 1.0 / 365, 7.0 / 365, 30.0 / 365, 0.25, 1, 2]
    static let forward = 100.0
    static let rate = 0.065

    @Test func atTheMoneyIsTheAtmVolatility() {
        for t in Self.times {
            #expect(abs(VolatilitySmile(atmVolatility: 0.17).volatility(strike: 250, forward: 250, timeToExpiry: t) - 0.17) < 1e-15)
        }
    }

    /// Near the money σ/atm = 1 + skew·x + curvature·x² + O(x³) with x = ln(K/F)/max(√T, 0.05).
    @Test(arguments: [(-0.10, 0.20), (-0.3, 0.5), (0.1, 0.05), (-0.5, 0.0)], [0.25, 1.0 / 365])
    func skewAndCurvatureAreTheSlopeAndConvexityAtTheMoney(parameters: (Double, Double), t: Double) {
        let (skew, curvature) = parameters
        let atm = 0.2
        let smile = VolatilitySmile(atmVolatility: atm, skew: skew, curvature: curvature)
        let scale = max(t.squareRoot(), 0.05)
        let ratio = { (x: Double) in smile.volatility(strike: Self.forward * exp(x * scale), forward: Self.forward, timeToExpiry: t) / atm }
        let slope = OptionPricingSupport.centralDifference(at: 0, step: 1e-4, ratio)
        let convexity = OptionPricingSupport.secondDifference(at: 0, step: 1e-3, ratio) / 2
        #expect(abs(slope - skew) < 1e-7)
        #expect(abs(convexity - curvature) < 1e-5)
    }

    /// Call prices decrease strictly in strike (while they are distinguishable from 0), are
    /// convex, and stay inside the no-arbitrage bounds; put–call parity holds at every strike.
    @Test(arguments: shapes)
    func callPricesHaveNoStaticArbitrage(_ shape: Shape) {
        let smile = shape.smile
        let step = 0.25
        let strikes = Array(stride(from: 40.0, through: 250.0, by: step))
        for t in Self.times {
            let discount = exp(-Self.rate * t)
            let calls = strikes.map { strike in
                let sigma = smile.volatility(strike: strike, forward: Self.forward, timeToExpiry: t)
                return Black76.price(kind: .call, forward: Self.forward, strike: strike, timeToExpiry: t, volatility: sigma, rate: Self.rate)
            }
            for (index, strike) in strikes.enumerated() {
                let call = calls[index]
                #expect(call >= max(0, discount * (Self.forward - strike)) - 1e-12, "bounds T=\(t) K=\(strike)")
                #expect(call <= discount * Self.forward, "bounds T=\(t) K=\(strike)")
                if index + 1 < strikes.count {
                    if call > 1e-12 {
                        #expect(calls[index + 1] < call, "decreasing T=\(t) K=\(strike)")
                    } else {
                        // Far out of the money both terms of F·N(d₁) − K·N(d₂) are subnormal and
                        // the difference is rounding noise of order 1e−320.
                        #expect(calls[index + 1] <= call + 1e-300, "non-increasing T=\(t) K=\(strike)")
                    }
                }
                if index > 0, index + 1 < strikes.count {
                    let butterfly = calls[index - 1] - 2 * call + calls[index + 1]
                    #expect(butterfly >= -1e-9, "convex T=\(t) K=\(strike): \(butterfly)")
                }
            }
        }
    }

    /// One volatility per strike for both rights makes put–call parity exact.
    @Test(arguments: shapes)
    func putCallParityHoldsWithSmileVolatilities(_ shape: Shape) {
        let smile = shape.smile
        for t in Self.times {
            for strike in stride(from: 50.0, through: 200.0, by: 5) {
                let sigma = smile.volatility(strike: strike, forward: Self.forward, timeToExpiry: t)
                let call = Black76.price(kind: .call, forward: Self.forward, strike: strike, timeToExpiry: t, volatility: sigma, rate: Self.rate)
                let put = Black76.price(kind: .put, forward: Self.forward, strike: strike, timeToExpiry: t, volatility: sigma, rate: Self.rate)
                #expect(abs(call - put - exp(-Self.rate * t) * (Self.forward - strike)) < 1e-11)
            }
        }
    }

    /// With one atm volatility for every expiry, total variance σ²T at fixed ln(K/F) never
    /// decreases with T, so calendar spreads cannot be bought for a negative cost either.
    @Test(arguments: shapes)
    func totalVarianceIncreasesWithExpiry(_ shape: Shape) {
        let smile = shape.smile
        let expiries = stride(from: 0.0, through: 2.0, by: 1.0 / 365).map { $0 }
        for moneyness in [0.5, 0.8, 0.95, 1.0, 1.05, 1.25, 2.0] {
            var previous = 0.0
            for t in expiries {
                let sigma = smile.volatility(strike: Self.forward * moneyness, forward: Self.forward, timeToExpiry: t)
                let variance = sigma * sigma * t
                #expect(variance >= previous * (1 - 1e-12), "K/F=\(moneyness) T=\(t)")
                previous = variance
            }
        }
    }

    /// The documented range: never below atm/√2, and on expiry day within 2.5·atm at ±30% moneyness.
    @Test func volatilityStaysInItsDocumentedRange() {
        let atm = 0.15
        let smile = VolatilitySmile(atmVolatility: atm)
        for t in Self.times {
            for strike in stride(from: 1.0, through: 1_000, by: 1) {
                let sigma = smile.volatility(strike: strike, forward: Self.forward, timeToExpiry: t)
                #expect(sigma >= atm / 2.0.squareRoot() && sigma.isFinite)
            }
            for strike in stride(from: 70.0, through: 130, by: 1) {
                #expect(smile.volatility(strike: strike, forward: Self.forward, timeToExpiry: t) <= 2.5 * atm)
            }
        }
    }

    @Test func degenerateInputs() {
        let smile = VolatilitySmile(atmVolatility: 0.2)
        #expect(smile.volatility(strike: 0, forward: 100, timeToExpiry: 0.1) == 0.2)
        #expect(smile.volatility(strike: 100, forward: -1, timeToExpiry: 0.1) == 0.2)
        #expect(smile.volatility(strike: .nan, forward: 100, timeToExpiry: 0.1) == 0.2)
        #expect(smile.volatility(strike: 90, forward: 100, timeToExpiry: .infinity).isFinite)
        #expect(smile.volatility(strike: 90, forward: 100, timeToExpiry: -1).isFinite)
        #expect(VolatilitySmile(atmVolatility: .nan).volatility(strike: 90, forward: 100, timeToExpiry: 0.1) == 0)
        #expect(VolatilitySmile(atmVolatility: -0.2).atmVolatility == 0)
        #expect(VolatilitySmile(atmVolatility: 0.2, skew: .nan, curvature: -1) == VolatilitySmile(atmVolatility: 0.2, skew: 0, curvature: 0))
    }
}
