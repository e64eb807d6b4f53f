// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The standard normal distribution, the only special function the Black models need.
///
/// The CDF is written with `erfc` rather than `1 + erf` because `erfc` keeps full relative
/// precision in the lower tail: N(−10) ≈ 7.6e−24 comes out right instead of rounding to 0, which
/// is what lets deep out-of-the-money prices and their implied volatilities stay accurate.
package enum StandardNormal {
    /// 1/√2, so the CDF needs no division on the hot path.
    private static let inverseSquareRootOfTwo = 0.707_106_781_186_547_524_4
    /// 1/√(2π), the density's normalising constant.
    private static let inverseSquareRootOfTwoPi = 0.398_942_280_401_432_677_9

    /// The cumulative distribution function N(x) = P(Z ≤ x).
    ///
    /// - Parameter x: Any value; ±infinity give 0 and 1.
    /// - Returns: A probability in [0, 1]; NaN only for a NaN input.
    package static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x * inverseSquareRootOfTwo)
    }

    /// The probability density function n(x) = e^(−x²/2) / √(2π).
    ///
    /// - Parameter x: Any value; ±infinity give 0.
    /// - Returns: The density, never negative; NaN only for a NaN input.
    package static func pdf(_ x: Double) -> Double {
        inverseSquareRootOfTwoPi * exp(-0.5 * x * x)
    }
}
