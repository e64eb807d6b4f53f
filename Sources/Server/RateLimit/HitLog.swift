// SPDX-License-Identifier: Apache-2.0

/// The times of one client's most recently allowed requests in one category: a ring that grows
/// up to the largest amount of the category's rules and then overwrites its oldest entry. That
/// many is all a moving window needs: a rule of N requests only asks when the N-th most recent was.
struct HitLog {
    /// Nanoseconds on the limiter's clock, in ring order; `next` is where the next time goes.
    private var times: [Int64] = []
    private var next = 0

    /// The most recent allowed request, or `Int64.min` for none.
    var newest: Int64 { recent(1) ?? .min }

    /// The `k`-th most recent time (1 is the newest); nil if fewer are logged.
    func recent(_ k: Int) -> Int64? {
        guard k <= times.count else { return nil }
        let index = next - k
        return times[index < 0 ? index + times.count : index]
    }

    /// Admits a request at `now` if every rule has room, recording it; otherwise records nothing.
    ///
    /// A rule of N per W has room when the N-th most recent allowed request is more than W old,
    /// the test of Flask-Limiter's in-memory moving window (`limits` `acquire_entry`, which
    /// refuses when that entry is at or after `now - W`). Unlike Flask-Limiter, a request refused
    /// by one rule of a compound limit is not counted against the others.
    /// - Returns: nil when admitted, else how long until the last refusing rule would have room.
    mutating func admit(at now: Int64, rules: [WindowRule], capacity: Int) -> Duration? {
        var wait: Int64 = 0
        for rule in rules {
            if let time = recent(rule.amount), now - time <= rule.windowNanos {
                wait = max(wait, time + rule.windowNanos + 1 - now)
            }
        }
        guard wait == 0 else { return .nanoseconds(wait) }
        if times.count < capacity {
            times.append(now)
            next = times.count == capacity ? 0 : times.count
        } else {
            times[next] = now
            next = next + 1 == capacity ? 0 : next + 1
        }
        return nil
    }
}

/// A rule in the limiter's units: at most `amount` requests in any `windowNanos`.
struct WindowRule: Sendable {
    let amount: Int
    let windowNanos: Int64
}
