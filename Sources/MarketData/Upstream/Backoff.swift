// SPDX-License-Identifier: Apache-2.0

/// Exponential backoff: `base`, `2·base`, `4·base`, … never more than `cap`.
///
/// There is no jitter: RealAlgo holds a single upstream connection, so there is no herd of clients
/// to spread out, and a deterministic sequence keeps the feed state machine's tests exact.
///
/// ```swift
/// var backoff = Backoff(base: .seconds(2), cap: .seconds(60))
/// backoff.next()  // 2 s, then 4, 8, 16, 32, 60, 60, …
/// backoff.reset() // after a connection that stayed healthy
/// ```
public struct Backoff: Sendable, Equatable {
    /// The first delay.
    public let base: Duration
    /// The longest delay.
    public let cap: Duration
    /// Delays handed out since the last ``reset()``.
    public private(set) var attempts: Int = 0

    /// - Parameters:
    ///   - base: The first delay; a negative value counts as zero.
    ///   - cap: The longest delay; raised to `base` if smaller, so the sequence never shrinks.
    public init(base: Duration, cap: Duration) {
        self.base = max(base, .zero)
        self.cap = max(cap, self.base)
    }

    /// The delay the next call to ``next()`` returns, without consuming it.
    public var nextDelay: Duration {
        var delay = base
        // Doubling stops at the cap (or at zero), so the loop is short and cannot overflow.
        var doublings = attempts
        while doublings > 0 && delay > .zero && delay < cap {
            delay *= 2
            doublings -= 1
        }
        return min(delay, cap)
    }

    /// Returns the next delay and advances the sequence.
    public mutating func next() -> Duration {
        let delay = nextDelay
        if attempts < Int.max { attempts += 1 }
        return delay
    }

    /// Starts the sequence again from `base`.
    public mutating func reset() {
        attempts = 0
    }
}
