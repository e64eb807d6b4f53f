// SPDX-License-Identifier: Apache-2.0

/// The hub's timestamp text: UTC with milliseconds, `2026-11-20T04:30:03.120Z` — the form SQLite's
/// `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` writes, so values made in Swift and in SQL sort and
/// compare as text alike.
public enum HubTimestamp {
    public static func utc(nanos: Int64) -> String {
        let seconds = floorDivide(nanos, 1_000_000_000)
        let millis = (nanos - seconds * 1_000_000_000) / 1_000_000
        let day = LocalDate(secondsSinceEpoch: seconds, utcOffsetSeconds: 0)
        let second = seconds - floorDivide(seconds, 86_400) * 86_400
        return "\(day)T\(padded(second / 3600, 2)):\(padded(second / 60 % 60, 2)):\(padded(second % 60, 2)).\(padded(millis, 3))Z"
    }

    public static func utc(secondsSinceEpoch seconds: Int64) -> String { utc(nanos: seconds * 1_000_000_000) }

    /// `value` in decimal, left-padded with zeros to `width` digits.
    public static func padded(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}
