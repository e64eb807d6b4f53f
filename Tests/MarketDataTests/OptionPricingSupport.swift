// SPDX-License-Identifier: Apache-2.0
import Foundation
import MarketData

/// Helpers shared by the option-pricing tests: tolerant comparison, finite differences and an
/// independent textbook pricer to compare against.
enum OptionPricingSupport {
    /// True when `actual` is within `absolute + relative·|expected|` of `expected`.
    static func isClose(_ actual: Double, _ expected: Double, absolute: Double, relative: Double = 0) -> Bool {
        abs(actual - expected) <= absolute + relative * abs(expected)
    }

    /// (f(x + h) − f(x − h)) / 2h.
    static func centralDifference(at x: Double, step h: Double, _ f: (Double) -> Double) -> Double {
        (f(x + h) - f(x - h)) / (2 * h)
    }

    /// (f(x + h) − 2f(x) + f(x − h)) / h².
    static func secondDifference(at x: Double, step h: Double, _ f: (Double) -> Double) -> Double {
        (f(x + h) - 2 * f(x) + f(x - h)) / (h * h)
    }

    /// True when every greek is a finite number.
    static func isFinite(_ greeks: OptionGreeks) -> Bool {
        [greeks.delta, greeks.gamma, greeks.theta, greeks.vega, greeks.rho].allSatisfy(\.isFinite)
    }
}

/// A deliberately separate textbook implementation used as a cross-check: Hull's formulas written
/// out longhand with the Abramowitz & Stegun 26.2.17 polynomial for N(x) (absolute error below
/// 7.5e−8), sharing no code with the production pricers, which use `erfc`.
enum TextbookPricer {
    /// Abramowitz & Stegun, Handbook of Mathematical Functions, formula 26.2.17.
    static func normalCDF(_ x: Double) -> Double {
        let p = 0.231_641_9
        let b = [0.319_381_530, -0.356_563_782, 1.781_477_937, -1.821_255_978, 1.330_274_429]
        let t = 1 / (1 + p * abs(x))
        var poly = 0.0
        for coefficient in b.reversed() { poly = poly * t + coefficient }
        let tail = exp(-x * x / 2) / (2 * Double.pi).squareRoot() * poly * t
        return x >= 0 ? 1 - tail : tail
    }

    /// Black–Scholes–Merton with dividend yield q (Hull, "Options, Futures, and Other Derivatives").
    static func blackScholes(call: Bool, s: Double, k: Double, t: Double, sigma: Double, r: Double, q: Double) -> Double {
        let d1 = (log(s / k) + (r - q + sigma * sigma / 2) * t) / (sigma * t.squareRoot())
        let d2 = d1 - sigma * t.squareRoot()
        if call {
            return s * exp(-q * t) * normalCDF(d1) - k * exp(-r * t) * normalCDF(d2)
        }
        return k * exp(-r * t) * normalCDF(-d2) - s * exp(-q * t) * normalCDF(-d1)
    }

    /// Black-76: Black–Scholes–Merton with q = r on the futures price (Hull's "futures options").
    static func black76(call: Bool, f: Double, k: Double, t: Double, sigma: Double, r: Double) -> Double {
        blackScholes(call: call, s: f, k: k, t: t, sigma: sigma, r: r, q: r)
    }
}
