// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Schema
import Testing

@Suite("Replay from the hub's stored ticks")
struct ReplayHubSourceTests {
    static let second = ReplayFeedTests.second

    /// Stores the morning's ticks (and the bars they close) through a live hub.
    static func storeMorning(_ store: Store, _ directory: InstrumentDirectory, _ calendar: TradingCalendar) async throws -> [Tick] {
        let (reliance, infy) = try ReplayFeedTests.ids(directory)
        let ticks = ReplayFeedTests.morning(reliance, infy)
        let live = MarketDataHub(store: store, directory: directory, calendar: calendar, logger: quietLogger)
        live.publish(ticks)
        await live.persister.flush()
        return ticks
    }

    static func storedBars(_ store: Store, _ instrumentID: Int64) async throws -> [Bar] {
        var bars: [Bar] = []
        let from = mondayTenAMNanos / second - 3600
        for timeframe in Timeframe.allCases {
            bars += try await store.marketData.bars(instrumentID: instrumentID, timeframe: timeframe, from: from - 86_400, until: from + 86_400)
        }
        return bars
    }

    @Test("ranged pages: time order, equal times neither repeated nor lost across pages, the end exclusive")
    func pages() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let ticks = try await Self.storeMorning(store, directory, calendar)
            // From 10:00:08 in pages of three, the first page ends between RELIANCE's and INFY's ticks of
            // 10:00:10; 10:02:06 and later are left out.
            let from = mondayTenAMNanos + 8 * Self.second
            let until = mondayTenAMNanos + 126 * Self.second
            var read: [Tick] = []
            var cursor: MarketDataRepository.TickCursor?
            repeat {
                let page = try await store.marketData.ticks(
                    fromNanos: from, untilNanos: until, after: cursor, limit: 3)
                #expect(page.ticks.count <= 3)
                read += page.ticks
                cursor = page.next
            } while cursor != nil
            let expected = ticks.filter { $0.timestampNanos >= from && $0.timestampNanos < until }
            #expect(expected[2].timestampNanos == expected[3].timestampNanos)
            #expect(read == expected)
            let range = try await store.marketData.tickRange(fromNanos: from, untilNanos: until)
            #expect(
                range
                    == MarketDataRepository.TickRange(
                        count: expected.count, firstNanos: expected.first?.timestampNanos, lastNanos: expected.last?.timestampNanos))
        }
    }

    @Test("replaying from mid-morning fast-forwards the day up to --replay-from, paces the rest, stores no tick twice and rewrites bars unchanged")
    func replay() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let ticks = try await Self.storeMorning(store, directory, calendar)
            let (reliance, infy) = try ReplayFeedTests.ids(directory)
            let barsBefore = try await Self.storedBars(store, reliance) + Self.storedBars(store, infy)
            #expect(!barsBefore.isEmpty)

            let from = mondayTenAMNanos + 60 * Self.second
            let source = try await HubReplaySource.open(store: store, fromNanos: from, untilNanos: nil)
            #expect(source.startNanos == mondayTenAMNanos)
            #expect(source.pacedFromNanos == from)
            #expect(source.tickCount == ticks.count)
            #expect(source.isStoredInHub)

            let clock = ManualWallClock(nanos: 0)
            let hub = ReplayFeedTests.hub(store, directory, calendar, clock: clock, storeTicks: false)
            let recorder = ReplayRecorder(clock: clock)
            hub.addListener(recorder)
            let pacer = InstantPacer()
            let feed = ReplayFeed(source: source, speed: .times(1), clock: clock, pacer: pacer)
            try await feed.run(into: hub)

            #expect(recorder.quoteTimes == ticks.map(\.timestampNanos))
            // One wait per second from 10:01:00 to 10:02:29, none before: the first hour is fast-forwarded.
            #expect(pacer.sleeps == (1...89).map { Int64($0) * Self.second })
            #expect(feed.status().state == .finished)
            #expect(feed.status().message.contains("the hub's ticks from 2026-11-23T04:31:00Z"))

            await hub.persister.flush()
            #expect(try await store.ticks.count() == ticks.count)
            let barsAfter = try await Self.storedBars(store, reliance) + Self.storedBars(store, infy)
            for bar in barsBefore { #expect(barsAfter.contains(bar), "bar changed or lost: \(bar)") }
        }
    }

    @Test("an empty range is an error that says so")
    func empty() async throws {
        try await withMarketDataHub { store, _, _ in
            do {
                _ = try await HubReplaySource.open(store: store, fromNanos: mondayTenAMNanos, untilNanos: mondayTenAMNanos + Self.second)
                Issue.record("no error for an empty hub")
            } catch let error as ReplayError {
                #expect(error.code == .empty)
                #expect(error.description == "the hub has no stored ticks to replay from 2026-11-23T04:30:00Z to 2026-11-23T04:30:01Z")
            }
        }
    }
}
