// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Schema
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Simulated market")
struct SimulatedMarketTests {
    static func market(
        _ store: Store, _ directory: InstrumentDirectory, _ calendar: TradingCalendar, seed: UInt64 = 7, alwaysOpen: Bool = false,
        resumingFrom quotes: [Int64: Quote] = [:]
    ) async throws -> SimulatedMarket {
        let seeds = try await store.marketData.simulationSeeds().compactMap { seed -> SimulatedMarket.Seed? in
            guard let instrument = directory.instrument(id: seed.instrumentID) else { return nil }
            return SimulatedMarket.Seed(instrument: instrument, price: seed.referencePrice, annualVolatility: seed.annualVolatility)
        }
        var configuration = SimulatedMarket.Configuration()
        configuration.seed = seed
        configuration.alwaysOpen = alwaysOpen
        configuration.optionEveryNthStep = 1
        return SimulatedMarket(seeds: seeds, directory: directory, calendar: calendar, configuration: configuration, resumingFrom: quotes)
    }

    @Test("the same seed and times give the same ticks; another seed gives others")
    func reproducible() async throws {
        try await withMarketDataHub { store, directory, calendar in
            var first = try await Self.market(store, directory, calendar)
            var second = try await Self.market(store, directory, calendar)
            var other = try await Self.market(store, directory, calendar, seed: 8)
            var differs = false
            for step in 0..<20 {
                let now = mondayTenAMNanos + Int64(step) * 1_000_000_000
                let a = first.step(nowNanos: now)
                #expect(a == second.step(nowNanos: now))
                if a != other.step(nowNanos: now) { differs = true }
            }
            #expect(differs)
        }
    }

    @Test("quiet outside the session unless always open; every price positive and on the tick grid")
    func followsTheCalendar() async throws {
        try await withMarketDataHub { store, directory, calendar in
            var market = try await Self.market(store, directory, calendar)
            let saturdayNoon = (Int64(tradingMonday.daysSinceEpoch - 2) * 86_400 + 12 * 3600 - 19_800) * 1_000_000_000
            #expect(market.step(nowNanos: saturdayNoon).isEmpty)
            #expect(market.step(nowNanos: mondayTenAMNanos - 2 * 3600 * 1_000_000_000).isEmpty)  // 08:00 IST
            let ticks = market.step(nowNanos: mondayTenAMNanos)
            #expect(ticks.count > 700)
            for tick in ticks {
                let instrument = try #require(directory.instrument(id: tick.instrumentID))
                #expect(tick.isPublishable)
                let ticksFromZero = tick.lastPrice / instrument.tickSize
                #expect(abs(ticksFromZero - ticksFromZero.rounded()) < 1e-6, "\(instrument.symbol) \(tick.lastPrice)")
                if instrument.type != .index {
                    #expect(tick.bid > 0 && tick.bid < tick.ask)
                    #expect(tick.depth?.asks.count == 5)
                }
            }
            var open = try await Self.market(store, directory, calendar, alwaysOpen: true)
            #expect(!open.step(nowNanos: saturdayNoon).isEmpty)
        }
    }

    @Test("the chain satisfies put–call parity against its futures, up to tick rounding")
    func putCallParity() async throws {
        try await withMarketDataHub { store, directory, calendar in
            var market = try await Self.market(store, directory, calendar)
            let ticks = market.step(nowNanos: mondayTenAMNanos)
            let prices = Dictionary(ticks.map { ($0.instrumentID, $0.lastPrice) }, uniquingKeysWith: { $1 })
            let rate = SimulatedMarket.Configuration().riskFreeRate
            let nowSeconds = mondayTenAMNanos / 1_000_000_000
            var checked = 0
            for expiry in directory.optionExpiries(underlying: "NIFTY", exchange: .nfo) {
                let years = OptionClock.yearsToExpiry(nowEpochSeconds: nowSeconds, expiryEpochSeconds: OptionClock.expiryEpochSeconds(expiry))
                let spot = try #require(directory.instrument(symbol: "NIFTY", exchange: "NSE_INDEX"))
                let forward = try #require(prices[spot.id]) * exp(rate * years)
                for row in directory.chain(underlying: "NIFTY", exchange: .nfo, expiry: expiry) {
                    guard let call = row.call.flatMap({ prices[$0.id] }), let put = row.put.flatMap({ prices[$0.id] }) else { continue }
                    // Deep out-of-the-money legs sit at the one-tick floor; parity holds above it.
                    guard call > 0.05, put > 0.05 else { continue }
                    let parity = exp(-rate * years) * (forward - row.strike)
                    #expect(abs((call - put) - parity) <= 0.051, "NIFTY \(expiry) \(row.strike): C−P \(call - put) vs \(parity)")
                    checked += 1
                }
            }
            #expect(checked > 100)
        }
    }

    @Test("after a restart the market continues the day: its volume keeps counting and agrees with the daily bar")
    func resumesAfterRestart() async throws {
        try await withMarketDataHub { store, directory, calendar in
            let id = try #require(directory.instrument(symbol: "RELIANCE", exchange: "NSE")).id
            let hub = MarketDataHub(store: store, directory: directory, calendar: calendar, logger: quietLogger)
            var market = try await Self.market(store, directory, calendar)
            for step in 0..<10 { hub.publish(market.step(nowNanos: mondayTenAMNanos + Int64(step) * 1_000_000_000)) }
            await hub.persister.flush()
            let before = try #require(hub.quote(instrumentID: id))

            let restarted = MarketDataHub(store: store, directory: directory, calendar: calendar, logger: quietLogger)
            _ = try await restarted.rebuild(from: store, sinceNanos: mondayTenAMNanos - 3_600_000_000_000)
            let rebuilt = restarted.quotes(instrumentIDs: directory.instruments.map(\.id))
            var resumed = try await Self.market(store, directory, calendar, resumingFrom: rebuilt)
            restarted.publish(resumed.step(nowNanos: mondayTenAMNanos + 10_000_000_000))
            let after = try #require(restarted.quote(instrumentID: id))
            #expect(after.tick.volume > before.tick.volume)
            #expect(after.tick.volume == before.tick.volume + after.tick.lastQuantity)
            #expect(after.open == before.open)
            #expect(restarted.openBar(instrumentID: id, timeframe: .day)?.volume == after.tick.volume)
        }
    }
}
