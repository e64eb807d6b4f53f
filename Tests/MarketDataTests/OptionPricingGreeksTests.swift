// SPDX-License-Identifier: Apache-2.0
import Foundation
import MarketData
import Testing

/// Analytic greeks against central finite differences of the price, which pins down both the
/// formulas and the unit conventions (theta per day, vega per point, rho per 1%).
@Suite("Option pricing: greeks")
struct OptionPricingGreeksTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let kind: OptionKind
        /// K / F (Black-76) or K / S (Black–Scholes).
        let moneyness: Double
        let timeToExpiry: Double
        let volatility: Double

        var testDescription: String { "\(kind) K/F=\(moneyness) T=\(timeToExpiry) σ=\(volatility)" }
    }

    static let cases: [Case] = [
        Case(kind: .call, moneyness: 1.0, timeToExpiry: 0.25, volatility: 0.20),
        Case(kind: .put, moneyness: 1.0, timeToExpiry: 0.25, volatility: 0.20),
        Case(kind: .call, moneyness: 0.9, timeToExpiry: 30.0 / 365, volatility: 0.35),
        Case(kind: .put, moneyness: 1.1, timeToExpiry: 30.0 / 365, volatility: 0.35),
        Case(kind: .call, moneyness: 1.05, timeToExpiry: 7.0 / 365, volatility: 0.15),
        Case(kind: .put, moneyness: 0.95, timeToExpiry: 7.0 / 365, volatility: 0.15),
        Case(kind: .call, moneyness: 1.2, timeToExpiry: 1.0, volatility: 0.60),
        Case(kind: .put, moneyness: 0.8, timeToExpiry: 1.0, volatility: 0.60),
        Case(kind: .call, moneyness: 0.7, timeToExpiry: 2.0, volatility: 1.00),
        Case(kind: .put, moneyness: 1.3, timeToExpiry: 2.0, volatility: 1.00),
        Case(kind: .call, moneyness: 1.0, timeToExpiry: 2.0 / 365, volatility: 0.12),
    ]

    static let rate = 0.065
    static let dividendYield = 0.02

    @Test(arguments: cases)
    func black76MatchesFiniteDifferences(_ c: Case) {
        let forward = 100.0
        let strike = forward * c.moneyness
        let greeks = Black76.greeks(
            kind: c.kind, forward: forward, strike: strike, timeToExpiry: c.timeToExpiry, volatility: c.volatility, rate: Self.rate)
        expect(
            greeks,
            matches: numericalGreeks(underlying: forward, timeToExpiry: c.timeToExpiry, volatility: c.volatility) {
                Black76.price(kind: c.kind, forward: $0, strike: strike, timeToExpiry: $1, volatility: $2, rate: $3)
            })
    }

    @Test(arguments: cases)
    func blackScholesMatchesFiniteDifferences(_ c: Case) {
        let spot = 100.0
        let strike = spot * c.moneyness
        let greeks = BlackScholes.greeks(
            kind: c.kind, spot: spot, strike: strike, timeToExpiry: c.timeToExpiry, volatility: c.volatility, rate: Self.rate,
            dividendYield: Self.dividendYield)
        expect(
            greeks,
            matches: numericalGreeks(underlying: spot, timeToExpiry: c.timeToExpiry, volatility: c.volatility) {
                BlackScholes.price(
                    kind: c.kind, spot: $0, strike: strike, timeToExpiry: $1, volatility: $2, rate: $3, dividendYield: Self.dividendYield)
            })
    }

    /// Black–Scholes on S is Black-76 on F = S·e^((r−q)T): same price and vega, and the spot delta
    /// is the forward delta times dF/dS.
    @Test(arguments: OptionKind.allCases)
    func black76AndBlackScholesAgreeThroughTheForward(kind: OptionKind) {
        let (spot, strike, t, sigma) = (100.0, 104.0, 0.4, 0.3)
        let forwardGrowth = exp((Self.rate - Self.dividendYield) * t)
        let forward = spot * forwardGrowth
        let scholes = BlackScholes.price(
            kind: kind, spot: spot, strike: strike, timeToExpiry: t, volatility: sigma, rate: Self.rate, dividendYield: Self.dividendYield)
        let black = Black76.price(kind: kind, forward: forward, strike: strike, timeToExpiry: t, volatility: sigma, rate: Self.rate)
        #expect(abs(scholes - black) < 1e-12)
        let scholesGreeks = BlackScholes.greeks(
            kind: kind, spot: spot, strike: strike, timeToExpiry: t, volatility: sigma, rate: Self.rate, dividendYield: Self.dividendYield)
        let blackGreeks = Black76.greeks(kind: kind, forward: forward, strike: strike, timeToExpiry: t, volatility: sigma, rate: Self.rate)
        #expect(abs(scholesGreeks.vega - blackGreeks.vega) < 1e-12)
        #expect(abs(scholesGreeks.delta - blackGreeks.delta * forwardGrowth) < 1e-12)
    }

    /// Finite-difference greeks in OpenAlgo units from a pricing function of (underlying, T, σ, r).
    private func numericalGreeks(
        underlying: Double, timeToExpiry t: Double, volatility sigma: Double, _ price: (Double, Double, Double, Double) -> Double
    ) -> OptionGreeks {
        let r = Self.rate
        // Steps scaled to the width of the distribution (F·σ√T), so short-dated options, whose
        // price curve bends over a few ticks, are not differenced across their whole curvature.
        let spotStep = underlying * sigma * t.squareRoot() * 1e-3
        let timeStep = min(1e-5, t / 10)
        return OptionGreeks(
            delta: OptionPricingSupport.centralDifference(at: underlying, step: spotStep) { price($0, t, sigma, r) },
            gamma: OptionPricingSupport.secondDifference(at: underlying, step: spotStep) { price($0, t, sigma, r) },
            theta: -OptionPricingSupport.centralDifference(at: t, step: timeStep) { price(underlying, $0, sigma, r) } / 365,
            vega: OptionPricingSupport.centralDifference(at: sigma, step: 1e-5) { price(underlying, t, $0, r) } * 0.01,
            rho: OptionPricingSupport.centralDifference(at: r, step: 1e-5) { price(underlying, t, sigma, $0) } * 0.01
        )
    }

    private func expect(_ analytic: OptionGreeks, matches numeric: OptionGreeks, sourceLocation: SourceLocation = #_sourceLocation) {
        let close = { (a: Double, n: Double) in OptionPricingSupport.isClose(a, n, absolute: 1e-7, relative: 1e-5) }
        #expect(close(analytic.delta, numeric.delta), "delta \(analytic.delta) vs \(numeric.delta)", sourceLocation: sourceLocation)
        #expect(close(analytic.gamma, numeric.gamma), "gamma \(analytic.gamma) vs \(numeric.gamma)", sourceLocation: sourceLocation)
        #expect(close(analytic.theta, numeric.theta), "theta \(analytic.theta) vs \(numeric.theta)", sourceLocation: sourceLocation)
        #expect(close(analytic.vega, numeric.vega), "vega \(analytic.vega) vs \(numeric.vega)", sourceLocation: sourceLocation)
        #expect(close(analytic.rho, numeric.rho), "rho \(analytic.rho) vs \(numeric.rho)", sourceLocation: sourceLocation)
    }
}
