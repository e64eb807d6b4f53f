// SPDX-License-Identifier: Apache-2.0
import Core
import Schema
import Synchronization

/// Events waiting for a running strategy, posted from the tick path and the change feed without
/// ever blocking them.
///
/// Ticks are coalesced per symbol while the strategy is busy: only the newest price of each symbol
/// waits, so a slow script sees fewer ticks, never stale ones, and memory stays bounded. Bars,
/// order updates and commands are kept in order (bounded too; past the bound the oldest bars go,
/// but order updates and commands are never dropped). Heartbeats coalesce like ticks: at most one
/// waits, so a runner that fell behind catches up instead of firing timers once per missed beat.
final class StrategyMailbox: Sendable {
    enum Event: Sendable {
        case bar(Bar, StrategySymbol)
        case order(OrderUpdate)
        case command(StrategyCommand)
    }

    struct Batch {
        var events: [Event]
        var ticks: [StrategyTick]
    }

    fileprivate struct State {
        var ticks: [StrategySymbol: StrategyTick] = [:]
        var tickOrder: [StrategySymbol] = []
        var events: [Event] = []
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
        var heartbeatQueued = false
    }

    private let state = Mutex(State())
    static let maxQueuedEvents = 100_000

    func post(_ tick: StrategyTick) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.closed else { return nil }
            if state.ticks.updateValue(tick, forKey: tick.symbol) == nil { state.tickOrder.append(tick.symbol) }
            return state.takeWaiter()
        }
        waiter?.resume()
    }

    func post(_ event: Event) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.closed else { return nil }
            if case .command(.heartbeat) = event {
                guard !state.heartbeatQueued else { return nil }
                state.heartbeatQueued = true
            }
            if state.events.count >= Self.maxQueuedEvents, let index = state.events.firstIndex(where: { if case .bar = $0 { true } else { false } }) {
                state.events.remove(at: index)
            }
            state.events.append(event)
            return state.takeWaiter()
        }
        waiter?.resume()
    }

    /// Stops accepting events and wakes the runner so it can finish.
    func close() {
        state.withLock { state in
            state.closed = true
            return state.takeWaiter()
        }?.resume()
    }

    /// Waits for events; nil once closed and empty.
    func next() async -> Batch? {
        while true {
            if let batch = take() { return batch }
            if state.withLock({ $0.closed }) { return take() }
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if state.closed || !state.events.isEmpty || !state.ticks.isEmpty { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    private func take() -> Batch? {
        state.withLock { state in
            guard !state.events.isEmpty || !state.ticks.isEmpty else { return nil }
            let ticks = state.tickOrder.compactMap { state.ticks[$0] }
            let batch = Batch(events: state.events, ticks: ticks)
            state.events.removeAll(keepingCapacity: true)
            state.ticks.removeAll(keepingCapacity: true)
            state.tickOrder.removeAll(keepingCapacity: true)
            state.heartbeatQueued = false
            return batch
        }
    }
}

extension StrategyMailbox.State {
    fileprivate mutating func takeWaiter() -> CheckedContinuation<Void, Never>? {
        defer { waiter = nil }
        return waiter
    }
}

/// What the API asks of a running strategy.
enum StrategyCommand: Sendable {
    case stop(reason: String)
    case closeAll(reason: String)
    case closeLeg(name: String)
    /// Fires due timers when no market event arrives.
    case heartbeat
    /// The server is stopping: end the run without closing positions.
    case shutdown
}
