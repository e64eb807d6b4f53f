// SPDX-License-Identifier: Apache-2.0
import Broker
public import Core
import Foundation
public import Logging
public import MarketData
public import Schema
import Synchronization

/// Runs the hub's Lua strategies: one ``StrategyRunner`` per running strategy, fed from the tick
/// path (coalesced per symbol), the hub's closed bars and the store's change feed (order updates).
///
/// The tick path only posts into mailboxes, so a slow or stuck strategy never slows the feed or
/// another strategy; a failing one ends its own run and nothing else.
public final class StrategyHost: MarketDataListener, Sendable {
    private struct Running: Sendable {
        let runner: StrategyRunner
        let instrumentIDs: [Int64]
        var extraInstrumentIDs: Set<Int64> = []
        let done: Task<StrategyRunEnd, Never>
    }

    private let hub: MarketDataHub
    private let store: Store
    private let calendar: TradingCalendar
    private let clock: any WallClock
    private let recorder: any StrategyRecorder
    private let logger: Logger
    private let alwaysOpen: Bool
    private let running = Mutex<[Int64: Running]>([:])
    /// Runners between their load and their registration in `running` (while `on_start` runs and
    /// its orders are placed): the updates of those orders are posted to them, not lost.
    private let starting = Mutex<[Int64: StrategyRunner]>([:])
    private let earlyDemand = Mutex<[Int64: Set<Int64>]>([:])
    /// The runners following each instrument, with the symbol they know it by. The listener reads
    /// only this: it runs under the hub's lock and must never call back into the hub.
    private let byInstrument = Mutex<[Int64: [(runner: StrategyRunner, symbol: StrategySymbol)]]>([:])

    public init(
        hub: MarketDataHub, store: Store, calendar: TradingCalendar, clock: any WallClock, recorder: any StrategyRecorder, logger: Logger,
        alwaysOpen: Bool = false
    ) {
        self.hub = hub
        self.store = store
        self.calendar = calendar
        self.clock = clock
        self.recorder = recorder
        self.logger = logger
        self.alwaysOpen = alwaysOpen
    }

    public func isRunning(strategyID: Int64) -> Bool { running.withLock { $0[strategyID] != nil } }

    /// Loads, starts (`on_start`) and subscribes a strategy; its run row must already exist.
    /// - Throws: ``StrategyScriptError`` when the file, its params or `on_start` fail: the run
    ///   did not start and nothing keeps running.
    public func start(_ launch: StrategyLaunch) async throws {
        let desk = LiveDesk(clock: clock, hub: hub, calendar: calendar, databaseURL: store.databaseURL, userID: launch.userID, alwaysOpen: alwaysOpen)
        let strategyID = launch.strategyID
        let runner = try StrategyRunner(launch: launch, desk: desk, recorder: recorder, logger: logger) { [weak self] symbol in
            self?.demandPrices(of: symbol, for: strategyID)
        }
        starting.withLock { $0[strategyID] = runner }
        defer { starting.withLock { _ = $0.removeValue(forKey: strategyID) } }
        try await runner.start()
        var followed: [(Int64, StrategySymbol)] = []
        for symbol in runner.symbols {
            guard let instrument = hub.instrument(symbol: symbol.symbol, exchange: symbol.exchange) else { continue }
            followed.append((instrument.id, symbol))
        }
        let instrumentIDs = followed.map(\.0)
        let done = Task { [logger] in
            let end = await runner.run()
            self.forget(strategyID: strategyID, runner: runner)
            logger.info("strategy run ended", metadata: ["strategy_id": "\(strategyID)", "status": "\(end.status)", "reason": "\(end.reason)"])
            return end
        }
        let extra = earlyDemand.withLock { $0.removeValue(forKey: strategyID) } ?? []
        running.withLock {
            $0[strategyID] = Running(runner: runner, instrumentIDs: instrumentIDs, extraInstrumentIDs: extra, done: done)
        }
        byInstrument.withLock { map in
            for (id, symbol) in followed { map[id, default: []].append((runner, symbol)) }
        }
        hub.demand.set(
            owner: Self.demandOwner(strategyID),
            Dictionary(uniqueKeysWithValues: Set(instrumentIDs).union(extra).map { ($0, SubscriptionMode.quote) }))
        logger.info("strategy started", metadata: ["strategy_id": "\(strategyID)", "run_id": "\(launch.runID)", "mode": "\(launch.mode)"])
    }

    /// Asks a running strategy to stop (`on_stop`, cancel, close) and waits for its run to end.
    /// - Returns: How it ended; nil when it was not running here.
    @discardableResult
    public func stop(strategyID: Int64, reason: String) async -> StrategyRunEnd? {
        guard let entry = running.withLock({ $0[strategyID] }) else { return nil }
        entry.runner.mailbox.post(.command(.stop(reason: reason)))
        return await entry.done.value
    }

    /// Closes every position of a running strategy; the run goes on.
    public func closeAll(strategyID: Int64, reason: String) -> Bool {
        guard let entry = running.withLock({ $0[strategyID] }) else { return false }
        entry.runner.mailbox.post(.command(.closeAll(reason: reason)))
        return true
    }

    /// The declared legs of the running strategy, in file order, as the run knows them (the stored
    /// source may have changed since it started); nil when it is not running here.
    public func legNames(strategyID: Int64) -> [String]? { running.withLock { $0[strategyID]?.runner.legNames } }

