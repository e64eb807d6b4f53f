// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Schema
import Synchronization
import Testing

@Suite("Market-data hub")
struct MarketDataHubTests {
    final class Recorder: MarketDataListener {
        let quotes = Mutex<[Quote]>([])
        let bars = Mutex<[Bar]>([])
        func marketDataHub(didUpdate quotes: [Quote]) { self.quotes.withLock { $0.append(contentsOf: quotes) } }
        func marketDataHub(didClose bars: [Bar]) { self.bars.withLock { $0.append(contentsOf: bars) } }
    }

    static func reliance(_ directory: InstrumentDirectory) throws -> Instrument {
        try #require(directory.instrument(symbol: "RELIANCE", exchange: "NSE"))
    }

    @Test("a zero, negative or NaN price never reaches the cache, a bar or a listener; the last good price stays")
    func zeroPriceGuard() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let hub = MarketDataHub(store: store, directory: directory, calendar: calendar, logger: quietLogger)
            let recorder = Recorder()
            hub.addListener(recorder)
            let id = try Self.reliance(directory).id
            #expect(hub.publish([Tick(instrumentID: id, timestampNanos: mondayTenAMNanos, lastPrice: 1500)]) == 1)
            for bad in [0.0, -1, .nan, .infinity] {
                #expect(hub.publish([Tick(instrumentID: id, timestampNanos: mondayTenAMNanos + 1_000_000_000, lastPrice: bad)]) == 0)
            }
            #expect(hub.publish([Tick(instrumentID: 999_999, timestampNanos: mondayTenAMNanos, lastPrice: 10)]) == 0)
            #expect(hub.quote(instrumentID: id)?.lastPrice == 1500)
            #expect(hub.statistics.ticksRejected == 5)
            #expect(recorder.quotes.withLock { $0.count } == 1)
            #expect(hub.openBar(instrumentID: id, timeframe: .m1)?.low == 1500)
        }
    }

    @Test("ticks and closed bars are stored in the background; the open bars rebuild from stored ticks after a restart")
    func storageAndRebuild() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let id = try Self.reliance(directory).id
            let hub = MarketDataHub(store: store, directory: directory, calendar: calendar, logger: quietLogger)
            var ticks: [Tick] = []
            for second in 0..<150 {  // 10:00:00 … 10:02:29: two closed 1m bars and an open one
                ticks.append(
                    Tick(
                        instrumentID: id, timestampNanos: mondayTenAMNanos + Int64(second) * 1_000_000_000, lastPrice: 1500 + Double(second % 7),
                        lastQuantity: 10, volume: Int64(second + 1) * 10))
            }
            hub.publish(ticks)
            await hub.persister.flush()
            #expect(try await store.ticks.count() == 150)
            let stored = try await store.marketData.bars(
                instrumentID: id, timeframe: .m1, from: mondayTenAMNanos / 1_000_000_000, until: mondayTenAMNanos / 1_000_000_000 + 3600)
            #expect(stored.count == 2)
            #expect(stored.map(\.volume) == [600, 600])
            let open = try #require(hub.openBar(instrumentID: id, timeframe: .m1))

            let restarted = MarketDataHub(store: store, directory: directory, calendar: calendar, logger: quietLogger)
            #expect(try await restarted.rebuild(from: store, sinceNanos: mondayTenAMNanos - 3_600_000_000_000) == 150)
            #expect(restarted.openBar(instrumentID: id, timeframe: .m1) == open)
            #expect(restarted.quote(instrumentID: id)?.lastPrice == hub.quote(instrumentID: id)?.lastPrice)
            #expect(restarted.quote(instrumentID: id)?.high == hub.quote(instrumentID: id)?.high)
            await restarted.persister.flush()
            #expect(try await store.ticks.count() == 150)  // a rebuild never stores a tick twice
        }
    }

    @Test("demand is the union of owners at the highest mode, and observers see each change")
    func demand() {
        let demand = SubscriptionDemand()
        let seen = Mutex<[SubscriptionDemand.Wanted]>([])
        demand.observe { wanted in seen.withLock { $0.append(wanted) } }
        demand.set(owner: 1, [10: .ltp, 11: .quote])
        demand.set(owner: 2, [10: .depth])
        demand.set(owner: 2, [10: .depth])  // no change, no call
        demand.set(owner: 1, [:])
        #expect(seen.withLock { $0 } == [[:], [10: .ltp, 11: .quote], [10: .depth, 11: .quote], [10: .depth]])
        #expect(demand.ownerCount == 1)
    }
}
