// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Schema
import Synchronization
import Testing

/// A pacer whose time moves only by sleeping: each sleep returns at once, having moved time to
/// its deadline (plus `overshoot`, to play a machine that wakes late). A ×N replay then runs
/// instantly, and the schedule it asked for can be checked.
final class InstantPacer: ReplayPacer {
    private let state = Mutex<(now: Int64, sleeps: [Int64])>((0, []))
    let overshoot: Int64

    init(overshoot: Int64 = 0) { self.overshoot = overshoot }

    var sleeps: [Int64] { state.withLock { $0.sleeps } }

    func elapsedNanos() -> Int64 { state.withLock { $0.now } }

    func sleep(untilElapsedNanos nanos: Int64) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(nanos)
            state.now = max(state.now, nanos + overshoot)
        }
    }
}

/// Records what the hub told its listeners, in order, with the simulated time of each call.
final class ReplayRecorder: MarketDataListener {
    enum Event: Equatable {
        case quotes(clockNanos: Int64, tickNanos: [Int64])
        case bars([Bar])
    }

    let clock: ManualWallClock
    let events = Mutex<[Event]>([])

    init(clock: ManualWallClock) { self.clock = clock }

    func marketDataHub(didUpdate quotes: [Quote]) {
        let now = clock.nowNanos()
        events.withLock { $0.append(.quotes(clockNanos: now, tickNanos: quotes.map(\.tick.timestampNanos))) }
    }

    func marketDataHub(didClose bars: [Bar]) { events.withLock { $0.append(.bars(bars)) } }

    var quoteTimes: [Int64] {
        events.withLock { events in
            events.flatMap { event -> [Int64] in
                if case .quotes(_, let times) = event { return times }
                return []
            }
        }
    }

    var closedBars: [Bar] {
        events.withLock { events in
            events.flatMap { event -> [Bar] in
                if case .bars(let bars) = event { return bars }
                return []
            }
        }
    }
}

@Suite("Replay feed")
struct ReplayFeedTests {
    static let second: Int64 = 1_000_000_000

    /// A hub on a real temporary store, on a simulated clock.
    static func hub(
        _ store: Store, _ directory: InstrumentDirectory, _ calendar: TradingCalendar, clock: ManualWallClock, storeTicks: Bool = true
    ) -> MarketDataHub {
        var configuration = MarketDataHub.Configuration()
        configuration.storeTicks = storeTicks
        return MarketDataHub(store: store, directory: directory, calendar: calendar, clock: clock, configuration: configuration, logger: quietLogger)
    }

    static func ids(_ directory: InstrumentDirectory) throws -> (reliance: Int64, infy: Int64) {
        (
            try #require(directory.instrument(symbol: "RELIANCE", exchange: "NSE")).id,
            try #require(directory.instrument(symbol: "INFY", exchange: "NSE")).id
        )
    }

    /// RELIANCE every second 10:00:00–10:02:29, INFY once at 10:00:10 and once at 10:02:05.
    static func morning(_ reliance: Int64, _ infy: Int64) -> [Tick] {
        var ticks: [Tick] = []
        for second in 0..<150 {
            let nanos = mondayTenAMNanos + Int64(second) * Self.second
            ticks.append(
                Tick(
                    instrumentID: reliance, timestampNanos: nanos, lastPrice: 1500 + Double(second % 7), lastQuantity: 10,
                    volume: Int64(second + 1) * 10))
            if second == 10 || second == 125 {
                ticks.append(Tick(instrumentID: infy, timestampNanos: nanos, lastPrice: 1800 + Double(second), volume: Int64(second)))
            }
        }
        return ticks
    }

    @Test("as fast as possible: every tick in order, the clock at each tick's time, bars closed in data time as a live hub closes them")
    func asFastAsPossible() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let (reliance, infy) = try Self.ids(directory)
            let ticks = Self.morning(reliance, infy)
            let clock = ManualWallClock(nanos: 0)
            let hub = Self.hub(store, directory, calendar, clock: clock)
            let recorder = ReplayRecorder(clock: clock)
            hub.addListener(recorder)
            let feed = ReplayFeed(
                source: MemoryReplaySource(label: "morning", ticks: ticks), speed: .asFastAsPossible, clock: clock, batchSize: 7)
            #expect(clock.nowNanos() == mondayTenAMNanos)
            #expect(feed.status().state == .starting)
            try await feed.run(into: hub)

