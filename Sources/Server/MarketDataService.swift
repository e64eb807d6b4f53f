// SPDX-License-Identifier: Apache-2.0
public import Core
public import Cryptography
import Foundation
public import Logging
public import MarketData
public import Schema
public import ServiceLifecycle

/// The running market-data module: the hub, the configured feed, and retention. A service of the
/// server's group: it starts with the server and, at shutdown, stops the feed and flushes every
/// queued tick and bar to the hub before the hub closes.
public final class MarketDataService: Service {
    public let hub: MarketDataHub
    public let feed: (any Feed)?
    let store: Store
    let settings: MarketDataSettings
    /// The real clock, for retention: the hub's may be a replay's simulated one, and pruning
    /// relative to a replayed year (past or future) would keep or delete the wrong ticks.
    let wallClock: any WallClock
    let logger: Logger

    init(hub: MarketDataHub, feed: (any Feed)?, store: Store, settings: MarketDataSettings, wallClock: any WallClock, logger: Logger) {
        self.hub = hub
        self.feed = feed
        self.store = store
        self.settings = settings
        self.wallClock = wallClock
        self.logger = logger
    }

    /// Loads the symbol master and calendar, rebuilds today's quotes and bars from the stored
    /// ticks, and prepares the configured feed (not yet running).
    ///
    /// A replay is different: its source is opened (a CSV read and checked whole) before anything
    /// else, the hub runs on the replay's simulated clock from the first tick's time, previous
    /// closes are those before the replayed day, and nothing is rebuilt from today's stored ticks,
    /// which would be "later" than the replay and would turn its ticks into late ones.
    /// - Throws: a `ReplayError` naming the file, line and column of a bad replay CSV, or saying
    ///   the hub has no ticks in the replay range.
    public static func prepare(
        store: Store, configuration: AppConfiguration, secretKey: SecretKey, clock: any WallClock = SystemWallClock(), logger: Logger
    ) async throws -> MarketDataService {
        let settings = configuration.marketData
        let calendar = try await store.calendar.load()
        let directory = InstrumentDirectory(try await store.marketData.activeInstruments())
        let replay: (source: any ReplaySource, clock: ManualWallClock)? =
            settings.feed == .replay ? try await openReplay(store: store, settings: settings.replay, directory: directory, calendar: calendar) : nil
        var hubConfiguration = MarketDataHub.Configuration()
        hubConfiguration.alwaysOpen = configuration.alwaysOpen
        // Replaying the hub's own ticks must not append them to `ticks` a second time; a CSV's
        // ticks are new data and are stored like any feed's.
        hubConfiguration.storeTicks = !(replay?.source.isStoredInHub ?? false)
        hubConfiguration.storeBars = hubConfiguration.storeTicks
        let hubClock = replay?.clock ?? clock
        let hub = MarketDataHub(
            store: store, directory: directory, calendar: calendar, clock: hubClock, configuration: hubConfiguration, logger: logger)

        let nowSeconds = hubClock.nowSeconds()
        let today = LocalDate(secondsSinceEpoch: nowSeconds, utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
        let previousCloses = try await store.marketData.previousCloses(before: Int64(today.daysSinceEpoch) * 86_400)
        hub.setPreviousCloses(previousCloses)
        var replayed = 0
        if replay == nil {
            let startOfDayNanos = (Int64(today.daysSinceEpoch) * 86_400 - Int64(TradingCalendar.istOffsetSeconds)) * 1_000_000_000
            replayed = try await hub.rebuild(from: store, sinceNanos: startOfDayNanos)
        }
        logger.info(
            "market data ready",
            metadata: ["instruments": "\(directory.count)", "ticks_replayed": "\(replayed)", "feed": "\(settings.feed.rawValue)"])

        let feed: (any Feed)? =
            switch settings.feed {
            case .simulator:
                try await makeSimulator(
                    store: store, hub: hub, directory: directory, previousCloses: previousCloses, configuration: configuration, clock: clock)
            case .replay:
                replay.map { ReplayFeed(source: $0.source, speed: settings.replay.speed, clock: $0.clock) }
            case .upstream:
                try await makeUpstream(store: store, settings: settings, secretKey: secretKey, alwaysOpen: configuration.alwaysOpen, logger: logger)
            case .none: nil
            }
        if let replay {
            logger.info(
                "replay ready",
                metadata: [
                    "source": "\(replay.source.label)", "ticks": "\(replay.source.tickCount)", "speed": "\(settings.replay.speed)",
                    "stores_ticks": "\(hubConfiguration.storeTicks)",
                ])
        }
        return MarketDataService(hub: hub, feed: feed, store: store, settings: settings, wallClock: clock, logger: logger)
    }

    /// Opens the replay's source (reading and checking a CSV whole) and its simulated clock.
    private static func openReplay(
        store: Store, settings: MarketDataSettings.Replay, directory: InstrumentDirectory, calendar: TradingCalendar
    ) async throws -> (source: any ReplaySource, clock: ManualWallClock) {
        let source: any ReplaySource
        if let path = settings.file {
            let csv = try ReplayCSV.read(path: path, directory: directory, calendar: calendar).clipped(
                fromNanos: settings.fromNanos, untilNanos: settings.untilNanos)
            let name = URL(fileURLWithPath: path).lastPathComponent
            guard !csv.ticks.isEmpty else {
                throw ReplayError(.empty, file: name, message: "has no rows between --replay-from and --replay-to")
            }
            source = MemoryReplaySource(label: name, csv: csv)
        } else {
            source = try await HubReplaySource.open(store: store, fromNanos: settings.fromNanos, untilNanos: settings.untilNanos)
        }
        return (source, ManualWallClock(nanos: source.startNanos))
    }

    private static func makeSimulator(
        store: Store, hub: MarketDataHub, directory: InstrumentDirectory, previousCloses: [Int64: Double], configuration: AppConfiguration,
        clock: any WallClock
    ) async throws -> SimulatorFeed {
        let seeds = try await store.marketData.simulationSeeds()
        let spots: [SimulatedMarket.Seed] = seeds.compactMap { seed in
            // A new day opens at the last stored close, else at the seeded reference price.
            directory.instrument(id: seed.instrumentID).map {
                SimulatedMarket.Seed(
                    instrument: $0, price: previousCloses[$0.id] ?? seed.referencePrice, annualVolatility: seed.annualVolatility)
            }
        }
        var simulation = SimulatedMarket.Configuration()
        simulation.seed = configuration.marketData.simulatorSeed
        simulation.alwaysOpen = configuration.alwaysOpen
        simulation.stepSeconds = configuration.marketData.simulatorInterval.inSeconds
        // After a restart the market continues from today's rebuilt quotes, not from the seeds.
        let today = hub.quotes(instrumentIDs: directory.instruments.map(\.id))
        var market = SimulatedMarket(seeds: spots, directory: directory, calendar: hub.calendar, configuration: simulation, resumingFrom: today)
        hub.prime(market.snapshot(nowNanos: clock.nowNanos()))
        return SimulatorFeed(market: market, interval: configuration.marketData.simulatorInterval)
    }

    private static func makeUpstream(
        store: Store, settings: MarketDataSettings, secretKey: SecretKey, alwaysOpen: Bool, logger: Logger
    ) async throws -> UpstreamFeed {
        let box = CredentialBox(secretKey: secretKey)
        var endpoints: [UpstreamEndpoint] = []
        for account in try await store.accounts.upstreamAccounts() {
            do {
                endpoints.append(
                    UpstreamEndpoint(
                        account: FeedAccount(id: account.id, name: account.name, priority: account.priority),
                        webSocketURL: account.webSocketURL ?? UpstreamEndpoint.defaultWebSocketURL(forHost: account.hostURL),
                        apiKey: try box.open(account.sealedCredentials)))
            } catch {
                // A key sealed under another secret key (a hub copied without its key file) is
                // unusable; the other accounts still serve.
                logger.error("cannot read the credentials of upstream account \(account.name); skipping it", metadata: ["error": "\(error)"])
            }
        }
        if endpoints.isEmpty { logger.warning("--feed upstream but no usable upstream accounts: add one with `realalgo account add`") }
        var machine = UpstreamFeedStateMachine.Configuration()
        machine.silenceTimeout = settings.silenceTimeout
        return UpstreamFeed(endpoints: endpoints, configuration: machine, alwaysOpen: alwaysOpen, logger: logger) { kind, accountID, message in
            do {
                try await store.marketData.recordFeedEvent(feed: "upstream", accountID: accountID, kind: kind, message: message)
            } catch {
                logger.warning("could not record a feed event", metadata: ["kind": "\(kind)", "error": "\(error)"])
            }
        }
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.hub.run() }
            if let feed {
                group.addTask { await self.runFeed(feed) }
            }
            group.addTask { await self.runRetention() }
            // Stop the feed and the timers on shutdown; hub.run() flushes what is queued as it ends.
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    private func runFeed(_ feed: any Feed) async {
        await record(kind: "started", message: "\(feed.kind) feed started")
        do {
            try await feed.run(into: hub)
            // A replay ends on its own when its data does; the server, and the quotes, stay up.
            if !Task.isCancelled { await record(kind: "stopped", message: "\(feed.kind) feed finished: \(feed.status().message)") }
        } catch is CancellationError {
        } catch {
            logger.error("market-data feed failed", metadata: ["feed": "\(feed.kind)", "error": "\(error)"])
            await record(kind: "error", message: "\(feed.kind) feed failed: \(error)")
        }
    }

    /// Trims old ticks and second bars every ten minutes, a bounded chunk at a time.
    private func runRetention() async {
        while !Task.isCancelled {
            let now = wallClock.nowSeconds()
            let ticksBefore = (now - Int64(settings.tickRetentionDays) * 86_400) * 1_000_000_000
            let barsBefore = now - Int64(settings.secondBarRetentionDays) * 86_400
            do {
                while !Task.isCancelled, try await store.marketData.prune(ticksBeforeNanos: ticksBefore, secondBarsBefore: barsBefore) > 0 {
                    try await Task.sleep(for: .milliseconds(100))
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("retention failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(600))
        }
    }

    func record(kind: String, accountID: Int64? = nil, message: String) async {
        do {
            try await store.marketData.recordFeedEvent(feed: feed?.kind ?? settings.feed.rawValue, accountID: accountID, kind: kind, message: message)
        } catch {
            logger.warning("could not record a feed event", metadata: ["kind": "\(kind)", "error": "\(error)"])
        }
    }
}
