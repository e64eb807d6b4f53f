// SPDX-License-Identifier: Apache-2.0
public import Core

/// The price an expired contract settles at, free of I/O.
///
/// A future settles at its last price. An option settles at its intrinsic value against the
/// underlying's last price: a call at max(0, S − K), a put at max(0, K − S). A trade's price must
/// be positive (the schema's CHECK on `trades.price`), so an option that expires worthless is
/// closed at one tick: the holder of a long lot is credited one tick per unit too much and the
/// writer of a short one debited as much. That is the honest cost of closing through a real trade.
public enum ExpirySettlementPrice {
    /// - Parameters:
    ///   - contractLast: the contract's own last price (futures).
    ///   - underlyingLast: the underlying's last price (options).
    /// - Returns: nil when the price it needs is unknown (the position then waits for a later run),
    ///   or for instruments that do not expire.
    public static func price(
        type: InstrumentType, strike: Double?, contractLast: Double?, underlyingLast: Double?, tickSize: Double
    ) -> Double? {
        switch type {
        case .future:
            guard let last = contractLast, last.isFinite, last > 0 else { return nil }
            return last
        case .call, .put:
            guard let spot = underlyingLast, spot.isFinite, spot > 0, let strike, strike > 0 else { return nil }
            let intrinsic = type == .call ? max(0, spot - strike) : max(0, strike - spot)
            return max(intrinsic, tickSize > 0 ? tickSize : 0.05)
        case .equity, .index:
            return nil
        }
    }
}
