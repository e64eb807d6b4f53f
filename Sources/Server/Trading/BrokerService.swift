// SPDX-License-Identifier: Apache-2.0
public import Broker
import Core
public import Cryptography
public import Logging
public import MarketData
public import Schema
public import ServiceLifecycle

/// The sandbox broker running inside the server: it follows the hub's prices (every tick that
/// reaches a resting order's instrument wakes the matching engine) and the hub's settings (a
/// `risk.*` or `sandbox.*` setting changed through RealAlgo, the kill switch among them, applies to
/// the next order; one changed by another process within 5 s).
public final class BrokerService: Service, MarketDataListener {
    public let broker: SandboxBroker
    /// Where orders go: the sandbox, or the user's upstream account (see ``OrderRouting``).
    public let routing: OrderRouting
    let hub: MarketDataHub
    private let store: Store
    private let alwaysOpen: Bool
    private let logger: Logger

    /// Builds the broker over the hub's instruments, prices, calendar and clock, with the rules
    /// stored in the hub, and loads its working orders; closes upstream orders a previous run
    /// left unacknowledged (never re-sending them).
    /// - Parameters:
    ///   - secretKey: opens upstream accounts' API keys, each only when a request needs it.
    ///   - upstream: timeouts and the reconcile interval of upstream order routes.
    public static func prepare(
        store: Store, hub: MarketDataHub, alwaysOpen: Bool, secretKey: SecretKey, upstream: UpstreamDesk.Settings = UpstreamDesk.Settings(),
        transport: any UpstreamTransport = URLSessionTransport(), logger: Logger
    ) async throws -> BrokerService {
        let rules = try await loadRules(store, alwaysOpen: alwaysOpen)
        let broker = SandboxBroker(
            store: store, instruments: hub, prices: hub, calendar: hub.calendar, clock: hub.clock, rules: rules, logger: logger)
        try await broker.start()
        // T+1 and expiry settlement of a date the server was down for, before any order arrives.
        await broker.settleIfDue()
        let box = CredentialBox(secretKey: secretKey)
        let desk = UpstreamDesk(
            store: store, sandbox: broker, transport: transport, unseal: { try box.open($0) }, settings: upstream, logger: logger)
        try await desk.start()
        return BrokerService(
            broker: broker, routing: OrderRouting(sandbox: broker, upstream: desk), hub: hub, store: store, alwaysOpen: alwaysOpen, logger: logger)
    }

    private init(broker: SandboxBroker, routing: OrderRouting, hub: MarketDataHub, store: Store, alwaysOpen: Bool, logger: Logger) {
        self.broker = broker
        self.routing = routing
        self.hub = hub
        self.store = store
        self.alwaysOpen = alwaysOpen
        self.logger = logger
    }

    static func loadRules(_ store: Store, alwaysOpen: Bool) async throws -> SandboxRules {
        var values = try await store.settings.values(prefix: "sandbox.")
        values.merge(try await store.settings.values(prefix: "risk."), uniquingKeysWith: { first, _ in first })
        var rules = SandboxRules(settings: values)
        // `--always-open` is for demos and tests: the sandbox then trades around the clock.
        if alwaysOpen { rules.limits.enforceMarketHours = false }
        return rules
    }

    public func run() async throws {
        hub.addListener(self)
        defer { hub.removeListener(self) }
        let changes = store.changes.subscribe(bufferingNewest: 16)
        await withDiscardingTaskGroup { group in
            group.addTask { await self.broker.run() }
            group.addTask { await self.routing.upstream.run() }
            group.addTask {
                for await transaction in changes.cancelOnGracefulShutdown() where transaction.tables.contains("settings") {
                    do { self.broker.updateRules(try await Self.loadRules(self.store, alwaysOpen: self.alwaysOpen)) } catch {
                        self.logger.error("sandbox rules could not be reloaded", metadata: ["error": "\(error)"])
                    }
                }
            }
            group.addTask { await self.squareOffWhenDue() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// The exchanges MIS positions can be on, each squared off at its own time.
    static let squareOffExchanges: [ExchangeCode] = ["NSE", "BSE", "NFO", "BFO", "CDS", "BCD", "MCX", "NCDEX"].map(ExchangeCode.init(rawValue:))

    /// Checks every 5 s (and once at start, the catch-up pass after a restart) for exchanges past
    /// their square-off time and closes the MIS exposure on them, and for a new trading date to
    /// settle (CNC into holdings, expired contracts closed).
    private func squareOffWhenDue() async {
        while !Task.isCancelled {
            // Settings changed by another process (the sqlite3 shell) reach no change feed here;
            // re-reading them every pass bounds how long such a change waits.
            if let rules = try? await Self.loadRules(store, alwaysOpen: alwaysOpen) { broker.updateRules(rules) }
            let due = broker.exchangesPastSquareOff(among: Self.squareOffExchanges)
            if !due.isEmpty {
                do { _ = try await broker.squareOff(exchanges: due) } catch {
                    logger.error("MIS square-off failed", metadata: ["error": "\(error)"])
                }
            }
            await broker.settleIfDue()
            try? await Task.sleep(for: .seconds(5))
        }
    }

    /// Called on the tick path: only instruments with a resting order cost more than a lookup.
    public func marketDataHub(didUpdate quotes: [Quote]) {
        let watched = quotes.filter { broker.isWatching(instrumentID: $0.tick.instrumentID) }
        if !watched.isEmpty { broker.pricesDidChange(watched.map(\.priceSnapshot)) }
    }
}
