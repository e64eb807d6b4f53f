// SPDX-License-Identifier: Apache-2.0
import Core

/// The aggregation state of one timeframe of one instrument: the open bar and what it has seen.
struct BarSlot: Sendable, Equatable {
    let timeframe: Timeframe
    /// The interval in seconds; 0 marks the daily bar, which follows the trading date instead.
    let intervalSeconds: Int64
    /// The bar in progress; meaningful only while `isOpen`.
    var bar: Bar
    var isOpen = false
    /// When the open bar ends (exclusive), epoch seconds: a full interval or the window close for
    /// intraday bars, the trading date's last close for the daily bar.
    var end: Int64 = 0
    /// The start of the newest bar this slot opened, whether still open or already closed. A tick
    /// for an earlier bar, or for a bar already closed, is dropped: that bar has been published.
    var latestStart = Int64.min

    init(timeframe: Timeframe) {
        self.timeframe = timeframe
        self.intervalSeconds = timeframe == .day ? 0 : Int64(timeframe.seconds)
        self.bar = Bar(instrumentID: 0, timeframe: timeframe, start: 0, open: 0, high: 0, low: 0, close: 0)
    }

    /// Folds one tick into the slot.
    /// - Parameters:
    ///   - isLate: The tick is older than one already seen; it may widen its bar's high and low,
    ///     but the close, open interest and end stay with the newer tick.
    /// - Returns: The bar this tick closed, if it starts a new one.
    mutating func add(_ tick: Tick, seconds: Int64, anchor: SessionAnchor, volume: Int64, isLate: Bool) -> Bar? {
        let start: Int64
        if intervalSeconds == 0 {
            start = anchor.dailyBarStart
        } else if isOpen && bar.start <= seconds && seconds < end {
            start = bar.start
        } else {
            start = anchor.barStart(epochSeconds: seconds, intervalSeconds: intervalSeconds)
        }
        if start < latestStart { return nil }
        let price = tick.lastPrice
        if start == latestStart {
            guard isOpen else { return nil }
            if price > bar.high { bar.high = price }
            if price < bar.low { bar.low = price }
            guard !isLate else { return nil }
            bar.close = price
            bar.volume += volume
            bar.openInterest = tick.openInterest
            if intervalSeconds == 0 { end = anchor.dayCloseSeconds }
            return nil
        }
        let closed: Bar? = isOpen ? bar : nil
        bar = Bar(
            instrumentID: tick.instrumentID, timeframe: timeframe, start: start, open: price, high: price, low: price, close: price,
            volume: isLate ? 0 : volume, openInterest: tick.openInterest)
        end = intervalSeconds == 0 ? anchor.dayCloseSeconds : anchor.barEnd(start: start, intervalSeconds: intervalSeconds)
        latestStart = start
        isOpen = true
        return closed
    }
}
