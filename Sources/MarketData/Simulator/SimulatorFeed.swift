// SPDX-License-Identifier: Apache-2.0
import Core
import Synchronization

/// Runs the ``SimulatedMarket`` against the wall clock: one step every `interval`, published to
/// the hub as one batch. Outside the calendar's sessions the market is quiet (no ticks) unless
/// the market was configured always-open.
public final class SimulatorFeed: Feed {
    private struct State {
        var market: SimulatedMarket
        var published: Int64 = 0
        var lastTickNanos: Int64 = 0
        var running = false
    }

    public let kind = "simulator"
    public let interval: Duration
    private let state: Mutex<State>

    public init(market: SimulatedMarket, interval: Duration) {
        self.interval = interval
        state = Mutex(State(market: market))
    }

    /// Advances one step at `nowNanos` and publishes it; what the run loop does each interval.
    @discardableResult
    public func step(nowNanos: Int64, into hub: MarketDataHub) -> Int {
        let watched = Set(hub.demand.union.keys)
        let ticks = state.withLock { $0.market.step(nowNanos: nowNanos, watched: watched) }
        let accepted = hub.publish(ticks)
        state.withLock { state in
            state.published += Int64(accepted)
            if let last = ticks.last { state.lastTickNanos = last.timestampNanos }
        }
        return accepted
    }

    public func run(into hub: MarketDataHub) async throws {
        state.withLock { $0.running = true }
        defer { state.withLock { $0.running = false } }
        let clock = ContinuousClock()
        var deadline = clock.now
        while !Task.isCancelled {
            step(nowNanos: hub.clock.nowNanos(), into: hub)
            deadline = deadline.advanced(by: interval)
            // A late step (a busy machine) is not made up for with a burst: skip to the next slot.
            if deadline < clock.now { deadline = clock.now.advanced(by: interval) }
            try await Task.sleep(until: deadline, clock: clock)
        }
    }

    public func status() -> FeedStatus {
        state.withLock { state in
            FeedStatus(
                kind: kind, state: state.running ? .running : .stopped, ticksPublished: state.published, lastTickNanos: state.lastTickNanos,
                message: "\(state.market.instrumentCount) simulated instruments")
        }
    }
}
