// SPDX-License-Identifier: Apache-2.0

/// The configurable pre-trade checks (each a `risk.*` setting; 0 turns a check off).
public struct PreTradeLimits: Sendable, Equatable {
    /// A LIMIT or SL price (or a trigger) further than this from the LTP is a fat finger.
    public var priceBandPercent = 20.0
    /// Largest quantity one order may carry (units, not lots).
    public var maxOrderQuantity: Int64 = 0
    /// Largest value (quantity × price) one order may carry, in rupees.
    public var maxOrderValue = 0.0
    /// Enforce market hours and holidays from the trading calendar.
    public var enforceMarketHours = true

    public init() {}
}
