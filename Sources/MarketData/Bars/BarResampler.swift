// SPDX-License-Identifier: Apache-2.0
public import Core

/// Derives the bars of a ``HistoryInterval`` RealAlgo does not store from the stored bars of its
/// ``HistoryInterval/baseTimeframe``, for the `history` endpoint.
///
/// - Intraday buckets align to the open of the bar's ``SessionAnchor``, as the stored bars do
///   (`open + ⌊(t − open) / length⌋ × length`), so NSE's 2h bars start 09:15, 11:15, 13:15 and
///   15:15, and the last bucket of a window is short. A bucket never spans two windows, even adjacent
///   ones. A bar the anchor does not cover (an exchange missing from the calendar) aligns on the
///   UTC epoch multiple of the length, but never before the close of the last window seen, so its
///   bucket cannot reach back over bars already emitted.
/// - W, M, Q and Y group daily bars by ISO week (from Monday), calendar month, quarter (from January,
///   April, July and October 1st) and year. Their bucket starts at 00:00 UTC of the first day, the
///   convention of daily bars, even when that day is not a trading day.
/// - Stored intervals, D included, are returned unchanged.
/// - Aggregation: the first open, the highest high, the lowest low, the last close, the summed
///   volume (saturating rather than trapping) and the last open interest.
/// - Output bars keep ``Bar/timeframe`` as the base timeframe, because that field is the stored
///   ``Timeframe`` enum and has no case for derived intervals; callers label the bars with the
///   interval they asked for.
///
/// A bucket holds only the bars passed in, so a caller wanting a complete first week or month reads
/// the store from that period's start.
///
/// ```swift
/// var anchors = SessionAnchors(calendar: calendar, alwaysOpen: false)
/// let twoHour = BarResampler.resample(hourBars, to: .h2) { anchors.anchor(exchange: .nse, epochSeconds: $0) }
/// ```
public enum BarResampler {
    /// Aggregates stored bars into bars of `interval` in one pass; the input being sorted, a bucket
    /// is complete as soon as a bar falls outside it.
    /// - Parameters:
    ///   - bars: Bars of one instrument and of `interval.baseTimeframe`, sorted by start. Unsorted
    ///     input does not crash, but a bucket is then emitted once per run of its bars.
    ///   - interval: The interval to build.
    ///   - anchor: The session window holding an epoch second, or nil outside every window. It is
    ///     asked only when a bar leaves the previous window, about once per session, and an anchor
    ///     that does not contain the bar is treated as nil. Unused for D, W, M, Q and Y.
    /// - Returns: The bars of `interval`, sorted by start; `bars` itself when the interval is stored.
    public static func resample(_ bars: [Bar], to interval: HistoryInterval, anchor: (Int64) -> SessionAnchor?) -> [Bar] {
        if interval.isStored || bars.isEmpty { return bars }
        if let seconds = interval.seconds {
            return resampleIntraday(bars, length: Int64(seconds), baseSeconds: interval.baseTimeframe.seconds, anchor: anchor)
        }
        return resampleCalendar(bars, interval: interval)
    }

    private static func resampleIntraday(_ bars: [Bar], length: Int64, baseSeconds: Int, anchor: (Int64) -> SessionAnchor?) -> [Bar] {
        var output: [Bar] = []
        output.reserveCapacity(bars.count / max(1, Int(length) / max(1, baseSeconds)) + 1)
        var window: SessionAnchor?
        var lastClose = Int64.min
        var current: Bar?
        var currentOpen: Int64?
        for bar in bars {
            if !(window?.contains(epochSeconds: bar.start) ?? false) {
                window = anchor(bar.start).flatMap { $0.contains(epochSeconds: bar.start) ? $0 : nil }
            }
            let start: Int64
            if let window {
                start = window.barStart(epochSeconds: bar.start, intervalSeconds: length)
                lastClose = max(lastClose, window.closeSeconds)
            } else {
                start = max(alignDown(bar.start, to: length), min(lastClose, bar.start))
            }
            // The window open is part of the key so that a bar the anchor missed cannot join the
            // bucket of a window, even when a misbehaving anchor makes their starts coincide.
            let open = window?.openSeconds
            if var bucket = current, bucket.start == start, currentOpen == open {
                bucket.absorb(bar)
                current = bucket
            } else {
                if let bucket = current { output.append(bucket) }
                current = bar.startingBucket(at: start)
                currentOpen = open
            }
        }
        if let bucket = current { output.append(bucket) }
        return output
    }

    private static func resampleCalendar(_ bars: [Bar], interval: HistoryInterval) -> [Bar] {
        var output: [Bar] = []
        var current: Bar?
        for bar in bars {
            let start = periodStart(of: bar.start, interval: interval)
            if var bucket = current, bucket.start == start {
                bucket.absorb(bar)
                current = bucket
            } else {
                if let bucket = current { output.append(bucket) }
                current = bar.startingBucket(at: start)
            }
        }
        if let bucket = current { output.append(bucket) }
        return output
    }

    /// 00:00 UTC of the first day of the week, month, quarter or year holding the UTC date of
    /// `epochSeconds`; the date itself for other intervals.
    static func periodStart(of epochSeconds: Int64, interval: HistoryInterval) -> Int64 {
        let date = LocalDate(daysSinceEpoch: Int(alignDown(epochSeconds, to: 86_400) / 86_400))
        let first: LocalDate
        switch interval {
        case .week:
            first = date.adding(days: 1 - date.isoWeekday)
        case .month:
            first = date.adding(days: 1 - date.day)
        case .quarter:
            let (year, month, _) = date.components
            // Outside years 1…9999 (no real bar) there is no such date; the bar then buckets alone.
            first = LocalDate(year: year, month: (month - 1) / 3 * 3 + 1, day: 1) ?? date
        case .year:
            first = LocalDate(year: date.year, month: 1, day: 1) ?? date
        default:
            first = date
        }
        return Int64(first.daysSinceEpoch) * 86_400
    }

    /// The largest multiple of `length` not above `value`, rounding down also before 1970.
    static func alignDown(_ value: Int64, to length: Int64) -> Int64 {
        let remainder = value % length
        return remainder < 0 ? value - remainder - length : value - remainder
    }
}

extension Bar {
    /// This bar as the first of a bucket starting at `start`.
    fileprivate func startingBucket(at start: Int64) -> Bar {
        var bucket = self
        bucket.start = start
        return bucket
    }

    /// Folds the next bar of the same bucket into this one.
    fileprivate mutating func absorb(_ next: Bar) {
        high = max(high, next.high)
        low = min(low, next.low)
        close = next.close
        let (sum, overflow) = volume.addingReportingOverflow(next.volume)
        volume = overflow ? (next.volume > 0 ? .max : .min) : sum
        openInterest = next.openInterest
    }
}
