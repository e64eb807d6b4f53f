// SPDX-License-Identifier: Apache-2.0
import Core
import Synchronization

/// One category's moving-window limiter (Flask-Limiter's `moving-window` strategy, in memory):
/// a client's request is allowed when, for every rule of N per W, fewer than N of its requests
/// were allowed in the last W.
///
/// Memory stays bounded: a client with no request within the longest window is indistinguishable
/// from a new one and is dropped by a sweep at most every window; and at most `maxClients` are
/// tracked, so a flood of distinct addresses forgets the least recently active quarter (letting
/// those clients start afresh, the price of the bound).
///
/// One `Mutex` guards the table. The critical section is a hash lookup and a few integer compares,
/// and each category has its own limiter, so orders never wait behind quote traffic.
final class MovingWindowLimiter: Sendable {
    let limit: RateLimit
    let maxClients: Int
    private let rules: [WindowRule]
    private let capacity: Int
    private let longestWindowNanos: Int64
    private let sweepIntervalNanos: Int64
    private let nowNanos: @Sendable () -> Int64
    private let state: Mutex<State>

    private struct State {
        var clients: [ClientAddress: HitLog] = [:]
        var nextSweepNanos: Int64 = 0
    }

    /// Slots of request times one limiter may hold across all clients (8 bytes each, 32 MiB):
    /// with a large amount per client, fewer clients are tracked.
    static let timeSlotBudget = 1 << 22

    /// - Parameters:
    ///   - limit: the category's rules.
    ///   - maxClients: most clients tracked at once (lowered further for large amounts, see
    ///     ``timeSlotBudget``, and never below 64).
    ///   - clock: where time comes from; tests pass a manual clock.
    init(limit: RateLimit, maxClients: Int, clock: some Clock<Duration>) {
        self.limit = limit
        rules = limit.rules.map { WindowRule(amount: $0.amount, windowNanos: $0.window.totalNanoseconds) }
        capacity = limit.largestAmount
        self.maxClients = max(64, min(maxClients, Self.timeSlotBudget / capacity))
        longestWindowNanos = limit.longestWindow.totalNanoseconds
        // More often than the window would find nothing new to drop; an hour at most, so
        // day-long limits still let go of one-off clients.
        sweepIntervalNanos = min(max(longestWindowNanos, 1_000_000_000), 3_600_000_000_000)
        let origin = clock.now
        nowNanos = { origin.duration(to: clock.now).totalNanoseconds }
        state = Mutex(State())
    }

    /// Counts a request from `client` if the limit has room.
    /// - Returns: nil when allowed, else how long until a request would be.
    func acquire(_ client: ClientAddress) -> Duration? {
        state.withLock { state in
            // Read inside the lock, so the times each log sees never go backwards.
            let now = nowNanos()
            if now >= state.nextSweepNanos {
                dropIdle(&state, now: now)
                state.nextSweepNanos = now + sweepIntervalNanos
            }
            if let index = state.clients.index(forKey: client) {
                return state.clients.values[index].admit(at: now, rules: rules, capacity: capacity)
            }
            if state.clients.count >= maxClients { makeRoom(&state, now: now) }
            var log = HitLog()
            let refused = log.admit(at: now, rules: rules, capacity: capacity)
            state.clients[client] = log
            return refused
        }
    }

    /// Clients currently tracked (for tests and the memory bound).
    var trackedClients: Int { state.withLock { $0.clients.count } }

    private func dropIdle(_ state: inout State, now: Int64) {
        guard !state.clients.isEmpty else { return }
        // Written as a comparison of times, not a difference: `newest` may be `Int64.min`.
        state.clients = state.clients.filter { $0.value.newest >= now - longestWindowNanos }
    }

    /// Called with the table full: drops idle clients, then if still full keeps the most recently
    /// active three quarters. Sorting is O(n log n) but then n/4 new clients fit before the next.
    private func makeRoom(_ state: inout State, now: Int64) {
        dropIdle(&state, now: now)
        guard state.clients.count >= maxClients else { return }
        let kept = state.clients.sorted { $0.value.newest > $1.value.newest }.prefix(maxClients * 3 / 4)
        state.clients = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
    }
}
