// SPDX-License-Identifier: Apache-2.0
public import Core

/// An interval the OpenAlgo `history` endpoint accepts. Raw values are the wire spellings.
///
/// RealAlgo stores bars only for the ``Timeframe`` set; every other interval is derived on request
/// by ``BarResampler`` from the stored bars of its ``baseTimeframe``. Storing 23 series per
/// instrument would multiply the bar table for intervals that are rarely asked for, while resampling
/// a day of 5s bars is a single pass over a few thousand rows.
///
/// ```swift
/// guard let interval = HistoryInterval(rawValue: request.interval) else { throw … }
/// let stored = try await repository.bars(instrumentID: id, timeframe: interval.baseTimeframe, from: start, until: end)
/// let bars = BarResampler.resample(stored, to: interval) { anchors.anchor(exchange: exchange, epochSeconds: $0) }
/// ```
public enum HistoryInterval: String, CaseIterable, Sendable {
    case s1 = "1s", s5 = "5s", s10 = "10s", s15 = "15s", s30 = "30s", s45 = "45s"
    case m1 = "1m", m2 = "2m", m3 = "3m", m5 = "5m", m10 = "10m", m15 = "15m", m20 = "20m", m30 = "30m"
    case h1 = "1h", h2 = "2h", h3 = "3h", h4 = "4h"
    case day = "D", week = "W", month = "M", quarter = "Q", year = "Y"

    /// The stored timeframe this interval is built from: the largest one whose length divides it,
    /// so each output bar is a whole number of stored bars and the fewest rows are read. A stored
    /// interval maps to itself; weeks, months, quarters and years are built from daily bars.
    public var baseTimeframe: Timeframe {
        switch self {
        case .s1: .s1
        case .s5, .s10, .s15, .s30, .s45: .s5
        case .m1, .m2: .m1
        case .m3: .m3
        case .m5, .m10, .m20: .m5
        case .m15: .m15
        case .m30: .m30
        case .h1, .h2, .h3, .h4: .h1
        case .day, .week, .month, .quarter, .year: .day
        }
    }

    /// The length in seconds of an intraday interval; nil for D, W, M, Q and Y, whose bars follow the
    /// calendar rather than a fixed length.
    public var seconds: Int? {
        switch self {
        case .s1: 1
        case .s5: 5
        case .s10: 10
        case .s15: 15
        case .s30: 30
        case .s45: 45
        case .m1: 60
        case .m2: 120
        case .m3: 180
        case .m5: 300
        case .m10: 600
        case .m15: 900
        case .m20: 1200
        case .m30: 1800
        case .h1: 3600
        case .h2: 7200
        case .h3: 10_800
        case .h4: 14_400
        case .day, .week, .month, .quarter, .year: nil
        }
    }

    /// True for intervals shorter than a day, whose bars align to the session open.
    public var isIntraday: Bool { seconds != nil }

    /// True when RealAlgo stores bars of exactly this interval, so they are served without resampling.
    public var isStored: Bool { baseTimeframe.rawValue == rawValue }

    /// The wire spellings grouped as OpenAlgo's `intervals` response lists them
    /// (`{"seconds":[…],"minutes":[…],"hours":[…],"days":["D"],"weeks":["W"],"months":[…]}`), each
    /// group in ascending length.
    ///
    /// The response has no quarters or years key, so Q and Y are listed under months with M: a
    /// quarter and a year are whole numbers of months, and a client that only knows the six keys
    /// still discovers them.
    public static var grouped: (seconds: [String], minutes: [String], hours: [String], days: [String], weeks: [String], months: [String]) {
        var groups: (seconds: [String], minutes: [String], hours: [String], days: [String], weeks: [String], months: [String]) =
            ([], [], [], [], [], [])
        for interval in allCases {
            switch interval {
            case .s1, .s5, .s10, .s15, .s30, .s45: groups.seconds.append(interval.rawValue)
            case .m1, .m2, .m3, .m5, .m10, .m15, .m20, .m30: groups.minutes.append(interval.rawValue)
            case .h1, .h2, .h3, .h4: groups.hours.append(interval.rawValue)
            case .day: groups.days.append(interval.rawValue)
            case .week: groups.weeks.append(interval.rawValue)
            case .month, .quarter, .year: groups.months.append(interval.rawValue)
            }
        }
        return groups
    }
}
