// SPDX-License-Identifier: Apache-2.0

/// What the order path needs to know about an instrument's market at one moment: the last trade,
/// the best bid and ask, and the day's range (the stale-quote guard).
public struct PriceSnapshot: Sendable, Equatable {
    public var instrumentID: Int64
    public var lastPrice: Double
    /// 0 when the feed sends no bid.
    public var bid: Double
    /// 0 when the feed sends no ask.
    public var ask: Double
    /// 0 when unknown.
    public var dayLow: Double
    /// 0 when unknown.
    public var dayHigh: Double
    public var timestampNanos: Int64

    public init(
        instrumentID: Int64, lastPrice: Double, bid: Double = 0, ask: Double = 0, dayLow: Double = 0, dayHigh: Double = 0,
        timestampNanos: Int64 = 0
    ) {
        self.instrumentID = instrumentID
        self.lastPrice = lastPrice
        self.bid = bid
        self.ask = ask
        self.dayLow = dayLow
        self.dayHigh = dayHigh
        self.timestampNanos = timestampNanos
    }

    /// A last price outside the day's known range comes from a stale or inconsistent quote;
    /// nothing should fill on it.
    public var isStale: Bool {
        guard dayLow > 0, dayHigh > 0 else { return false }
        return lastPrice < dayLow - 1e-9 || lastPrice > dayHigh + 1e-9
    }
}
