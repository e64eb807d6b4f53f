// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Schema
import Testing

@Suite("REST quotes on an on-demand feed")
struct OnDemandQuotesTests {
    @Test("a quote nobody streams joins the demand, and the request waits for its first tick")
    func waitsForTheFirstTick() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let clock = ManualWallClock(nanos: mondayTenAMNanos)
            let hub = MarketDataHub(store: store, directory: directory, calendar: calendar, clock: clock, logger: quietLogger)
            let reliance = try #require(directory.instrument(symbol: "RELIANCE", exchange: "NSE"))
            let onDemand = OnDemandQuotes(hub: hub, streamsOnDemand: true, firstTickWait: .seconds(30))
            // The "upstream": publishes a tick as soon as the instrument is in demand, as a feed
            // that subscribes the demand's union would.
            hub.demand.observe { wanted in
                guard wanted[reliance.id] != nil else { return }
                hub.publish([Tick(instrumentID: reliance.id, timestampNanos: mondayTenAMNanos, lastPrice: 1_412.5, volume: 10)])
            }

            let quotes = await onDemand.quotes(instrumentIDs: [reliance.id], mode: .quote)
            #expect(quotes[reliance.id]?.tick.lastPrice == 1_412.5)
            #expect(hub.demand.union[reliance.id] == .quote)
            #expect(onDemand.leasedInstrumentCount == 1)
        }
    }

    @Test("leases keep the highest mode asked for and end when no request renews them")
    func leasesExpire() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let clock = ManualWallClock(nanos: mondayTenAMNanos)
            let hub = MarketDataHub(store: store, directory: directory, calendar: calendar, clock: clock, logger: quietLogger)
            let reliance = try #require(directory.instrument(symbol: "RELIANCE", exchange: "NSE"))
            let infosys = try #require(directory.instrument(symbol: "INFY", exchange: "NSE"))
            hub.publish([
                Tick(instrumentID: reliance.id, timestampNanos: mondayTenAMNanos, lastPrice: 1_412.5),
                Tick(instrumentID: infosys.id, timestampNanos: mondayTenAMNanos, lastPrice: 1_530),
            ])
            let onDemand = OnDemandQuotes(hub: hub, streamsOnDemand: true, lease: .seconds(600), firstTickWait: .zero)

            _ = await onDemand.quotes(instrumentIDs: [reliance.id], mode: .depth)
            _ = await onDemand.quotes(instrumentIDs: [reliance.id], mode: .quote)
            #expect(hub.demand.union == [reliance.id: .depth])

            clock.advance(seconds: 599)
            _ = await onDemand.quotes(instrumentIDs: [infosys.id], mode: .ltp)
            #expect(hub.demand.union == [reliance.id: .depth, infosys.id: .ltp])

            // RELIANCE was last asked for 601 s ago, INFY 2 s ago.
            clock.advance(seconds: 2)
            _ = await onDemand.quotes(instrumentIDs: [infosys.id], mode: .ltp)
            #expect(hub.demand.union == [infosys.id: .ltp])
        }
    }

    @Test("a feed that streams the whole market is answered from the cache, without demand or waiting")
    func wholeMarketFeedsAnswerFromTheCache() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let hub = MarketDataHub(store: store, directory: directory, calendar: calendar, logger: quietLogger)
            let reliance = try #require(directory.instrument(symbol: "RELIANCE", exchange: "NSE"))
            let onDemand = OnDemandQuotes(hub: hub, streamsOnDemand: false, firstTickWait: .seconds(3600))
            let quotes = await onDemand.quotes(instrumentIDs: [reliance.id], mode: .quote)
            #expect(quotes.isEmpty)
            #expect(hub.demand.union.isEmpty)
        }
    }
}
