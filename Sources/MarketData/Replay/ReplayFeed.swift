// SPDX-License-Identifier: Apache-2.0
public import Core
import Synchronization

/// Replays recorded ticks (a CSV file, or the hub's stored ticks) into the hub, in time order, as
/// fast as possible or at ×N speed, on a simulated clock. The backtester reuses it.
///
/// **The clock.** The hub must be built on this feed's ``clock`` (a ``ManualWallClock``), so that
/// "now" everywhere (the hub's bar timer, `ticker`, option expiry maths) is the data's time. The
/// clock starts at the first tick and only moves forward: to each batch's first tick time before
/// the batch is published (so a listener reads the tick's own time) and to its last after. The
/// feed closes due bars itself each time the clock passes a whole second, so bars close in data
/// order however fast the replay runs; the hub's timer, reading the same clock, can only agree.
///
/// **Pacing.** At ×N a tick is published when `(tick time − first tick time) / N` of wall time has
/// passed since the first one, measured from the start (so small delays never add up). Ticks due
/// within a millisecond of each other (always those with the same time) go out as one batch.
/// While waiting, the clock moves on with wall time (×N), capped at the next tick, so a quiet
/// instrument's bar still closes when its end passes, as it would live.
/// A replay that falls behind (a slow machine) catches up rather than skipping data. As fast as
/// possible, ticks go out in batches of at most ``batchSize`` ticks of one whole second (bars end
/// on whole seconds, so a bar due between two ticks closes between them), with a yield between
/// batches; when the hub's storage queue grows past ``maximumPendingTicks`` the feed flushes it
/// before going on.
///
/// **The end.** When the data ends the clock moves to the source's ``ReplaySource/endNanos`` if
/// later (a bar file's last bar end, closing that bar), the status becomes `.finished` and `run`
/// returns. The quotes stay; bars still open stay open, as they would if a live feed went quiet.
///
/// ```swift
/// let csv = try ReplayCSV.read(path: "day.csv", directory: directory, calendar: calendar)
/// let clock = ManualWallClock(nanos: csv.ticks.first?.timestampNanos ?? 0)
/// let hub = MarketDataHub(store: store, directory: directory, calendar: calendar, clock: clock, logger: logger)
/// let feed = ReplayFeed(source: MemoryReplaySource(label: "day.csv", csv: csv), speed: .times(10), clock: clock)
/// try await feed.run(into: hub)
/// ```
public final class ReplayFeed: Feed {
    private struct State {
        var phase = FeedStatus.State.starting
        var published: Int64 = 0
        var lastTickNanos: Int64 = 0
        var message: String
    }

    /// Where a paced replay's first tick sits in wall time and in data time.
    private struct PacingOrigin {
        var wallNanos: Int64
        var dataNanos: Int64
    }

    public let kind = "replay"
    public let source: any ReplaySource
    public let speed: ReplaySpeed
    /// The simulated clock; the hub must read this very clock.
    public let clock: ManualWallClock
    /// Ticks per batch when not paced.
    public let batchSize: Int
    /// Queued, unstored ticks above which an unpaced replay flushes storage before going on.
    public let maximumPendingTicks: Int
    private let pacer: any ReplayPacer
    private let state: Mutex<State>
    /// The shortest wall-time step between clock moves while waiting for a paced tick.
    private static let minimumWaitNanos: Int64 = 20_000_000

    /// - Parameters:
    ///   - source: the ticks to replay.
    ///   - speed: ×N, or as fast as possible.
    ///   - clock: the simulated clock, which the hub must have been built with; it is set to the
    ///     source's first tick time now.
    ///   - pacer: the wall time paced replays wait on (tests inject their own).
    public init(
        source: any ReplaySource, speed: ReplaySpeed, clock: ManualWallClock, pacer: any ReplayPacer = ContinuousReplayPacer(),
        batchSize: Int = 1_000,
        maximumPendingTicks: Int = 200_000
    ) {
        self.source = source
        self.speed = speed
        self.clock = clock
        self.pacer = pacer
        self.batchSize = max(1, batchSize)
        self.maximumPendingTicks = maximumPendingTicks
        clock.set(nanos: source.startNanos)
        state = Mutex(State(message: "\(source.label): \(source.tickCount) ticks at \(speed) speed"))
    }

    public func run(into hub: MarketDataHub) async throws {
        precondition((hub.clock as? ManualWallClock) === clock, "the replay feed must drive the hub's own clock")
        state.withLock { $0.phase = .running }
        do {
            var origin: PacingOrigin?
            try await source.forEachChunk { chunk in try await publish(chunk, into: hub, origin: &origin) }
            if let end = source.endNanos { advanceClock(to: end, hub: hub) }
            state.withLock { state in
                state.phase = .finished
                state.message = "replayed \(source.label): \(state.published) ticks published"
            }
        } catch {
            state.withLock { state in
                state.phase = .stopped
                state.message = error is CancellationError ? "stopped: \(source.label)" : "failed: \(error)"
            }
            throw error
        }
    }

