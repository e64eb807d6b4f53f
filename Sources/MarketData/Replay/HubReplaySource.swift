// SPDX-License-Identifier: Apache-2.0
public import Core
public import Schema

/// The hub's own stored ticks, replayed between two times.
///
/// Reading starts at IST midnight of `--replay-from`'s day, not at `--replay-from` itself: the
/// ticks before it are fast-forwarded (see ``ReplaySource/pacedFromNanos``) so every bar the
/// replay closes is built from the whole day. Bars built from half a day would be stored over the
/// complete bars already in the hub (bars are upserted), and the day's first bar would carry all
/// the volume traded before the replay started.
///
/// The ticks are not stored again (``isStoredInHub``). They are read a page at a time, each in
/// its own short read transaction, because the feed waits between ticks.
public struct HubReplaySource: ReplaySource {
    let store: Store
    /// The read range, `readFromNanos ..< untilNanos`.
    let readFromNanos: Int64
    let untilNanos: Int64
    let pageSize: Int
    public let label: String
    public let startNanos: Int64
    public let pacedFromNanos: Int64
    public let tickCount: Int
    public var endNanos: Int64? { nil }
    public var isStoredInHub: Bool { true }

    /// Finds the stored ticks to replay.
    /// - Parameters:
    ///   - fromNanos: the first time replayed at speed; nil starts at the oldest stored tick.
    ///   - untilNanos: the end, exclusive; nil replays through the newest stored tick.
    /// - Throws: ``ReplayError`` (`empty`) when no tick is stored in the range, or a store error.
    public static func open(store: Store, fromNanos: Int64?, untilNanos: Int64?, pageSize: Int = 10_000) async throws -> HubReplaySource {
        let until = untilNanos ?? .max
        let requested = try await store.marketData.tickRange(fromNanos: fromNanos ?? 1, untilNanos: until)
        guard let first = requested.firstNanos, let last = requested.lastNanos, requested.count > 0 else {
            throw ReplayError(.empty, message: "the hub has no stored ticks to replay\(describe(fromNanos: fromNanos, untilNanos: untilNanos))")
        }
        let pacedFrom = fromNanos ?? first
        let day = LocalDate(secondsSinceEpoch: pacedFrom / 1_000_000_000, utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
        let readFrom = min(pacedFrom, ReplayTimestamp.istMidnightNanos(day))
        // Ticks written after this point (none while replaying, which stores nothing) stay out.
        let end = min(until, last + 1)
        let range = try await store.marketData.tickRange(fromNanos: readFrom, untilNanos: end)
        return HubReplaySource(
            store: store, readFromNanos: readFrom, untilNanos: end, pageSize: pageSize,
            label: "the hub's ticks\(describe(fromNanos: fromNanos, untilNanos: untilNanos))", startNanos: range.firstNanos ?? first,
            pacedFromNanos: pacedFrom, tickCount: range.count)
    }

    public func forEachChunk(_ body: ([Tick]) async throws -> Void) async throws {
        var cursor: MarketDataRepository.TickCursor?
        repeat {
            let page = try await store.marketData.ticks(fromNanos: readFromNanos, untilNanos: untilNanos, after: cursor, limit: pageSize)
            if !page.ticks.isEmpty { try await body(page.ticks) }
            cursor = page.next
        } while cursor != nil
    }

    /// The range for messages, with a leading space; empty when unbounded.
    static func describe(fromNanos: Int64?, untilNanos: Int64?) -> String {
        switch (fromNanos, untilNanos) {
        case (nil, nil): ""
        case (let from?, nil): " from \(isoUTC(from))"
        case (nil, let until?): " before \(isoUTC(until))"
        case (let from?, let until?): " from \(isoUTC(from)) to \(isoUTC(until))"
        }
    }

    /// `2026-11-23T04:30:00Z`, for messages.
    static func isoUTC(_ nanos: Int64) -> String {
        let seconds = nanos / 1_000_000_000
        let date = LocalDate(secondsSinceEpoch: seconds, utcOffsetSeconds: 0)
        let inDay = seconds - Int64(date.daysSinceEpoch) * 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date)T\(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60))Z"
    }
}