    /// Closes one declared leg of a running strategy; the run goes on.
    public func closeLeg(strategyID: Int64, leg: String) -> Bool {
        guard let entry = running.withLock({ $0[strategyID] }) else { return false }
        entry.runner.mailbox.post(.command(.closeLeg(name: leg)))
        return true
    }

    /// Ends every run without closing positions (the server is stopping); waits for them.
    public func shutdown() async {
        let entries = running.withLock { Array($0.values) }
        for entry in entries { entry.runner.mailbox.post(.command(.shutdown)) }
        for entry in entries { _ = await entry.done.value }
    }

    /// Follows the change feed and the clock: order updates go to their strategy's runner (a
    /// starting one too), and a heartbeat fires timers. Runs until cancelled; the service then
    /// shuts the runs down.
    public func run() async {
        let changes = store.changes.subscribe(bufferingNewest: 65_536)
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                for entry in self.running.withLock({ Array($0.values) }) { entry.runner.mailbox.post(.command(.heartbeat)) }
            }
        }
        defer { heartbeat.cancel() }
        for await transaction in changes {
            let rowIDs = transaction.orderRowIDs
            guard !rowIDs.isEmpty, !running.withLock({ $0.isEmpty }) || !starting.withLock({ $0.isEmpty }) else { continue }
            guard let updates = try? await store.orders.updates(rowIDs: rowIDs) else { continue }
            for update in updates {
                guard let strategyID = update.strategyID, let runner = runner(of: strategyID), update.runID == runner.runID else { continue }
                runner.mailbox.post(.order(update))
            }
        }
    }

    /// The runner of a strategy that is running or starting here.
    private func runner(of strategyID: Int64) -> StrategyRunner? {
        running.withLock { $0[strategyID]?.runner } ?? starting.withLock { $0[strategyID] }
    }

    // MARK: MarketDataListener

    public func marketDataHub(didUpdate quotes: [Quote]) {
        let targets = byInstrument.withLock { map -> [(StrategyRunner, StrategySymbol, Tick)] in
            guard !map.isEmpty else { return [] }
            var found: [(StrategyRunner, StrategySymbol, Tick)] = []
            for quote in quotes { for entry in map[quote.tick.instrumentID] ?? [] { found.append((entry.runner, entry.symbol, quote.tick)) } }
            return found
        }
        for (runner, symbol, tick) in targets {
            runner.mailbox.post(
                StrategyTick(
                    symbol: symbol, lastPrice: tick.lastPrice, bid: tick.bid, ask: tick.ask, volume: tick.volume, timeNanos: tick.timestampNanos))
        }
    }

    public func marketDataHub(didClose bars: [Bar]) {
        let targets = byInstrument.withLock { map -> [(StrategyRunner, StrategySymbol, Bar)] in
            guard !map.isEmpty else { return [] }
            var found: [(StrategyRunner, StrategySymbol, Bar)] = []
            for bar in bars {
                for entry in map[bar.instrumentID] ?? [] where bar.timeframe == entry.runner.timeframe {
                    found.append((entry.runner, entry.symbol, bar))
                }
            }
            return found
        }
        for (runner, symbol, bar) in targets { runner.mailbox.post(.bar(bar, symbol)) }
    }

    /// Adds a traded symbol (an entered leg) to the strategy's subscription, so an upstream feed
    /// streams its prices too; the simulator publishes every symbol anyway.
    private func demandPrices(of symbol: StrategySymbol, for strategyID: Int64) {
        guard let instrument = hub.instrument(symbol: symbol.symbol, exchange: symbol.exchange) else { return }
        let owner = Self.demandOwner(strategyID)
        let wanted = running.withLock { map -> [Int64: SubscriptionMode]? in
            guard var entry = map[strategyID] else {
                // Traded from on_start, before the run is registered: picked up at registration.
                earlyDemand.withLock { _ = $0[strategyID, default: []].insert(instrument.id) }
                return nil
            }
            if !entry.instrumentIDs.contains(instrument.id) { entry.extraInstrumentIDs.insert(instrument.id) }
            map[strategyID] = entry
            return Dictionary(uniqueKeysWithValues: (Set(entry.instrumentIDs).union(entry.extraInstrumentIDs)).map { ($0, SubscriptionMode.quote) })
        }
        if let wanted { hub.demand.set(owner: owner, wanted) }
    }

    /// Strategies' subscription owners live in their own range, apart from WebSocket clients'.
    static func demandOwner(_ strategyID: Int64) -> UInt64 { 0x4000_0000_0000_0000 | UInt64(truncatingIfNeeded: strategyID) }

    private func forget(strategyID: Int64, runner: StrategyRunner) {
        let entry = running.withLock { map -> Running? in
            guard map[strategyID]?.runner === runner else { return nil }
            return map.removeValue(forKey: strategyID)
        }
        guard let entry else { return }
        hub.demand.set(owner: Self.demandOwner(strategyID), [:])
        byInstrument.withLock { map in
            for id in entry.instrumentIDs {
                map[id]?.removeAll { $0.runner === runner }
                // No empty lists left behind: the listener's empty-map fast path depends on it.
                if map[id]?.isEmpty == true { map[id] = nil }
            }
        }
    }
}
