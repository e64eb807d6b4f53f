// SPDX-License-Identifier: Apache-2.0
import Foundation
import MarketData
import Testing

/// Put–call parity, degenerate inputs and the expiry clock.
@Suite("Option pricing: parity and edge cases")
struct OptionPricingParityTests {
    static let strikes: [Double] = [50, 70, 90, 97.5, 100, 102.5, 110, 130, 200]
    static let times: [Double] = [1.0 / 365, 7.0 / 365, 30.0 / 365, 1, 3]
    static let volatilities: [Double] = [0.05, 0.3, 1.2]
    static let rates: [Double] = [0, 0.065, -0.01]

    /// C − P = e^(−rT)(F − K).
    @Test(arguments: strikes)
    func black76PutCallParity(strike: Double) {
        let forward = 100.0
        for t in Self.times {
            for sigma in Self.volatilities {
                for r in Self.rates {
                    let call = Black76.price(kind: .call, forward: forward, strike: strike, timeToExpiry: t, volatility: sigma, rate: r)
                    let put = Black76.price(kind: .put, forward: forward, strike: strike, timeToExpiry: t, volatility: sigma, rate: r)
                    let parity = exp(-r * t) * (forward - strike)
                    #expect(abs(call - put - parity) < 1e-11, "T=\(t) σ=\(sigma) r=\(r)")
                }
            }
        }
    }

    /// C − P = S e^(−qT) − K e^(−rT).
    @Test(arguments: strikes)
    func blackScholesPutCallParity(strike: Double) {
        let spot = 100.0
        for t in Self.times {
            for sigma in Self.volatilities {
                for r in Self.rates {
                    for q in [0, 0.02] {
                        let call = BlackScholes.price(
                            kind: .call, spot: spot, strike: strike, timeToExpiry: t, volatility: sigma, rate: r, dividendYield: q)
                        let put = BlackScholes.price(
                            kind: .put, spot: spot, strike: strike, timeToExpiry: t, volatility: sigma, rate: r, dividendYield: q)
                        let parity = spot * exp(-q * t) - strike * exp(-r * t)
                        #expect(abs(call - put - parity) < 1e-11, "T=\(t) σ=\(sigma) r=\(r) q=\(q)")
                    }
                }
            }
        }
    }

    struct Degenerate: Sendable, CustomTestStringConvertible {
        let kind: OptionKind
        let forward: Double
        let strike: Double
        let timeToExpiry: Double
        let volatility: Double
        let expectedDelta: Double

        var testDescription: String { "\(kind) F=\(forward) K=\(strike) T=\(timeToExpiry) σ=\(volatility)" }
    }

    static let degenerate: [Degenerate] = [
        // Expired: undiscounted intrinsic, delta 1 / 0 / −1.
        Degenerate(kind: .call, forward: 110, strike: 100, timeToExpiry: 0, volatility: 0.2, expectedDelta: 1),
        Degenerate(kind: .call, forward: 90, strike: 100, timeToExpiry: 0, volatility: 0.2, expectedDelta: 0),
        Degenerate(kind: .put, forward: 90, strike: 100, timeToExpiry: 0, volatility: 0.2, expectedDelta: -1),
        Degenerate(kind: .put, forward: 110, strike: 100, timeToExpiry: -0.01, volatility: 0.2, expectedDelta: 0),
        Degenerate(kind: .call, forward: 100, strike: 100, timeToExpiry: 0, volatility: 0.2, expectedDelta: 0.5),
        // No volatility before expiry: discounted intrinsic, delta ±e^(−rT).
        Degenerate(kind: .call, forward: 110, strike: 100, timeToExpiry: 0.5, volatility: 0, expectedDelta: exp(-0.065 * 0.5)),
        Degenerate(kind: .put, forward: 90, strike: 100, timeToExpiry: 0.5, volatility: -0.1, expectedDelta: -exp(-0.065 * 0.5)),
        Degenerate(kind: .put, forward: 110, strike: 100, timeToExpiry: 0.5, volatility: 0, expectedDelta: 0),
        // A worthless underlying or a zero strike.
        Degenerate(kind: .call, forward: 0, strike: 100, timeToExpiry: 0.5, volatility: 0.3, expectedDelta: 0),
        Degenerate(kind: .put, forward: 100, strike: 0, timeToExpiry: 0.5, volatility: 0.3, expectedDelta: 0),
        // σ√T far below a nanosecond of time value: treated as zero rather than overflowing gamma.
        Degenerate(kind: .call, forward: 100, strike: 100, timeToExpiry: 1e-300, volatility: 1e-10, expectedDelta: 0.5),
    ]

