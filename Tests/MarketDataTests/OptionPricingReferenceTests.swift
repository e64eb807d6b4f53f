// SPDX-License-Identifier: Apache-2.0
import MarketData
import Testing

/// Published worked examples and an independent implementation, so a shared misunderstanding of
/// the formulas between code and test cannot pass unnoticed.
@Suite("Option pricing: reference values")
struct OptionPricingReferenceTests {
    /// Hull, "Options, Futures, and Other Derivatives", Black–Scholes–Merton worked example:
    /// S = 42, K = 40, r = 10%, σ = 20%, T = 0.5 gives c = 4.76 and p = 0.81.
    @Test func hullBlackScholesExample() {
        let call = BlackScholes.price(kind: .call, spot: 42, strike: 40, timeToExpiry: 0.5, volatility: 0.20, rate: 0.10)
        let put = BlackScholes.price(kind: .put, spot: 42, strike: 40, timeToExpiry: 0.5, volatility: 0.20, rate: 0.10)
        #expect(abs(call - 4.76) < 0.005)
        #expect(abs(put - 0.81) < 0.005)
    }

    /// Hull, futures-options chapter (Black's model) worked example: a European put on a futures
    /// with F = K = 20, r = 9%, σ = 25%, T = 4 months is worth 1.12.
    @Test func hullBlack76FuturesPut() {
        let put = Black76.price(kind: .put, forward: 20, strike: 20, timeToExpiry: 4.0 / 12, volatility: 0.25, rate: 0.09)
        #expect(abs(put - 1.12) < 0.005)
    }

    /// Haug, "The Complete Guide to Option Pricing Formulas" (2nd ed.), Black-76 example:
    /// F = K = 19, T = 0.75, r = 10%, σ = 28% gives c = p = 1.7011.
    @Test(arguments: OptionKind.allCases)
    func haugBlack76Example(kind: OptionKind) {
        let price = Black76.price(kind: kind, forward: 19, strike: 19, timeToExpiry: 0.75, volatility: 0.28, rate: 0.10)
        #expect(abs(price - 1.7011) < 5e-5)
    }

    /// Haug (2nd ed.), generalised Black–Scholes (Merton 1973) example: S = 100, K = 95, T = 0.5,
    /// r = 10%, q = 5%, σ = 20% gives p = 2.4648.
    @Test func haugMertonDividendYieldPut() {
        let put = BlackScholes.price(
            kind: .put, spot: 100, strike: 95, timeToExpiry: 0.5, volatility: 0.20, rate: 0.10, dividendYield: 0.05)
        #expect(abs(put - 2.4648) < 5e-5)
    }

    /// Hull, stock-index options worked example: S = 930, K = 900, r = 8%, q = 3%, σ = 20%,
    /// T = 2 months gives c = 51.83.
    @Test func hullIndexOptionWithDividendYield() {
        let call = BlackScholes.price(
            kind: .call, spot: 930, strike: 900, timeToExpiry: 2.0 / 12, volatility: 0.20, rate: 0.08, dividendYield: 0.03)
        #expect(abs(call - 51.83) < 0.005)
    }

    /// Hull, "The Greek Letters" chapter: S = 49, K = 50, r = 5%, σ = 20%, T = 20 weeks (0.3846)
    /// gives Δ = 0.522, Γ = 0.066, Θ = −4.31 per year, vega = 12.1 and ρ = 8.91 per unit, which in
    /// OpenAlgo's units are Θ = −4.31/365 per day, vega = 0.121 per point and ρ = 0.0891 per 1%.
    @Test func hullGreeksExample() {
        let greeks = BlackScholes.greeks(kind: .call, spot: 49, strike: 50, timeToExpiry: 0.3846, volatility: 0.20, rate: 0.05)
        #expect(abs(greeks.delta - 0.522) < 5e-4)
        #expect(abs(greeks.gamma - 0.066) < 5e-4)
        #expect(abs(greeks.theta - (-4.31 / 365)) < 0.005 / 365)
        #expect(abs(greeks.vega - 0.121) < 5e-4)
        #expect(abs(greeks.rho - 0.0891) < 5e-5)
    }

    /// Known values of N(x) (from scipy.stats.norm), including the far tail where `1 + erf` would
    /// have rounded to 0.
    @Test(arguments: [
        (0.0, 0.5), (1.96, 0.975_002_104_851_779_5), (-1.0, 0.158_655_253_931_457_07),
        (-3.0, 0.001_349_898_031_630_093_3), (5.0, 0.999_999_713_348_428_1), (-10.0, 7.619_853_024_160_47e-24),
        (-20.0, 2.753_624_118_606_155_6e-89),
    ])
    func normalDistribution(x: Double, expected: Double) {
        #expect(OptionPricingSupport.isClose(StandardNormal.cdf(x), expected, absolute: 0, relative: 1e-13))
        #expect(OptionPricingSupport.isClose(StandardNormal.cdf(x) + StandardNormal.cdf(-x), 1, absolute: 1e-15))
    }

    @Test func normalDensity() {
        #expect(OptionPricingSupport.isClose(StandardNormal.pdf(0), 0.398_942_280_401_432_7, absolute: 1e-16))
        #expect(OptionPricingSupport.isClose(StandardNormal.pdf(-1.5), 0.129_517_595_665_891_74, absolute: 1e-16))
        #expect(StandardNormal.pdf(.infinity) == 0)
    }

    /// The production pricers agree with the longhand textbook version (whose N(x) is only good to
    /// 7.5e−8) over a spread of moneyness, maturity, volatility and carry.
    @Test(arguments: OptionKind.allCases, [0.6, 0.9, 1.0, 1.15, 1.6])
    func agreesWithTextbookImplementation(kind: OptionKind, moneyness: Double) {
        let call = kind == .call
        for t in [7.0 / 365, 0.25, 1.5] {
            for sigma in [0.1, 0.35, 0.9] {
                let strike = 100 * moneyness
                let black = Black76.price(kind: kind, forward: 100, strike: strike, timeToExpiry: t, volatility: sigma, rate: 0.065)
                let blackReference = TextbookPricer.black76(call: call, f: 100, k: strike, t: t, sigma: sigma, r: 0.065)
                #expect(abs(black - blackReference) < 3e-5, "Black-76 T=\(t) σ=\(sigma)")
                let scholes = BlackScholes.price(
                    kind: kind, spot: 100, strike: strike, timeToExpiry: t, volatility: sigma, rate: 0.065, dividendYield: 0.015)
                let scholesReference = TextbookPricer.blackScholes(call: call, s: 100, k: strike, t: t, sigma: sigma, r: 0.065, q: 0.015)
                #expect(abs(scholes - scholesReference) < 3e-5, "Black–Scholes T=\(t) σ=\(sigma)")
            }
        }
    }
}