            #expect(recorder.quoteTimes == ticks.map(\.timestampNanos))
            // Each batch is published with the clock at its first tick; nothing runs ahead of the data.
            for case .quotes(let now, let times) in recorder.events.withLock({ $0 }) { #expect(now == times.first) }
            #expect(clock.nowNanos() == ticks[ticks.count - 1].timestampNanos)

            // RELIANCE's minutes close as its ticks pass their ends; quiet INFY's 10:00 minute closes
            // when the clock passes 10:01, with no INFY tick needed.
            let closed = recorder.closedBars
            let oneMinute = closed.filter { $0.timeframe == .m1 }
            #expect(oneMinute.filter { $0.instrumentID == reliance }.map(\.start) == [0, 60].map { mondayTenAMNanos / Self.second + $0 })
            #expect(oneMinute.filter { $0.instrumentID == reliance }.map(\.volume) == [600, 600])
            #expect(oneMinute.filter { $0.instrumentID == infy }.map(\.start) == [mondayTenAMNanos / Self.second])
            #expect(oneMinute.first { $0.instrumentID == infy }?.close == 1810)
            #expect(hub.statistics.ticksAccepted == Int64(ticks.count))
            #expect(hub.statistics.ticksRejected == 0)
            #expect(hub.openBar(instrumentID: reliance, timeframe: .m1)?.start == mondayTenAMNanos / Self.second + 120)

            let status = feed.status()
            #expect(status.kind == "replay")
            #expect(status.state == .finished)
            #expect(status.ticksPublished == Int64(ticks.count))
            #expect(status.lastTickNanos == ticks[ticks.count - 1].timestampNanos)
            #expect(status.message.contains("replayed morning: 152 ticks published"))

            // A CSV replay stores its ticks like any feed.
            await hub.persister.flush()
            #expect(try await store.ticks.count() == ticks.count)
        }
    }

    @Test("the quiet instrument's bar closes before the next tick of another instrument is published")
    func barsCloseBeforeLaterTicks() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let (reliance, infy) = try Self.ids(directory)
            let ticks = [
                Tick(instrumentID: infy, timestampNanos: mondayTenAMNanos + 5 * Self.second, lastPrice: 1800),
                Tick(instrumentID: reliance, timestampNanos: mondayTenAMNanos + 61 * Self.second, lastPrice: 1500),
            ]
            let clock = ManualWallClock(nanos: 0)
            let hub = Self.hub(store, directory, calendar, clock: clock)
            let recorder = ReplayRecorder(clock: clock)
            hub.addListener(recorder)
            try await ReplayFeed(source: MemoryReplaySource(label: "two", ticks: ticks), speed: .asFastAsPossible, clock: clock).run(into: hub)
            let events = recorder.events.withLock { $0 }
            guard events.count >= 3, case .bars(let bars) = events[1] else {
                Issue.record("expected quotes, closed bars, quotes: \(events)")
                return
            }
            #expect(bars.allSatisfy { $0.instrumentID == infy && $0.start + Int64($0.timeframe.seconds) <= mondayTenAMNanos / Self.second + 61 })
            #expect(bars.contains { $0.timeframe == .m1 })
            #expect(events.last == .quotes(clockNanos: mondayTenAMNanos + 61 * Self.second, tickNanos: [mondayTenAMNanos + 61 * Self.second]))
        }
    }

    @Test("×N: each tick is due (its time − the first's) ÷ N after the first; equal times go out together; the clock walks on while waiting")
    func paced() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let (reliance, infy) = try Self.ids(directory)
            let t0 = mondayTenAMNanos
            let ticks = [
                Tick(instrumentID: reliance, timestampNanos: t0, lastPrice: 1500),
                Tick(instrumentID: reliance, timestampNanos: t0 + 1 * Self.second, lastPrice: 1501),
                Tick(instrumentID: infy, timestampNanos: t0 + 1 * Self.second, lastPrice: 1800),
                Tick(instrumentID: reliance, timestampNanos: t0 + 61 * Self.second + 500_000_000, lastPrice: 1502),
            ]
            let clock = ManualWallClock(nanos: 0)
            let hub = Self.hub(store, directory, calendar, clock: clock)
            let recorder = ReplayRecorder(clock: clock)
            hub.addListener(recorder)
            let pacer = InstantPacer()
            let feed = ReplayFeed(source: MemoryReplaySource(label: "paced", ticks: ticks), speed: .times(2), clock: clock, pacer: pacer)
            try await feed.run(into: hub)

            let sleeps = pacer.sleeps
            // Due at 0.5 s and 30.75 s of wall time; the waits in between stop at each simulated second.
            #expect(sleeps.first == 500_000_000)
            #expect(sleeps.last == 30_750_000_000)
            #expect(sleeps.contains(30_500_000_000))  // the simulated clock reaches 10:01:01
            #expect(sleeps == sleeps.sorted())
            #expect(zip(sleeps, sleeps.dropFirst()).allSatisfy { $1 - $0 <= 500_000_000 })

            let quoteEvents = recorder.events.withLock { events in
                events.compactMap { event -> [Int64]? in
                    if case .quotes(_, let times) = event { return times }
                    return nil
                }
            }
            #expect(quoteEvents == [[t0], [t0 + Self.second, t0 + Self.second], [t0 + 61 * Self.second + 500_000_000]])
            // The 10:00 minute closed while waiting, on the simulated clock, before the 10:01:01.5 tick.
            let events = recorder.events.withLock { $0 }
            let minuteClose = events.firstIndex { event in
                if case .bars(let bars) = event { return bars.contains { $0.timeframe == .m1 && $0.instrumentID == reliance } }
                return false
            }
            let lastQuote = events.lastIndex { if case .quotes = $0 { return true } else { return false } }
            #expect(try #require(minuteClose) < (try #require(lastQuote)))
            #expect(clock.nowNanos() == t0 + 61 * Self.second + 500_000_000)
            #expect(feed.status().state == .finished)
        }
    }

    @Test("×N never moves the clock past the next tick, however late the machine runs")
    func pacedLate() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let (reliance, _) = try Self.ids(directory)
            let ticks = (0..<5).map { Tick(instrumentID: reliance, timestampNanos: mondayTenAMNanos + Int64($0) * 90 * Self.second, lastPrice: 1500) }
            let clock = ManualWallClock(nanos: 0)
            let hub = Self.hub(store, directory, calendar, clock: clock)
            let recorder = ReplayRecorder(clock: clock)
            hub.addListener(recorder)
            // Every wait ends 10 s of wall time late: 10,000 s of data at ×1000.
            let pacer = InstantPacer(overshoot: 10 * Self.second)
            try await ReplayFeed(source: MemoryReplaySource(label: "late", ticks: ticks), speed: .times(1000), clock: clock, pacer: pacer).run(
                into: hub)
            for case .quotes(let now, let times) in recorder.events.withLock({ $0 }) { #expect(now == times.first) }
            #expect(recorder.quoteTimes == ticks.map(\.timestampNanos))
        }
    }

    @Test("×N batches the ticks due within a millisecond of wall time, but never across a whole second")
    func pacedBatches() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let (reliance, _) = try Self.ids(directory)
            let offsets: [Int64] = [0, 500, 900, 1_200, 1_300]  // milliseconds of data time
            let ticks = offsets.map { Tick(instrumentID: reliance, timestampNanos: mondayTenAMNanos + $0 * 1_000_000, lastPrice: 1500) }
            let clock = ManualWallClock(nanos: 0)
            let hub = Self.hub(store, directory, calendar, clock: clock)
            let recorder = ReplayRecorder(clock: clock)
            hub.addListener(recorder)
            // At ×1000 a millisecond of wall time is a second of data.
            try await ReplayFeed(source: MemoryReplaySource(label: "dense", ticks: ticks), speed: .times(1000), clock: clock, pacer: InstantPacer())
                .run(into: hub)
            let batches = recorder.events.withLock { events in
                events.compactMap { event -> Int? in
                    if case .quotes(_, let times) = event { return times.count }
                    return nil
                }
            }
            #expect(batches == [3, 2])
        }
    }

    @Test("a bar file's replay ends with the clock at the last bar's end, so that bar closes too")
    func barFileEnd() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let csv = try ReplayCSV.parse(
                """
                timestamp,symbol,exchange,open,high,low,close,volume
                2026-11-23T10:00:00+05:30,RELIANCE,NSE,1500,1510,1495,1505,400
                2026-11-23T10:01:00+05:30,RELIANCE,NSE,1505,1506,1490,1492,100
                """, fileName: "bars.csv", directory: directory, calendar: calendar)
            let clock = ManualWallClock(nanos: 0)
            let hub = Self.hub(store, directory, calendar, clock: clock)
            let recorder = ReplayRecorder(clock: clock)
            hub.addListener(recorder)
            try await ReplayFeed(source: MemoryReplaySource(label: "bars.csv", csv: csv), speed: .asFastAsPossible, clock: clock).run(into: hub)
            #expect(clock.nowNanos() == mondayTenAMNanos + 120 * Self.second)
            let minutes = recorder.closedBars.filter { $0.timeframe == .m1 }
            let reliance = try #require(directory.instrument(symbol: "RELIANCE", exchange: "NSE")).id
            #expect(
                minutes == [
                    Bar(
                        instrumentID: reliance, timeframe: .m1, start: mondayTenAMNanos / Self.second, open: 1500, high: 1510, low: 1495, close: 1505,
                        volume: 400),
                    Bar(
                        instrumentID: reliance, timeframe: .m1, start: mondayTenAMNanos / Self.second + 60, open: 1505, high: 1506, low: 1490,
                        close: 1492, volume: 100),
                ])
        }
    }

    @Test("cancelled while waiting: run throws CancellationError and the status says stopped")
    func cancelled() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let (reliance, _) = try Self.ids(directory)
            let ticks = [
                Tick(instrumentID: reliance, timestampNanos: mondayTenAMNanos, lastPrice: 1500),
                Tick(instrumentID: reliance, timestampNanos: mondayTenAMNanos + 3_600 * Self.second, lastPrice: 1501),
            ]
            let clock = ManualWallClock(nanos: 0)
            let hub = Self.hub(store, directory, calendar, clock: clock)
            let feed = ReplayFeed(source: MemoryReplaySource(label: "slow", ticks: ticks), speed: .times(1), clock: clock)
            let task = Task { try await feed.run(into: hub) }
            // Wait (without a deadline) until the first tick is out, then stop the hour-long wait.
            while feed.status().ticksPublished == 0 { await Task.yield() }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(feed.status().state == .stopped)
            #expect(hub.quote(instrumentID: reliance)?.lastPrice == 1500)
        }
    }
}