    @Test(arguments: degenerate)
    func black76DegenerateInputsGiveDiscountedIntrinsic(_ c: Degenerate) {
        let rate = 0.065
        let discount = exp(-rate * max(c.timeToExpiry, 0))
        let price = Black76.price(
            kind: c.kind, forward: c.forward, strike: c.strike, timeToExpiry: c.timeToExpiry, volatility: c.volatility, rate: rate)
        #expect(abs(price - discount * c.kind.intrinsicValue(underlying: c.forward, strike: c.strike)) < 1e-12)
        let greeks = Black76.greeks(
            kind: c.kind, forward: c.forward, strike: c.strike, timeToExpiry: c.timeToExpiry, volatility: c.volatility, rate: rate)
        #expect(OptionPricingSupport.isFinite(greeks))
        #expect(abs(greeks.delta - c.expectedDelta) < 1e-12)
        #expect(greeks.gamma == 0)
        #expect(greeks.vega == 0)
        if c.timeToExpiry <= 0 {
            #expect(greeks.theta == 0 && greeks.rho == 0)
        }
    }

    @Test(arguments: degenerate)
    func blackScholesDegenerateInputsGiveDiscountedIntrinsic(_ c: Degenerate) {
        let (rate, dividendYield) = (0.065, 0.0)
        let t = max(c.timeToExpiry, 0)
        // With q = 0 the deterministic value is max(±(S − K e^(−rT)), 0).
        let expected = c.kind.intrinsicValue(underlying: c.forward, strike: c.strike * exp(-rate * t))
        let price = BlackScholes.price(
            kind: c.kind, spot: c.forward, strike: c.strike, timeToExpiry: c.timeToExpiry, volatility: c.volatility, rate: rate,
            dividendYield: dividendYield)
        #expect(abs(price - expected) < 1e-12)
        let greeks = BlackScholes.greeks(
            kind: c.kind, spot: c.forward, strike: c.strike, timeToExpiry: c.timeToExpiry, volatility: c.volatility, rate: rate,
            dividendYield: dividendYield)
        #expect(OptionPricingSupport.isFinite(greeks))
        #expect(greeks.gamma == 0 && greeks.vega == 0)
    }

    /// Zero volatility before expiry: theta and rho are those of the deterministic discounted
    /// payoff, so they still match finite differences of the price.
    @Test(arguments: OptionKind.allCases)
    func zeroVolatilityThetaAndRhoAreDeterministic(kind: OptionKind) {
        let (forward, t, r) = (100.0, 0.5, 0.065)
        let strike = kind == .call ? 90.0 : 110.0
        let greeks = Black76.greeks(kind: kind, forward: forward, strike: strike, timeToExpiry: t, volatility: 0, rate: r)
        let theta =
            -OptionPricingSupport.centralDifference(at: t, step: 1e-6) {
                Black76.price(kind: kind, forward: forward, strike: strike, timeToExpiry: $0, volatility: 0, rate: r)
            } / 365
        let rho =
            OptionPricingSupport.centralDifference(at: r, step: 1e-6) {
                Black76.price(kind: kind, forward: forward, strike: strike, timeToExpiry: t, volatility: 0, rate: $0)
            } * 0.01
        #expect(abs(greeks.theta - theta) < 1e-8)
        #expect(abs(greeks.rho - rho) < 1e-8)
    }

    /// Extreme but finite inputs stay finite rather than overflowing into NaN.
    @Test(arguments: OptionKind.allCases)
    func extremeInputsStayFinite(kind: OptionKind) {
        for (t, sigma) in [(1e-12, 0.2), (0.5, 1e-12), (0.5, 1e150), (1e6, 5.0), (1.0 / 365, 1e-9)] {
            let price = Black76.price(kind: kind, forward: 100, strike: 120, timeToExpiry: t, volatility: sigma, rate: 0.05)
            let greeks = Black76.greeks(kind: kind, forward: 100, strike: 120, timeToExpiry: t, volatility: sigma, rate: 0.05)
            #expect(price.isFinite && price >= 0, "T=\(t) σ=\(sigma)")
            #expect(OptionPricingSupport.isFinite(greeks), "T=\(t) σ=\(sigma)")
        }
    }

    @Test func yearsToExpiry() {
        #expect(OptionClock.yearsToExpiry(nowEpochSeconds: 1_700_000_000, expiryEpochSeconds: 1_700_086_400) == 1.0 / 365)
        #expect(OptionClock.yearsToExpiry(nowEpochSeconds: 0, expiryEpochSeconds: 365 * 86_400) == 1)
        #expect(OptionClock.yearsToExpiry(nowEpochSeconds: 1_700_086_400, expiryEpochSeconds: 1_700_000_000) == 0)
        #expect(OptionClock.yearsToExpiry(nowEpochSeconds: 5, expiryEpochSeconds: 5) == 0)
        // Extremes would overflow Int64 subtraction; the Double arithmetic must not trap.
        #expect(OptionClock.yearsToExpiry(nowEpochSeconds: .min, expiryEpochSeconds: .max) > 0)
        #expect(OptionClock.yearsToExpiry(nowEpochSeconds: .max, expiryEpochSeconds: .min) == 0)
    }
}
