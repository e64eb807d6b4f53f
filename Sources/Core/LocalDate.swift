// SPDX-License-Identifier: Apache-2.0

/// A calendar date without a time zone (an exchange's trading date), stored as days since
/// 1970-01-01 so that day arithmetic is integer arithmetic.
///
/// The conversions use Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms, exact for
/// the proleptic Gregorian calendar, so the trading calendar needs no Foundation `Calendar`.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let daysSinceEpoch: Int

    public init(daysSinceEpoch: Int) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// Creates a date from its parts, or returns nil when they do not name a real day.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= LocalDate.daysInMonth(year: year, month: month)
        else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        self.daysSinceEpoch = era * 146_097 + dayOfEra - 719_468
    }

    /// Parses `YYYY-MM-DD` strictly (the form SQLite's `date()` produces).
    public init?(iso text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The date `secondsSinceEpoch` falls on at a fixed UTC offset (IST is +19 800 s).
    public init(secondsSinceEpoch: Int64, utcOffsetSeconds: Int) {
        let local = secondsSinceEpoch + Int64(utcOffsetSeconds)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        self.daysSinceEpoch = Int(days)
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }

    /// ISO 8601 weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let offset = (daysSinceEpoch + 3) % 7
        return (offset < 0 ? offset + 7 : offset) + 1
    }

    public func adding(days: Int) -> LocalDate {
        LocalDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// The first day of the month `months` after this date's month.
    public func firstOfMonth(addingMonths months: Int = 0) -> LocalDate {
        let index = year * 12 + (month - 1) + months
        // Every result of this arithmetic is a real date for years 1...9999.
        return LocalDate(year: index / 12, month: index % 12 + 1, day: 1) ?? self
    }

    /// The last date of this date's month that falls on `isoWeekday`.
    public func lastWeekdayOfMonth(_ isoWeekday: Int) -> LocalDate {
        let last = firstOfMonth(addingMonths: 1).adding(days: -1)
        let back = (last.isoWeekday - isoWeekday + 7) % 7
        return last.adding(days: -back)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = components
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `DDMMMYY` as in OpenAlgo symbols and `expiry_date` parameters, e.g. `24NOV26`.
    public var symbolForm: String {
        let (y, m, d) = components
        return "\(pad(d, 2))\(LocalDate.monthAbbreviations[m - 1])\(pad(y % 100, 2))"
    }

    /// Parses `DDMMMYY` (`24NOV26`, case-insensitive) or `DD-MMM-YY`; two-digit years are 20YY.
    public init?(symbolForm text: some StringProtocol) {
        let compact = String(text.uppercased().filter { $0 != "-" })
        guard compact.count == 7, let day = Int(compact.prefix(2)), let year = Int(compact.suffix(2)),
            let month = LocalDate.monthAbbreviations.firstIndex(of: String(compact.dropFirst(2).prefix(3)))
        else { return nil }
        self.init(year: 2000 + year, month: month + 1, day: day)
    }

    /// `DD-MMM-YY` as in OpenAlgo's symbol master `expiry` field, e.g. `24-NOV-26`.
    public var masterForm: String {
        let (y, m, d) = components
        return "\(pad(d, 2))-\(LocalDate.monthAbbreviations[m - 1])-\(pad(y % 100, 2))"
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        lhs.daysSinceEpoch < rhs.daysSinceEpoch
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static let monthAbbreviations = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
}

private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
