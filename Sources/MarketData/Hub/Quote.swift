// SPDX-License-Identifier: Apache-2.0
public import Core

/// The latest state of one instrument: its last tick plus the day's statistics, as `quotes`,
/// `depth` and the WebSocket Quote mode report them.
public struct Quote: Sendable, Equatable {
    public var tick: Tick
    /// The IST trading date the day statistics belong to.
    public var tradingDate: LocalDate
    public var open: Double
    public var high: Double
    public var low: Double
    public var previousClose: Double
    /// Σ price × quantity and Σ quantity of the day, for the average traded price.
    private var tradedValue: Double
    private var tradedQuantity: Int64

    /// Starts a quote from the first tick of a day.
    public init(first tick: Tick, tradingDate: LocalDate, previousClose: Double) {
        self.tick = tick
        self.tradingDate = tradingDate
        open = tick.dayOpen > 0 ? tick.dayOpen : tick.lastPrice
        high = tick.dayHigh > 0 ? tick.dayHigh : tick.lastPrice
        low = tick.dayLow > 0 ? tick.dayLow : tick.lastPrice
        self.previousClose = tick.previousClose > 0 ? tick.previousClose : previousClose
        tradedValue = tick.lastPrice * Double(tick.lastQuantity)
        tradedQuantity = tick.lastQuantity
    }

    /// Folds a later tick of the same instrument in. A tick of a new trading date starts a new
    /// day whose previous close is the last price of the old one.
    public mutating func apply(_ next: Tick, tradingDate date: LocalDate) {
        if date != tradingDate {
            self = Quote(first: next, tradingDate: date, previousClose: tick.lastPrice)
            return
        }
        tick = next
        open = next.dayOpen > 0 ? next.dayOpen : open
        high = next.dayHigh > 0 ? next.dayHigh : max(high, next.lastPrice)
        low = next.dayLow > 0 ? next.dayLow : min(low, next.lastPrice)
        if next.previousClose > 0 { previousClose = next.previousClose }
        tradedValue += next.lastPrice * Double(next.lastQuantity)
        tradedQuantity += next.lastQuantity
    }

    public var lastPrice: Double { tick.lastPrice }

    /// The day's volume-weighted average traded price; the last price when nothing traded.
    public var averagePrice: Double { tradedQuantity > 0 ? tradedValue / Double(tradedQuantity) : tick.lastPrice }

    public var change: Double { previousClose > 0 ? tick.lastPrice - previousClose : 0 }

    public var changePercent: Double { previousClose > 0 ? (tick.lastPrice - previousClose) / previousClose * 100 : 0 }
}
