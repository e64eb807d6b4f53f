// SPDX-License-Identifier: Apache-2.0
import Core
public import Logging
public import Schema
import Synchronization

/// Batches ticks and closed bars for the hub and writes them in the background, so the tick path
/// never waits on a commit.
///
/// The hub appends under its own lock; ``flush()`` (run every ~50 ms by the hub) takes what has
/// gathered and commits it in transactions of at most ``Configuration/rowsPerTransaction`` rows,
/// so an order commit waiting for the single writer never waits behind a huge tick batch.
public final class TickPersister: Sendable {
    public struct Configuration: Sendable {
        /// Rows per transaction at most. A flush every 50 ms is normally one transaction (the
        /// issue's "one transaction per ~50–100 ms"); the cap only splits a backlog, so an order
        /// commit never waits behind more than one bounded batch. Each transaction rewrites one
        /// index page per instrument it touches, so small ones cost far more per tick
        /// (`bench feed --rows-per-transaction`: 5,000 rows ≈ half the throughput of 50,000).
        public var rowsPerTransaction = 50_000
        /// Rows held while the disk is behind before new ticks are no longer stored (they still
        /// reach every live subscriber); counted in ``Statistics/ticksDropped`` and logged.
        public var maximumPendingRows = 2_000_000

        public init() {}
    }

    public struct Statistics: Sendable, Equatable {
        public var ticksWritten: Int64 = 0
        public var barsWritten: Int64 = 0
        public var ticksDropped: Int64 = 0
        public var failedBatches: Int64 = 0
        public var pendingTicks = 0
    }

    private struct Pending {
        var ticks: [TickRow] = []
        var bars: [Bar] = []
        var statistics = Statistics()
    }

    private let store: Store
    private let configuration: Configuration
    private let logger: Logger
    private let pending = Mutex(Pending())
    /// One flush at a time: the timer's and the final one at shutdown never overlap.
    private let flushing = Mutex(false)

    public init(store: Store, configuration: Configuration = Configuration(), logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Queues ticks for storage. Returns how many were dropped because the backlog is full.
    @discardableResult
    func enqueue(_ ticks: [Tick]) -> Int {
        pending.withLock { pending in
            let room = max(0, configuration.maximumPendingRows - pending.ticks.count)
            let accepted = min(room, ticks.count)
            // No reserveCapacity(count + accepted) here: reserving the exact size on every call
            // defeats the array's geometric growth and copies the whole backlog per batch.
            for tick in ticks.prefix(accepted) { pending.ticks.append(Self.row(tick)) }
            let dropped = ticks.count - accepted
            pending.statistics.ticksDropped += Int64(dropped)
            return dropped
        }
    }

    func enqueue(_ bars: [Bar]) {
        guard !bars.isEmpty else { return }
        pending.withLock { $0.bars.append(contentsOf: bars) }
    }

    static func row(_ tick: Tick) -> TickRow {
        TickRow(
            instrumentID: tick.instrumentID, timestampNanos: tick.timestampNanos, lastPrice: tick.lastPrice,
            lastQuantity: tick.lastQuantity, bid: tick.bid > 0 ? tick.bid : nil, ask: tick.ask > 0 ? tick.ask : nil,
            bidQuantity: tick.bid > 0 ? tick.bidQuantity : nil, askQuantity: tick.ask > 0 ? tick.askQuantity : nil,
            volume: tick.volume, openInterest: tick.openInterest)
    }

    public var statistics: Statistics {
        pending.withLock { pending in
            var statistics = pending.statistics
            statistics.pendingTicks = pending.ticks.count
            return statistics
        }
    }

    /// Writes everything queued so far. A batch the database refuses is retried row by row so
    /// one bad row (an instrument deleted under us) costs only itself.
    public func flush() async {
        let acquired = flushing.withLock { busy -> Bool in
            if busy { return false }
            busy = true
            return true
        }
        guard acquired else { return }
        defer { flushing.withLock { $0 = false } }
        let (ticks, bars) = pending.withLock { pending in
            defer {
                pending.ticks = []
                pending.bars = []
            }
            return (pending.ticks, pending.bars)
        }
        var written: Int64 = 0
        var failed: Int64 = 0
        var start = 0
        while start < ticks.count {
            let end = min(start + configuration.rowsPerTransaction, ticks.count)
            let chunk = Array(ticks[start..<end])
            do {
                try await store.ticks.append(chunk)
                written += Int64(chunk.count)
            } catch {
                failed += 1
                written += await writeOneByOne(chunk, after: error)
            }
            start = end
        }
        var barsWritten: Int64 = 0
        if !bars.isEmpty {
            do {
                try await store.marketData.upsertBars(bars)
                barsWritten = Int64(bars.count)
            } catch {
                failed += 1
                logger.error("bars could not be stored", metadata: ["count": "\(bars.count)", "error": "\(error)"])
            }
        }
        pending.withLock {
            $0.statistics.ticksWritten += written
            $0.statistics.barsWritten += barsWritten
            $0.statistics.failedBatches += failed
        }
    }

    private func writeOneByOne(_ chunk: [TickRow], after error: any Error) async -> Int64 {
        var written: Int64 = 0
        var lastError = "\(error)"
        for row in chunk {
            do {
                try await store.ticks.append([row])
                written += 1
            } catch {
                lastError = "\(error)"
            }
        }
        if written < chunk.count {
            logger.error(
                "ticks could not be stored", metadata: ["dropped": "\(Int64(chunk.count) - written)", "error": "\(lastError)"])
        }
        return written
    }
}
