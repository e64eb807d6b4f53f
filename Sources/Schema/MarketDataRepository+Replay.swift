// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

/// Ranged reads of stored ticks for the replay feed. Unlike ``MarketDataRepository/replayTicks(sinceNanos:chunkSize:_:)``,
/// which holds one read transaction for a whole restart rebuild, a replay reads one page per call:
/// it waits between ticks, and a read transaction must never stay open across an `await`.
extension MarketDataRepository {
    /// How many ticks lie in `fromNanos ..< untilNanos`, and the first and last of their times.
    public struct TickRange: Sendable, Equatable {
        public var count: Int
        public var firstNanos: Int64?
        public var lastNanos: Int64?

        public init(count: Int, firstNanos: Int64?, lastNanos: Int64?) {
            self.count = count
            self.firstNanos = firstNanos
            self.lastNanos = lastNanos
        }
    }

    /// Where the next page of a ranged read starts: just after this tick. Ticks are ordered by
    /// time, then by `rowid` (insertion order), so equal times never repeat or go missing between
    /// pages.
    public struct TickCursor: Sendable, Equatable {
        public var timestampNanos: Int64
        public var rowID: Int64

        public init(timestampNanos: Int64, rowID: Int64) {
            self.timestampNanos = timestampNanos
            self.rowID = rowID
        }
    }

    /// Counts the stored ticks with `fromNanos <= ts_ns < untilNanos`.
    public func tickRange(fromNanos: Int64, untilNanos: Int64) async throws -> TickRange {
        try await store.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT count(*), min(ts_ns), max(ts_ns) FROM ticks WHERE ts_ns >= ? AND ts_ns < ?", arguments: [fromNanos, untilNanos])
            return TickRange(count: row?[0] ?? 0, firstNanos: row?[1], lastNanos: row?[2])
        }
    }

    /// One page of stored ticks with `fromNanos <= ts_ns < untilNanos`, in time order, starting
    /// after `cursor` (from the start when nil).
    /// - Returns: the ticks and the cursor of the next page, nil after the last page.
    public func ticks(
        fromNanos: Int64, untilNanos: Int64, after cursor: TickCursor?, limit: Int = 10_000
    ) async throws -> (ticks: [Tick], next: TickCursor?) {
        try await store.read { db in
            let after = cursor ?? TickCursor(timestampNanos: fromNanos, rowID: Int64.min)
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT instrument_id, ts_ns, ltp, ltq, bid, ask, bid_qty, ask_qty, volume, oi, rowid
                      FROM ticks
                     WHERE ts_ns >= ? AND ts_ns < ? AND (ts_ns, rowid) > (?, ?)
                     ORDER BY ts_ns, rowid LIMIT ?
                    """,
                arguments: [fromNanos, untilNanos, after.timestampNanos, after.rowID, limit])
            var ticks: [Tick] = []
            ticks.reserveCapacity(limit)
            var last: TickCursor?
            while let row = try rows.next() {
                ticks.append(
                    Tick(
                        instrumentID: row[0], timestampNanos: row[1], lastPrice: row[2], lastQuantity: row[3] ?? 0, volume: row[8] ?? 0,
                        openInterest: row[9] ?? 0, bid: row[4] ?? 0, ask: row[5] ?? 0, bidQuantity: row[6] ?? 0, askQuantity: row[7] ?? 0))
                last = TickCursor(timestampNanos: row[1], rowID: row[10])
            }
            return (ticks, ticks.count == limit ? last : nil)
        }
    }
}
