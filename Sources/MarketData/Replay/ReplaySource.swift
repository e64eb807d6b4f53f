// SPDX-License-Identifier: Apache-2.0
public import Core

/// Where a ``ReplayFeed``'s ticks come from: a CSV read into memory (``MemoryReplaySource``) or
/// the hub's stored ticks (``HubReplaySource``). A source is opened, and so checked, before the
/// feed starts, which is how `serve` refuses a bad replay at start-up.
public protocol ReplaySource: Sendable {
    /// What is replayed, for the feed status and logs ("ticks.csv", "the hub's ticks").
    var label: String { get }
    /// The first tick's time: where the simulated clock starts.
    var startNanos: Int64 { get }
    /// Ticks before this time are fast-forwarded (published at once, not paced): the hub source
    /// uses it to rebuild the bars of the day up to `--replay-from`. `startNanos` when unused.
    var pacedFromNanos: Int64 { get }
    /// Where the clock moves once the data ends, when later than the last tick (a bar file's last
    /// bar end, so that bar closes); nil leaves the clock at the last tick.
    var endNanos: Int64? { get }
    /// True when the ticks already sit in the hub's `ticks` table, so replaying must not store
    /// them again.
    var isStoredInHub: Bool { get }
    /// How many ticks the source holds, for the status message.
    var tickCount: Int { get }
    /// Hands every tick to `body` in time order, a chunk at a time, until the data ends.
    /// - Throws: what `body` throws (cancellation), or a read error.
    func forEachChunk(_ body: ([Tick]) async throws -> Void) async throws
}

/// Ticks held in memory: a CSV file read by ``ReplayCSV``, or a test's list.
public struct MemoryReplaySource: ReplaySource {
    public let label: String
    public let ticks: [Tick]
    public let endNanos: Int64?
    public var startNanos: Int64 { ticks.first?.timestampNanos ?? 0 }
    public var pacedFromNanos: Int64 { startNanos }
    public var isStoredInHub: Bool { false }
    public var tickCount: Int { ticks.count }
    /// Ticks handed to the feed per call, so a long file still lets the feed yield between chunks.
    let chunkSize = 10_000

    /// - Parameters:
    ///   - ticks: in time order (as ``ReplayCSV`` returns them).
    ///   - endNanos: where the clock goes after the last tick, if later.
    /// - Precondition: `ticks` is in time order.
    public init(label: String, ticks: [Tick], endNanos: Int64? = nil) {
        precondition(zip(ticks, ticks.dropFirst()).allSatisfy { $0.timestampNanos <= $1.timestampNanos }, "replay ticks must be in time order")
        self.label = label
        self.ticks = ticks
        self.endNanos = endNanos
    }

    /// The ticks of a CSV file read by ``ReplayCSV``.
    public init(label: String, csv: ReplayCSV) {
        self.init(label: label, ticks: csv.ticks, endNanos: csv.endNanos)
    }

    public func forEachChunk(_ body: ([Tick]) async throws -> Void) async throws {
        var start = ticks.startIndex
        while start < ticks.endIndex {
            let end = min(start + chunkSize, ticks.endIndex)
            try await body(Array(ticks[start..<end]))
            start = end
        }
    }
}
