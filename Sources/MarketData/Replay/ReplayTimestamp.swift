// SPDX-License-Identifier: Apache-2.0
public import Core

/// The timestamps replay input and the `--replay-from`/`--replay-to` flags accept, in one place so
/// the CSV and the command line agree.
///
/// - Epoch numbers, told apart by size: below 10¹¹ seconds (a fraction allowed), below 10¹⁴
///   milliseconds, below 10¹⁷ microseconds, else nanoseconds; `1795410000`, `1795410000.25` and
///   `1795410000250` all work. A number before 2000-01-01 is refused: it is almost surely a
///   price or a count in the wrong column.
/// - ISO-8601: `2026-11-23T10:00:00+05:30`, `2026-11-23T04:30:00Z`, `2026-11-23 10:00:00.5`,
///   `2026-11-23T10:00`, with an offset `Z`, `±HH:MM`, `±HHMM` or `±HH`. **Without an offset the
///   time is IST**, the exchanges' own time, which is how Indian market data is usually written.
/// - A date alone, `2026-11-23`, is IST midnight starting that date.
public enum ReplayTimestamp {
    /// A parsed timestamp: nanoseconds since the Unix epoch, and whether the text was a date
    /// alone (so `--replay-to 2026-11-23` can mean "through that day").
    public struct Parsed: Sendable, Equatable {
        public var nanos: Int64
        public var isDateOnly: Bool

        public init(nanos: Int64, isDateOnly: Bool) {
            self.nanos = nanos
            self.isDateOnly = isDateOnly
        }
    }

    /// Parses one timestamp; nil when it is none of the accepted forms or out of range.
    public static func parse(_ text: some StringProtocol) -> Parsed? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if bytes.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") }) {
            return parseEpoch(bytes).map { Parsed(nanos: $0, isDateOnly: false) }
        }
        return parseISO(bytes)
    }

    /// What an error message says is accepted.
    public static let expectedForms = "epoch seconds or milliseconds, or ISO-8601 like 2026-11-23T10:00:00+05:30 (IST when no offset)"

    /// IST midnight starting `date`, in nanoseconds.
    public static func istMidnightNanos(_ date: LocalDate) -> Int64 {
        (Int64(date.daysSinceEpoch) * 86_400 - Int64(TradingCalendar.istOffsetSeconds)) * 1_000_000_000
    }

    // MARK: Epoch numbers

    /// 2000-01-01T00:00:00Z: the earliest epoch number accepted.
    static let earliestNanos: Int64 = 946_684_800 * 1_000_000_000

    private static func parseEpoch(_ bytes: [UInt8]) -> Int64? {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.count <= 19 else { return nil }
        guard let integer = Int64(String(decoding: whole, as: UTF8.self)) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : []
        if parts.count == 2, fraction.isEmpty { return nil }
        // Nanoseconds per unit of the number, picked by its size.
        let unit: Int64 =
            switch integer {
            case ..<100_000_000_000: 1_000_000_000
            case ..<100_000_000_000_000: 1_000_000
            case ..<100_000_000_000_000_000: 1_000
            default: 1
            }
        let (scaled, overflow) = integer.multipliedReportingOverflow(by: unit)
        // Before 2000 is almost surely a price or a count in the wrong column, not a time.
        guard !overflow, scaled >= earliestNanos else { return nil }
        return scaled + fractionNanos(fraction, unit: unit)
    }

    /// The digits after the point as a count of nanoseconds, for a number whose unit is `unit`
    /// nanoseconds; digits finer than a nanosecond are ignored.
    private static func fractionNanos(_ digits: some Collection<UInt8>, unit: Int64) -> Int64 {
        var value: Int64 = 0
        var scale = unit
        for digit in digits {
            scale /= 10
            guard scale > 0 else { break }
            value += Int64(digit - UInt8(ascii: "0")) * scale
        }
        return value
    }

    // MARK: ISO-8601

    private static func parseISO(_ bytes: [UInt8]) -> Parsed? {
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            let date = LocalDate(year: year, month: month, day: day)
        else { return nil }
        let midnightSeconds = Int64(date.daysSinceEpoch) * 86_400
        if bytes.count == 10 {
            return Parsed(nanos: istMidnightNanos(date), isDateOnly: true)
        }
        // Time: [T ]HH:MM[:SS[.fraction]]
        guard bytes.count >= 16, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), hour < 24, minute < 60
        else { return nil }
        var index = 16
        var second = 0
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard let value = number(bytes, index + 1, 2), value < 60 else { return nil }
            second = value
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
                var end = index + 1
                while end < bytes.count, isDigit(bytes[end]) { end += 1 }
                guard end > index + 1 else { return nil }
                fraction = fractionNanos(bytes[(index + 1)..<end], unit: 1_000_000_000)
                index = end
            }
        }
        guard let offsetSeconds = offset(bytes[index...]) else { return nil }
        let seconds = midnightSeconds + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        guard seconds > 0 else { return nil }
        return Parsed(nanos: seconds * 1_000_000_000 + fraction, isDateOnly: false)
    }

    /// The UTC offset in seconds of the text after the time: empty is IST.
    private static func offset(_ bytes: ArraySlice<UInt8>) -> Int? {
        let bytes = Array(bytes)
        if bytes.isEmpty { return TradingCalendar.istOffsetSeconds }
        if bytes == [UInt8(ascii: "Z")] || bytes == [UInt8(ascii: "z")] { return 0 }
        guard bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-") else { return nil }
        let sign = bytes[0] == UInt8(ascii: "-") ? -1 : 1
        let hours: Int?
        let minutes: Int?
        switch bytes.count {
        case 3: (hours, minutes) = (number(bytes, 1, 2), 0)
        case 5: (hours, minutes) = (number(bytes, 1, 2), number(bytes, 3, 2))
        case 6 where bytes[3] == UInt8(ascii: ":"): (hours, minutes) = (number(bytes, 1, 2), number(bytes, 4, 2))
        default: return nil
        }
        guard let hours, let minutes, hours <= 14, minutes < 60 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start >= 0, start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<(start + count)] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
