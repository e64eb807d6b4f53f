// SPDX-License-Identifier: Apache-2.0
public import Core
import Synchronization

/// What the hub's consumers want streamed: each owner (a WebSocket client, a strategy) declares
/// its instruments and modes; the feed sees the union, at the highest mode anyone asked for.
///
/// The simulator publishes the whole market regardless; an upstream feed subscribes exactly this
/// union, so a symbol nobody watches costs the upstream nothing.
public final class SubscriptionDemand: Sendable {
    public typealias Wanted = [Int64: SubscriptionMode]

    private struct State {
        var owners: [UInt64: Wanted] = [:]
        /// How many owners want each instrument at each mode (index = mode's raw value − 1), so a
        /// change costs the size of that owner's set, not a pass over every owner: a thousand
        /// clients subscribing a hundred symbols each would otherwise cost 10⁸ steps.
        var counts: [Int64: [Int]] = [:]
        var union: Wanted = [:]
        var observers: [UInt64: @Sendable (Wanted) -> Void] = [:]
        var nextObserver: UInt64 = 0

        mutating func count(_ wanted: Wanted, by step: Int, touching touched: inout Set<Int64>) {
            for (id, mode) in wanted {
                counts[id, default: [0, 0, 0]][mode.rawValue - 1] += step
                touched.insert(id)
            }
        }

        /// Recomputes the union for `ids`; true when it changed.
        mutating func refresh(_ ids: Set<Int64>) -> Bool {
            var changed = false
            for id in ids {
                let perMode = counts[id] ?? [0, 0, 0]
                let highest = perMode.lastIndex { $0 > 0 }.flatMap { SubscriptionMode(rawValue: $0 + 1) }
                if highest == nil { counts[id] = nil }
                if union[id] != highest {
                    union[id] = highest
                    changed = true
                }
            }
            return changed
        }
    }

    private let state = Mutex(State())

    public init() {}

    /// Replaces everything `owner` wants; an empty set removes the owner.
    public func set(owner: UInt64, _ wanted: Wanted) {
        let changed: (Wanted, [@Sendable (Wanted) -> Void])? = state.withLock { state in
            var touched = Set<Int64>()
            if let previous = state.owners[owner] { state.count(previous, by: -1, touching: &touched) }
            state.count(wanted, by: 1, touching: &touched)
            state.owners[owner] = wanted.isEmpty ? nil : wanted
            guard state.refresh(touched) else { return nil }
            return (state.union, Array(state.observers.values))
        }
        if let (union, observers) = changed {
            for observer in observers { observer(union) }
        }
    }

    public var union: Wanted { state.withLock { $0.union } }

    /// Number of owners (clients and strategies) with at least one subscription.
    public var ownerCount: Int { state.withLock { $0.owners.count } }

    /// Calls `observer` with the union whenever it changes (and once now). Returns a token for
    /// ``removeObserver(_:)``.
    @discardableResult
    public func observe(_ observer: @escaping @Sendable (Wanted) -> Void) -> UInt64 {
        let (token, current) = state.withLock { state in
            state.nextObserver += 1
            state.observers[state.nextObserver] = observer
            return (state.nextObserver, state.union)
        }
        observer(current)
        return token
    }

    public func removeObserver(_ token: UInt64) {
        state.withLock { _ = $0.observers.removeValue(forKey: token) }
    }
}
