// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import Logging
import MarketData
import Schema

/// The hub throughput half of `bench feed`: ticks for every instrument of the seeded master,
/// published in batches through ``MarketDataHub/publish(_:)`` while the hub's own background
/// loop commits them, timed until the last tick is in the database.
struct HubThroughputRun {
    struct Figures {
        var instruments: Int
        /// Ticks per second through the tick path alone (cache, bars, storage queue).
        var publishPerSecond: Double
        /// Ticks per second from the first publish until every tick is committed.
        var sustainedPerSecond: Double
        var barsClosed: Int64
        var ticksDropped: Int64
    }

    let ticks: Int
    let batch: Int
    let rowsPerTransaction: Int?
    let logger: Logger

    func measure(in folder: URL) async throws -> Figures {
        let (store, _) = try await StoreBenchmark.freshHub(at: folder)
        defer { try? store.close() }
        let instruments = try await store.marketData.activeInstruments()
        guard !instruments.isEmpty else { throw BenchFeedClientError(message: "the seeded master has no instruments") }
        var configuration = MarketDataHub.Configuration()
        configuration.alwaysOpen = true
        if let rowsPerTransaction { configuration.persister.rowsPerTransaction = rowsPerTransaction }
        let hub = MarketDataHub(
            store: store, directory: InstrumentDirectory(instruments), calendar: try await store.calendar.load(), configuration: configuration,
            logger: logger)

        // Built before the clock starts: the figure is the hub's, not the generator's. Ticks are
        // one microsecond apart from now on, so bars of every timeframe open and close on the way.
        let batches = Self.makeBatches(count: ticks, batch: batch, instruments: instruments, startNanos: SystemWallClock().nowNanos())
        let background = Task { await hub.run() }
        let clock = ContinuousClock()
        let started = clock.now
        for ticks in batches { hub.publish(ticks) }
        let published = clock.now
        while hub.persister.statistics.ticksWritten + hub.persister.statistics.ticksDropped < Int64(ticks) {
            try await Task.sleep(for: .milliseconds(2))
        }
        let committed = clock.now
        background.cancel()
        await background.value

        let statistics = hub.persister.statistics
        return Figures(
            instruments: instruments.count, publishPerSecond: Double(ticks) / StoreBenchmark.seconds(published - started),
            sustainedPerSecond: Double(ticks) / StoreBenchmark.seconds(committed - started), barsClosed: hub.statistics.barsClosed,
            ticksDropped: statistics.ticksDropped)
    }

    private static func makeBatches(count: Int, batch: Int, instruments: [Instrument], startNanos: Int64) -> [[Tick]] {
        var batches: [[Tick]] = []
        batches.reserveCapacity(count / batch + 1)
        var current: [Tick] = []
        current.reserveCapacity(batch)
        for index in 0..<count {
            let instrument = instruments[index % instruments.count]
            // A small walk around 100 so every price is positive and bars get real highs and lows.
            let price = 100 + Double((index / instruments.count) % 200) * instrument.tickSize
            current.append(
                Tick(
                    instrumentID: instrument.id, timestampNanos: startNanos + Int64(index) * 1_000, lastPrice: price, lastQuantity: 1,
                    volume: Int64(index / instruments.count + 1), bid: price - instrument.tickSize, ask: price + instrument.tickSize,
                    bidQuantity: 10, askQuantity: 10))
            if current.count == batch {
                batches.append(current)
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
