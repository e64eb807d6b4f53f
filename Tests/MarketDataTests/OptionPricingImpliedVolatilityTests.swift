// SPDX-License-Identifier: Apache-2.0
import Foundation
import MarketData
import Testing

@Suite("Option pricing: implied volatility")
struct OptionPricingImpliedVolatilityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let kind: OptionKind
        let moneyness: Double
        let timeToExpiry: Double
        let volatility: Double

        var testDescription: String { "\(kind) K/F=\(moneyness) T=\(timeToExpiry) σ=\(volatility)" }
    }

    static let forward = 100.0
    static let rate = 0.065

    /// Kinds × strikes 0.7F…1.3F × T ∈ {1, 7, 30, 365 days} × σ ∈ {8%, 20%, 60%, 150%}.
    static let roundTripCases: [Case] = OptionKind.allCases.flatMap { kind in
        [0.7, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2, 1.3].flatMap { moneyness in
            [1.0 / 365, 7.0 / 365, 30.0 / 365, 1].flatMap { t in
                [0.08, 0.2, 0.6, 1.5].map { Case(kind: kind, moneyness: moneyness, timeToExpiry: t, volatility: $0) }
            }
        }
    }

    /// Pricing at σ and solving back recovers σ to 1e−6 wherever the premium carries time value
    /// above 1e−8 (below that the price no longer determines σ in double precision).
    @Test(arguments: roundTripCases)
    func roundTrip(_ c: Case) throws {
        let strike = Self.forward * c.moneyness
        let price = Black76.price(
            kind: c.kind, forward: Self.forward, strike: strike, timeToExpiry: c.timeToExpiry, volatility: c.volatility, rate: Self.rate)
        let intrinsic = exp(-Self.rate * c.timeToExpiry) * c.kind.intrinsicValue(underlying: Self.forward, strike: strike)
        guard price > intrinsic + 1e-8 else { return }
        let implied = try #require(
            ImpliedVolatility.black76(
                kind: c.kind, price: price, forward: Self.forward, strike: strike, timeToExpiry: c.timeToExpiry, rate: Self.rate))
        #expect(abs(implied - c.volatility) < 1e-6, "got \(implied)")
    }

    /// Guards the round trip against silently skipping most of its grid: only short-dated,
    /// low-volatility, far-from-the-money cases carry less than 1e−8 of time value.
    @Test func roundTripGridIsMostlyExercised() {
        let exercised = Self.roundTripCases.filter { c in
            let strike = Self.forward * c.moneyness
            let price = Black76.price(
                kind: c.kind, forward: Self.forward, strike: strike, timeToExpiry: c.timeToExpiry, volatility: c.volatility, rate: Self.rate)
            return price > exp(-Self.rate * c.timeToExpiry) * c.kind.intrinsicValue(underlying: Self.forward, strike: strike) + 1e-8
        }
        #expect(exercised.count >= 200, "only \(exercised.count) of \(Self.roundTripCases.count)")
    }

    @Test(arguments: OptionKind.allCases)
    func priceBelowIntrinsicIsRejected(kind: OptionKind) {
        let strike = kind == .call ? 90.0 : 110.0
        let intrinsic = exp(-Self.rate * 0.25) * 10
        #expect(solve(kind, price: intrinsic - 0.01, strike: strike) == nil)
        #expect(solve(kind, price: intrinsic - 1e-6, strike: strike) == nil)
    }

    @Test(arguments: OptionKind.allCases)
    func priceAboveUpperBoundIsRejected(kind: OptionKind) {
        let strike = 105.0
        let bound = exp(-Self.rate * 0.25) * (kind == .call ? Self.forward : strike)
        #expect(solve(kind, price: bound + 0.01, strike: strike) == nil)
        #expect(solve(kind, price: bound * 2, strike: strike) == nil)
    }

    @Test(arguments: OptionKind.allCases)
    func nonFiniteOrNonPositiveInputsAreRejected(kind: OptionKind) {
        let good = (price: 3.0, forward: 100.0, strike: 100.0, t: 0.25, rate: 0.065)
        let variants: [(Double, Double, Double, Double, Double)] = [
            (.nan, good.forward, good.strike, good.t, good.rate),
            (.infinity, good.forward, good.strike, good.t, good.rate),
            (good.price, .nan, good.strike, good.t, good.rate),
            (good.price, .infinity, good.strike, good.t, good.rate),
            (good.price, good.forward, .nan, good.t, good.rate),
            (good.price, good.forward, good.strike, .nan, good.rate),
            (good.price, good.forward, good.strike, .infinity, good.rate),
            (good.price, good.forward, good.strike, good.t, .nan),
            (0, good.forward, good.strike, good.t, good.rate),
            (-1, good.forward, good.strike, good.t, good.rate),
            (good.price, 0, good.strike, good.t, good.rate),
            (good.price, good.forward, -5, good.t, good.rate),
            (good.price, good.forward, good.strike, 0, good.rate),
            (good.price, good.forward, good.strike, -1, good.rate),
        ]
        for (price, forward, strike, t, rate) in variants {
            let implied = ImpliedVolatility.black76(kind: kind, price: price, forward: forward, strike: strike, timeToExpiry: t, rate: rate)
            #expect(implied == nil, "price=\(price) F=\(forward) K=\(strike) T=\(t) r=\(rate)")
        }
        // The unmodified inputs are valid, so the rejections above are due to the one bad field.
        #expect(
            ImpliedVolatility.black76(
                kind: kind, price: good.price, forward: good.forward, strike: good.strike, timeToExpiry: good.t, rate: good.rate) != nil)
    }

    /// A premium at intrinsic value (common for deep in-the-money quotes) or just under the
    /// no-arbitrage bound reports the edge of the search range rather than nothing.
    @Test(arguments: OptionKind.allCases)
    func pricesAtTheEdgesClampToTheSearchRange(kind: OptionKind) {
        let deepStrike = kind == .call ? 60.0 : 140.0
        let atIntrinsic = exp(-Self.rate * 0.25) * 40
        #expect(solve(kind, price: atIntrinsic, strike: deepStrike) == ImpliedVolatility.minimumVolatility)
        let strike = 100.0
        let nearBound = exp(-Self.rate * 0.25) * 100 * (1 - 1e-9)
        #expect(solve(kind, price: nearBound, strike: strike) == ImpliedVolatility.maximumVolatility)
    }

    /// Prices produced by the smile-driven simulator round-trip to the smile's own volatilities.
    @Test func recoversSmileVolatilities() throws {
        let smile = VolatilitySmile(atmVolatility: 0.14)
        for strike in stride(from: 85.0, through: 115.0, by: 2.5) {
            let t = 5.0 / 365
            let sigma = smile.volatility(strike: strike, forward: Self.forward, timeToExpiry: t)
            let kind: OptionKind = strike < Self.forward ? .put : .call
            let price = Black76.price(kind: kind, forward: Self.forward, strike: strike, timeToExpiry: t, volatility: sigma, rate: Self.rate)
            let implied = try #require(solve(kind, price: price, strike: strike, t: t))
            #expect(abs(implied - sigma) < 1e-6, "K=\(strike)")
        }
    }

    private func solve(_ kind: OptionKind, price: Double, strike: Double, t: Double = 0.25) -> Double? {
        ImpliedVolatility.black76(kind: kind, price: price, forward: Self.forward, strike: strike, timeToExpiry: t, rate: Self.rate)
    }
}
