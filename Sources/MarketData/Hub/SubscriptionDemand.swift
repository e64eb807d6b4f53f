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
        var union: Wanted = [:]
        var observers: [UInt64: @Sendable (Wanted) -> Void] = [:]
        var nextObserver: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Replaces everything `owner` wants; an empty set removes the owner.
    public func set(owner: UInt64, _ wanted: Wanted) {
        let changed: (Wanted, [@Sendable (Wanted) -> Void])? = state.withLock { state in
            if wanted.isEmpty { state.owners[owner] = nil } else { state.owners[owner] = wanted }
            var union: Wanted = [:]
            for entries in state.owners.values {
                for (id, mode) in entries { union[id] = max(union[id] ?? mode, mode) }
            }
            guard union != state.union else { return nil }
            state.union = union
            return (union, Array(state.observers.values))
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
