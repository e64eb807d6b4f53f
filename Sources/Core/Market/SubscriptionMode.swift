// SPDX-License-Identifier: Apache-2.0

/// How much of each tick a subscriber receives (OpenAlgo's modes 1, 2 and 3). Ordered: a higher
/// mode carries everything a lower one does.
public enum SubscriptionMode: Int, Sendable, CaseIterable, Comparable, Codable {
    case ltp = 1
    case quote = 2
    case depth = 3

    /// The label OpenAlgo's acknowledgements use: "LTP", "Quote", "Depth".
    public var label: String {
        switch self {
        case .ltp: "LTP"
        case .quote: "Quote"
        case .depth: "Depth"
        }
    }

    /// Accepts 1/2/3 or the labels, case-insensitively.
    public init?(label: String) {
        switch label.lowercased() {
        case "ltp", "1": self = .ltp
        case "quote", "2": self = .quote
        case "depth", "3": self = .depth
        default: return nil
        }
    }

    public static func < (lhs: SubscriptionMode, rhs: SubscriptionMode) -> Bool { lhs.rawValue < rhs.rawValue }
}
