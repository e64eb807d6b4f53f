// SPDX-License-Identifier: Apache-2.0
public import Core

/// Turns one OHLCV bar into the four ticks a replay publishes for it, so bar data drives the same
/// tick path (quotes, bars, strategies) as tick data.
///
/// The convention, the usual one of bar-based backtesters:
/// - **Prices**: open, then the extreme away from the close, then the one next to it, then close.
///   A bar that closes at or above its open (an up bar) goes open → low → high → close; a down bar
///   goes open → high → low → close. Such a path visits every price, ends where the bar ends, and
///   is the one a bar's shape suggests when nothing finer is known.
/// - **Times**: the four ticks are stamped at 0, ¼, ½ and ¾ of the bar's span, so each lies inside
///   the bar and the bar's finer sub-bars see its prices in that order. An intraday bar spans
///   `start ..< start + interval`. A daily bar spans its exchange's trading day from the calendar
///   (first normal window's open to the last one's close), or 09:15–15:30 IST on a date without
///   sessions, because ticks outside the sessions would build no bars.
/// - **Volume**: split evenly, the remainder on the close tick; each tick's `lastQuantity` is its
///   share and `volume` the day's running total (per instrument and IST date), as a feed sends it.
/// - **Open interest**: the bar's, on every tick.
public enum ReplayBarTicks {
    /// One bar as read from the input.
    public struct Bar: Sendable, Equatable {
        public var instrumentID: Int64
        public var open: Double
        public var high: Double
        public var low: Double
        public var close: Double
        public var volume: Int64
        public var openInterest: Int64

        public init(instrumentID: Int64, open: Double, high: Double, low: Double, close: Double, volume: Int64 = 0, openInterest: Int64 = 0) {
            self.instrumentID = instrumentID
            self.open = open
            self.high = high
            self.low = low
            self.close = close
            self.volume = volume
            self.openInterest = openInterest
        }
    }

    /// The four ticks of `bar` over `span` (nanoseconds, end exclusive).
    /// - Parameter volumeBefore: the instrument's volume earlier in the same IST date.
    public static func ticks(for bar: Bar, span: Range<Int64>, volumeBefore: Int64) -> [Tick] {
        let prices =
            bar.close >= bar.open ? [bar.open, bar.low, bar.high, bar.close] : [bar.open, bar.high, bar.low, bar.close]
        let share = bar.volume / 4
        let shares = [share, share, share, bar.volume - 3 * share]
        let step = (span.upperBound - span.lowerBound) / 4
        var cumulative = volumeBefore
        return (0..<4).map { index in
            cumulative += shares[index]
            return Tick(
                instrumentID: bar.instrumentID, timestampNanos: span.lowerBound + Int64(index) * step, lastPrice: prices[index],
                lastQuantity: shares[index], volume: cumulative, openInterest: bar.openInterest)
        }
    }

    /// The span of a daily bar of `exchange` on the IST date `date`, in nanoseconds.
    public static func dailySpan(date: LocalDate, exchange: ExchangeCode, calendar: TradingCalendar) -> Range<Int64> {
        let anchors = SessionAnchors(calendar: calendar, alwaysOpen: false).anchors(on: date, exchange: exchange)
        let midnight = ReplayTimestamp.istMidnightNanos(date)
        guard let first = anchors.first, let last = anchors.last else {
            return (midnight + 33_300 * 1_000_000_000)..<(midnight + 55_800 * 1_000_000_000)  // 09:15–15:30 IST
        }
        return (first.openSeconds * 1_000_000_000)..<(last.closeSeconds * 1_000_000_000)
    }

    /// Parses an `interval` value: `1s`, `5s`, `1m`, `15m`, `1h`, `D` (or `1d`, `day`), or a whole
    /// number of seconds.
    /// - Returns: the interval in seconds (86 400 for a daily bar), or nil for anything else,
    ///   including intervals longer than a day.
    public static func intervalSeconds(_ text: some StringProtocol) -> Int64? {
        let text = text.lowercased()
        if text == "d" || text == "day" || text == "1d" { return 86_400 }
        guard let unit = text.last else { return nil }
        let multiplier: Int64
        var digits = Substring(text)
        switch unit {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3600
        default: multiplier = 1
        }
        if !unit.isNumber { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let count = Int64(digits), count > 0, count <= 86_400 else { return nil }
        let seconds = count * multiplier
        guard unit.isNumber || ["s", "m", "h"].contains(unit), seconds <= 86_400 else { return nil }
        return seconds
    }
}
