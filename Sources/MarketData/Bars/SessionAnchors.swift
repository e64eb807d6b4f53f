// SPDX-License-Identifier: Apache-2.0
public import Core

/// Finds the ``SessionAnchor`` of a tick from the trading calendar, caching each exchange's day.
///
/// Only normal (continuous trading) windows anchor bars: pre-open and post-close ticks get no
/// anchor, so the hub builds session-only bars, as brokers do. Each normal window anchors on its
/// own, so a bar never spans the gap between MCX's day and evening sessions.
///
/// With `alwaysOpen` (the simulator and development runs, which trade around the clock) a time
/// outside every normal window still gets an anchor: the stretch of the IST calendar day between
/// normal windows that holds it. On a day without normal windows (a weekend, a holiday) that stretch
/// is the whole day, IST midnight to the next IST midnight. Filling only the gaps, rather than
/// anchoring every such tick to the whole day, keeps bars from overlapping the session's own bars:
/// a whole-day 15:00 1h bar would start before the session's 15:15 bar and be dropped as late.
///
/// A value type that mutates its cache, so each aggregation loop owns one; rebuild it when the
/// calendar is reloaded.
public struct SessionAnchors: Sendable {
    public let calendar: TradingCalendar
    public let alwaysOpen: Bool

    private struct DayKey: Hashable {
        let exchange: ExchangeCode
        let day: Int
    }

    private struct Recent {
        let exchange: ExchangeCode
        let anchor: SessionAnchor
    }

    /// Each (calendar exchange, IST date) seen, with its anchors in time order.
    private var days: [DayKey: [SessionAnchor]] = [:]
    /// The last anchor handed out per exchange: almost every tick falls in it, and a short linear
    /// scan of small-string comparisons is cheaper than hashing a key per tick.
    private var recent: [Recent] = []

    /// Days kept before the cache is emptied; enough for every exchange over a replay of a few days.
    private static let cacheLimit = 256

    public init(calendar: TradingCalendar, alwaysOpen: Bool) {
        self.calendar = calendar
        self.alwaysOpen = alwaysOpen
    }

    /// The anchor of the normal window of `exchange` holding `epochSeconds`, or with `alwaysOpen`
    /// the synthetic anchor of the stretch between windows that holds it.
    /// - Returns: nil outside every normal window when `alwaysOpen` is false; the hub drops such ticks
    ///   from bar aggregation.
    public mutating func anchor(exchange: ExchangeCode, epochSeconds: Int64) -> SessionAnchor? {
        for entry in recent where entry.exchange == exchange && entry.anchor.contains(epochSeconds: epochSeconds) {
            return entry.anchor
        }
        let date = LocalDate(secondsSinceEpoch: epochSeconds, utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
        let key = DayKey(exchange: exchange.calendarExchange, day: date.daysSinceEpoch)
        let dayAnchors: [SessionAnchor]
        if let cached = days[key] {
            dayAnchors = cached
        } else {
            dayAnchors = anchors(on: date, exchange: exchange)
            if days.count >= Self.cacheLimit { days.removeAll(keepingCapacity: true) }
            days[key] = dayAnchors
        }
        guard let found = dayAnchors.first(where: { $0.contains(epochSeconds: epochSeconds) }) else { return nil }
        if let index = recent.firstIndex(where: { $0.exchange == exchange }) {
            recent[index] = Recent(exchange: exchange, anchor: found)
        } else {
            recent.append(Recent(exchange: exchange, anchor: found))
        }
        return found
    }

    /// Every anchor of `exchange` on the IST date `date`, in time order, without caching.
    ///
    /// Normal windows become anchors; a window overlapping the one before it (a misconfigured
    /// calendar) is clipped to start at that one's close, so anchors never overlap. With
    /// `alwaysOpen` the gaps between them, from IST midnight to the next, are anchors too.
    public func anchors(on date: LocalDate, exchange: ExchangeCode) -> [SessionAnchor] {
        let midnight = Int64(date.daysSinceEpoch) * 86_400 - Int64(TradingCalendar.istOffsetSeconds)
        let nextMidnight = midnight + 86_400
        var windows: [(open: Int64, close: Int64)] = []
        let normal = calendar.openWindows(on: date, exchange: exchange).filter { $0.type == .normal }
        for entry in normal.sorted(by: { $0.window.start < $1.window.start }) {
            var open = midnight + Int64(entry.window.start.minutes) * 60
            let close = midnight + Int64(entry.window.end.minutes) * 60
            if let last = windows.last { open = max(open, last.close) }
            if open < close { windows.append((open, close)) }
        }
        if alwaysOpen {
            var filled: [(open: Int64, close: Int64)] = []
            var cursor = midnight
            for window in windows {
                if cursor < window.open { filled.append((cursor, window.open)) }
                filled.append(window)
                cursor = window.close
            }
            if cursor < nextMidnight { filled.append((cursor, nextMidnight)) }
            windows = filled
        }
        let dayClose = alwaysOpen ? nextMidnight : windows.last?.close ?? nextMidnight
        return windows.map { SessionAnchor(tradingDate: date, openSeconds: $0.open, closeSeconds: $0.close, dayCloseSeconds: dayClose) }
    }
}
