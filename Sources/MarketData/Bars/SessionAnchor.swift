// SPDX-License-Identifier: Apache-2.0
public import Core

/// The trading window a tick falls in: the origin intraday bars align to.
///
/// Indian brokers align 3m…1h bars to the session open, not to the clock, so NSE's 1h bars run
/// 09:15–10:15, …, 14:15–15:15 and 15:15–15:30. A bar never reaches past its window's close: the last
/// bar of a window is cut short there, and MCX's day and evening windows each start their own bars.
///
/// ```swift
/// var anchors = SessionAnchors(calendar: calendar, alwaysOpen: false)
/// if let anchor = anchors.anchor(exchange: .nse, epochSeconds: tick.timestampSeconds) {
///     published += aggregator.add(tick, anchor: anchor)
/// }
/// ```
public struct SessionAnchor: Sendable, Equatable {
    /// The exchange's trading date (in IST), which the daily bar is named after.
    public var tradingDate: LocalDate
    /// Window open in epoch seconds (UTC); intraday bars start at `openSeconds + k × interval`.
    public var openSeconds: Int64
    /// Window close in epoch seconds, exclusive; the last bar of the window ends here.
    public var closeSeconds: Int64
    /// When the trading date's last window closes, which is when its daily bar ends. It is carried
    /// here because a daily bar spans every window of the date (MCX's day and evening sessions), so
    /// the close of the window of its latest tick would end it too early.
    public var dayCloseSeconds: Int64

    /// - Parameters:
    ///   - tradingDate: The trading date in IST.
    ///   - openSeconds: Window open, epoch seconds.
    ///   - closeSeconds: Window close (exclusive), epoch seconds.
    ///   - dayCloseSeconds: The close of the date's last window; defaults to `closeSeconds`, right
    ///     for a date with a single window.
    public init(tradingDate: LocalDate, openSeconds: Int64, closeSeconds: Int64, dayCloseSeconds: Int64? = nil) {
        self.tradingDate = tradingDate
        self.openSeconds = openSeconds
        self.closeSeconds = closeSeconds
        self.dayCloseSeconds = dayCloseSeconds ?? closeSeconds
    }

    /// True when `epochSeconds` lies in the window, `open ..< close`.
    public func contains(epochSeconds: Int64) -> Bool { openSeconds <= epochSeconds && epochSeconds < closeSeconds }

    /// The daily bar's start: 00:00 UTC of the trading date, the OpenAlgo wire convention.
    public var dailyBarStart: Int64 { Int64(tradingDate.daysSinceEpoch) * 86_400 }

    /// The start of the intraday bar of `intervalSeconds` holding `epochSeconds`.
    /// - Precondition: `epochSeconds >= openSeconds` and `intervalSeconds > 0`; callers check
    ///   ``contains(epochSeconds:)`` first, so the division never rounds towards the wrong bar.
    func barStart(epochSeconds: Int64, intervalSeconds: Int64) -> Int64 {
        openSeconds + (epochSeconds - openSeconds) / intervalSeconds * intervalSeconds
    }

    /// The end of the intraday bar starting at `start`: a full interval, or the window close.
    func barEnd(start: Int64, intervalSeconds: Int64) -> Int64 { min(start + intervalSeconds, closeSeconds) }
}
