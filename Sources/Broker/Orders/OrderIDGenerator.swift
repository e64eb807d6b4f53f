// SPDX-License-Identifier: Apache-2.0
public import Core
import Synchronization

/// Order ids in the form OpenAlgo clients see: 15 digits, the IST date (YYMMDD) followed by a
/// 9-digit sequence that starts at the second of the day × 10,000 and only ever grows, so ids
/// sort by placement, stay unique across restarts (seeded with the last id issued today), and
/// never need a retry.
public final class OrderIDGenerator: Sendable {
    private struct State {
        var datePrefix = ""
        var last: Int64 = -1
    }

    private let clock: any WallClock
    private let state = Mutex(State())

    public init(clock: any WallClock) {
        self.clock = clock
    }

    /// Makes the generator continue after `orderID` (the highest id already stored).
    public func resume(after orderID: String) {
        guard orderID.count == 15, let sequence = Int64(orderID.suffix(9)) else { return }
        let prefix = String(orderID.prefix(6))
        state.withLock { state in
            if prefix > state.datePrefix || (prefix == state.datePrefix && sequence > state.last) {
                state.datePrefix = prefix
                state.last = sequence
            }
        }
    }

    public func next() -> String {
        let nanos = clock.nowNanos()
        let seconds = nanos / 1_000_000_000
        let date = LocalDate(secondsSinceEpoch: seconds, utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
        let prefix = Self.prefix(date)
        let istSeconds = seconds + Int64(TradingCalendar.istOffsetSeconds)
        let floor = (((istSeconds % 86_400) + 86_400) % 86_400) * 10_000
        return state.withLock { state in
            if prefix > state.datePrefix {
                state.datePrefix = prefix
                state.last = floor
            } else {
                state.last = max(state.last + 1, floor)
            }
            let digits = String(state.last)
            return state.datePrefix + String(repeating: "0", count: max(0, 9 - digits.count)) + digits
        }
    }

    static func prefix(_ date: LocalDate) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return two(date.year % 100) + two(date.month) + two(date.day)
    }
}
