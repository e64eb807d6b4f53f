// SPDX-License-Identifier: Apache-2.0

/// A wall-clock time at an exchange, in minutes after midnight (`HH:MM` in the hub).
public struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let minutes: Int

    /// - Precondition: `0 <= minutes <= 1440` (24:00 is allowed as an end of day).
    public init(minutes: Int) {
        precondition((0...1440).contains(minutes), "time of day out of range: \(minutes)")
        self.minutes = minutes
    }

    /// Parses `HH:MM` (00:00 … 24:00).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0...59).contains(minutes), hours * 60 + minutes <= 1440
        else { return nil }
        self.minutes = hours * 60 + minutes
    }

    public var description: String {
        let h = minutes / 60
        let m = minutes % 60
        return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minutes < rhs.minutes }
}