    public func status() -> FeedStatus {
        state.withLock { state in
            FeedStatus(kind: kind, state: state.phase, ticksPublished: state.published, lastTickNanos: state.lastTickNanos, message: state.message)
        }
    }

    // MARK: Publishing

    private func publish(_ chunk: [Tick], into hub: MarketDataHub, origin: inout PacingOrigin?) async throws {
        var index = chunk.startIndex
        while index < chunk.endIndex {
            try Task.checkCancellation()
            let first = chunk[index]
            let paced = isPaced(first)
            let end = batchEnd(chunk, from: index)
            if paced { try await wait(for: first.timestampNanos, origin: &origin, hub: hub) }
            let batch = Array(chunk[index..<end])
            advanceClock(to: first.timestampNanos, hub: hub)
            let accepted = hub.publish(batch)
            let last = batch[batch.count - 1].timestampNanos
            advanceClock(to: last, hub: hub)
            state.withLock { state in
                state.published += Int64(accepted)
                state.lastTickNanos = last
            }
            if !paced {
                if hub.configuration.storeTicks, hub.persister.statistics.pendingTicks > maximumPendingTicks { await hub.persister.flush() }
                await Task.yield()
            }
            index = end
        }
    }

    /// Where the batch starting at `index` ends. A batch never spans a whole-second boundary,
    /// where bars end, so a bar that closes there closes before the next second's ticks, as on a
    /// live hub. Paced, it holds the ticks due within a millisecond of wall time of the first
    /// (always those with the same time), so a dense file at high speed is not a sleep per tick.
    private func batchEnd(_ chunk: [Tick], from index: Int) -> Int {
        let first = chunk[index]
        let paced = isPaced(first)
        let second = first.timestampNanos / 1_000_000_000
        var span = Int64.max
        if paced, case .times(let multiple) = speed { span = max(1, Self.clamped(1_000_000 * multiple)) }
        var end = index + 1
        while end < chunk.endIndex, end - index < batchSize, isPaced(chunk[end]) == paced,
            chunk[end].timestampNanos / 1_000_000_000 == second, chunk[end].timestampNanos - first.timestampNanos < span
        {
            end += 1
        }
        return end
    }

    private func isPaced(_ tick: Tick) -> Bool {
        guard case .times = speed else { return false }
        return tick.timestampNanos >= source.pacedFromNanos
    }

    /// Waits until the tick at `dataNanos` is due, moving the clock on with wall time meanwhile.
    private func wait(for dataNanos: Int64, origin: inout PacingOrigin?, hub: MarketDataHub) async throws {
        guard case .times(let multiple) = speed else { return }
        guard let start = origin else {
            // The first paced tick goes out at once and fixes the schedule.
            origin = PacingOrigin(wallNanos: pacer.elapsedNanos(), dataNanos: dataNanos)
            return
        }
        func wall(atData nanos: Int64) -> Int64 { start.wallNanos + Self.clamped(Double(nanos - start.dataNanos) / multiple) }
        func data(atWall nanos: Int64) -> Int64 { start.dataNanos + Self.clamped(Double(nanos - start.wallNanos) * multiple) }
        let due = wall(atData: dataNanos)
        while true {
            let now = pacer.elapsedNanos()
            guard now < due else { return }
            // Wake when the simulated clock reaches its next whole second (bars end on seconds),
            // but not more often than every 20 ms of wall time.
            let nextSecond = (data(atWall: now) / 1_000_000_000 + 1) * 1_000_000_000
            let wake = min(due, max(wall(atData: nextSecond), now + Self.minimumWaitNanos))
            try await pacer.sleep(untilElapsedNanos: wake)
            advanceClock(to: min(data(atWall: pacer.elapsedNanos()), dataNanos), hub: hub)
        }
    }

    /// Moves the clock forward to `nanos` (never back) and, when it passes a whole second, closes
    /// the bars that have ended.
    private func advanceClock(to nanos: Int64, hub: MarketDataHub) {
        let before = clock.nowNanos()
        guard nanos > before else { return }
        clock.set(nanos: nanos)
        let seconds = nanos / 1_000_000_000
        if seconds > before / 1_000_000_000 { hub.closeDueBars(nowSeconds: seconds) }
    }

    /// A Double of nanoseconds as an Int64, saturating instead of trapping on a huge value.
    private static func clamped(_ nanos: Double) -> Int64 {
        guard nanos.isFinite else { return nanos > 0 ? Int64.max / 4 : 0 }
        return Int64(max(min(nanos, Double(Int64.max / 4)), Double(Int64.min / 4)))
    }
}
