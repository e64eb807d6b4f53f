// SPDX-License-Identifier: Apache-2.0

/// A limit on one client's requests in Flask-Limiter's notation, which OpenAlgo's `*_RATE_LIMIT`
/// variables use: one rule or several (`10 per second;40 per minute`), every one of which must
/// have room for a request to pass.
///
/// ```swift
/// let limit = try RateLimit.parse("10 per second;40 per minute")  // nil for "off"
/// ```
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// At most `amount` requests in any window of `window` (a moving window, not a calendar one).
    public struct Rule: Sendable, Hashable, CustomStringConvertible {
        public let amount: Int
        public let window: Duration

        /// - Precondition: `amount` is in 1...``RateLimit/maximumAmount`` and `window` is positive.
        public init(_ amount: Int, per window: Duration) {
            precondition((1...RateLimit.maximumAmount).contains(amount) && window > .zero, "a rate limit rule needs 1…100000 requests and a window")
            self.amount = amount
            self.window = window
        }

        public var description: String {
            let seconds = window.components.seconds
            for unit in RateLimit.units.reversed() where seconds % unit.seconds == 0 && window.components.attoseconds == 0 {
                let count = seconds / unit.seconds
                return count == 1 ? "\(amount) per \(unit.name)" : "\(amount) per \(count) \(unit.name)s"
            }
            return "\(amount) per \(window)"
        }
    }

    /// The rules, in the order written. Never empty.
    public let rules: [Rule]

    /// Every client keeps the times of its last `amount` requests, so a larger amount is refused
    /// at startup rather than risking memory (see ``MovingWindowLimiter``).
    public static let maximumAmount = 100_000

    /// - Precondition: `rules` is not empty.
    public init(_ rules: [Rule]) {
        precondition(!rules.isEmpty, "a rate limit needs at least one rule")
        self.rules = rules
    }

    /// One rule: `RateLimit(10, per: .seconds(1))`.
    public init(_ amount: Int, per window: Duration) {
        self.init([Rule(amount, per: window)])
    }

    public var description: String { rules.map(\.description).joined(separator: ";") }

    /// How many request times one client's log must hold: the largest amount of any rule.
    var largestAmount: Int { rules.map(\.amount).max() ?? 1 }

    /// The longest window: a client with no request this recent can be forgotten.
    var longestWindow: Duration { rules.map(\.window).max() ?? .zero }

    /// Words that lift a limit instead of setting one.
    static let offWords: Set<String> = ["off", "none", "unlimited"]

    /// Flask-Limiter's units (`limits` library): a month is 30 days and a year 12 such months.
    static let units: [(name: String, seconds: Int64)] = [
        ("second", 1), ("minute", 60), ("hour", 3_600), ("day", 86_400), ("month", 2_592_000), ("year", 31_104_000),
    ]
}
