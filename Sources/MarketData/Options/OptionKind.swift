// SPDX-License-Identifier: Apache-2.0

/// The right an option grants: to buy (`call`) or to sell (`put`) the underlying at the strike.
///
/// Exchanges spell these `CE`/`PE`; the pricing code only needs the payoff's direction, so the
/// mapping from exchange symbols stays with the instrument code that parses them.
public enum OptionKind: Sendable, Hashable, CaseIterable {
    case call
    case put

    /// The payoff at expiry for an underlying (or forward) at `underlying`: `max(S − K, 0)` for a
    /// call and `max(K − S, 0)` for a put.
    ///
    /// - Parameters:
    ///   - underlying: The underlying or forward price.
    ///   - strike: The strike price.
    /// - Returns: The non-negative intrinsic value; NaN only if an input is NaN.
    public func intrinsicValue(underlying: Double, strike: Double) -> Double {
        switch self {
        case .call: max(underlying - strike, 0)
        case .put: max(strike - underlying, 0)
        }
    }
}
