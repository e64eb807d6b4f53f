// SPDX-License-Identifier: Apache-2.0
public import Cryptography
public import Hummingbird
import HummingbirdWebSocket
public import Logging
import MarketData
public import Prometheus
public import Schema
public import ServiceLifecycle
import Synchronization
import UnixSignals

/// What a server needs that outlives it: the open hub, the secret key and the metrics registry.
public struct AppDependencies: Sendable {
    public var store: Store
    public var secretKey: SecretKey
    public var metrics: PrometheusCollectorRegistry
    public var migrations: MigrationRunner
    /// The market-data module when it is enabled.
    public let marketData: MarketDataService?
    /// The sandbox broker when the broker module is enabled (it needs the market-data hub).
    public let broker: BrokerService?
    let authenticator: APIKeyAuthenticator
    /// Shared by `/ws` on the main port and the OpenAlgo port, so both see one set of clients.
    let marketDataSocket: MarketDataSocket?

    public init(
        store: Store, secretKey: SecretKey, metrics: PrometheusCollectorRegistry, migrations: MigrationRunner = MigrationRunner(),
        marketData: MarketDataService? = nil, broker: BrokerService? = nil, logger: Logger = Logger(label: "realalgo")
    ) {
        self.store = store
        self.secretKey = secretKey
        self.metrics = metrics
        self.migrations = migrations
        self.marketData = marketData
        self.broker = broker
        let authenticator = APIKeyAuthenticator(store: store, generator: APIKeyGenerator(secretKey: secretKey), logger: logger)
        self.authenticator = authenticator
        marketDataSocket = marketData.map { MarketDataSocket(hub: $0.hub, authenticator: authenticator, logger: logger) }
    }
}

/// Builds the RealAlgo HTTP application: the one factory `realalgo serve` and the tests share.
///
/// ```swift
/// let app = try buildApplication(configuration, dependencies: dependencies, logger: logger)
/// try await app.runService()
/// ```
/// - Parameter onServerRunning: called once the listening socket is bound, with its port (useful
///   with `port = 0`).
public func buildApplication(
    _ configuration: AppConfiguration, dependencies: AppDependencies, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let startedAt = ContinuousClock.now
    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(RequestIDMiddleware())
    router.middlewares.add(SecurityHeadersMiddleware())
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(RequestLogMiddleware())
    router.middlewares.add(APIErrorMiddleware())
    router.middlewares.add(RateLimitMiddleware(configuration.rateLimits))
    if let webRoot = configuration.webRoot {
        router.middlewares.add(FileMiddleware(webRoot, searchForIndexHtml: true, logger: logger))
    }

    let store = dependencies.store
    HealthController(store: store, migrations: dependencies.migrations, modules: configuration.modules, startedAt: startedAt)
        .register(on: router)
    MetricsController(registry: dependencies.metrics, databaseURL: store.databaseURL, startedAt: startedAt).register(on: router)

    let api = APIv1Routes(router: router)
    let authenticator = dependencies.authenticator
    let bodyLimit = configuration.maxRequestBodyBytes
    PingController(authenticator: authenticator, store: store, maxBodyBytes: bodyLimit).register(on: api)
    OpenAPIController().register(on: api)
    SymbolController(authenticator: authenticator, store: store, maxBodyBytes: bodyLimit).register(on: api)
    InstrumentsController(authenticator: authenticator, store: store).register(on: router)
    CalendarController(authenticator: authenticator, store: store, maxBodyBytes: bodyLimit).register(on: api)
    let sessions = SessionAuthenticator(
        store: store, secretKey: dependencies.secretKey, settings: configuration.sessions, trustedProxies: configuration.rateLimits.trustedProxies,
        logger: logger)
    SessionController(sessions: sessions, maxBodyBytes: bodyLimit).register(on: api)
    APIKeyController(
        keys: authenticator, sessions: sessions, generator: APIKeyGenerator(secretKey: dependencies.secretKey), store: store, maxBodyBytes: bodyLimit,
        onRevoke: { [socket = dependencies.marketDataSocket] keyID in socket?.closeSessions(signedInWithKey: keyID) }
    )
    .register(on: api)

    let webSocketRouter = Router(context: MarketDataRequestContext.self)
    var services: [any Service] = []
    if let marketData = dependencies.marketData, let socket = dependencies.marketDataSocket {
        let hub = marketData.hub
        // An upstream feed streams only what is asked for: REST reads ask too.
        let onDemand = OnDemandQuotes(hub: hub, streamsOnDemand: marketData.feed?.kind == "upstream")
        MarketDataController(
            authenticator: authenticator, hub: hub, onDemand: onDemand, history: HistoryService(store: store, hub: hub), maxBodyBytes: bodyLimit
        )
        .register(on: api)
        TickerController(authenticator: authenticator, hub: hub, history: HistoryService(store: store, hub: hub)).register(on: router)
        OptionsController(authenticator: authenticator, hub: hub, maxBodyBytes: bodyLimit).register(on: api)
        OptionSymbolController(authenticator: authenticator, resolver: OptionSymbolResolver(hub: hub, quotes: onDemand), maxBodyBytes: bodyLimit)
            .register(on: api)
        FeedStatusController(
            authenticator: authenticator, service: marketData, socket: socket, webSocketPort: configuration.webSocketPort, maxBodyBytes: bodyLimit
        )
        .register(on: api)
        webSocketRouter.ws("/ws") { inbound, outbound, context in
            await socket.handle(inbound: inbound, outbound: outbound, channel: context.requestContext.channel, logger: context.logger)
        }
        services.append(OrderUpdateStream(store: store, logger: logger) { socket.openSessions })
        services.append(StrategyLogStream(store: store, logger: logger) { socket.openSessions })
    }
    if let brokerService = dependencies.broker {
        let hub = brokerService.hub
        TradingController(
            authenticator: authenticator, routing: brokerService.routing, store: store, prices: hub, instruments: hub, clock: hub.clock,
            maxBodyBytes: bodyLimit
        )
        .register(on: api)
        CompositeOrderController(authenticator: authenticator, broker: brokerService.broker, store: store, maxBodyBytes: bodyLimit).register(on: api)
        AnalyzerController(authenticator: authenticator, store: store, maxBodyBytes: bodyLimit).register(on: api)
        MarginController(authenticator: authenticator, broker: brokerService.broker, prices: hub, maxBodyBytes: bodyLimit).register(on: api)
        GTTController(authenticator: authenticator, broker: brokerService.broker, store: store, maxBodyBytes: bodyLimit).register(on: api)
        ExitBracketController(authenticator: authenticator, broker: brokerService.broker, store: store, maxBodyBytes: bodyLimit).register(on: api)
        if let marketData = dependencies.marketData {
            let resolver = OptionSymbolResolver(
                hub: hub, quotes: OnDemandQuotes(hub: hub, streamsOnDemand: marketData.feed?.kind == "upstream"))
            OptionsOrderController(authenticator: authenticator, broker: brokerService.broker, resolver: resolver, maxBodyBytes: bodyLimit)
                .register(on: api)
        }
        services.append(brokerService)
        if configuration.modules.contains(.strategies) {
            let strategies = StrategyService(
                store: store, hub: hub, routing: brokerService.routing, alwaysOpen: configuration.alwaysOpen,
                strategiesDirectory: configuration.strategiesDirectory, logger: logger)
            StrategyController(authenticator: authenticator, sessions: sessions, service: strategies, store: store, maxBodyBytes: bodyLimit)
                .register(on: api)
            // After the broker: stopped first, so a stopping strategy's exits still reach it.
            services.append(strategies)
        }
    }

    return Application(
        router: router,
        server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter, configuration: .init(ws: MarketDataSocket.serverConfiguration)),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "RealAlgo"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// Builds the OpenAlgo-compatible market-data WebSocket listener on `configuration.webSocketPort`
/// (8765 by default, where the official client connects). Any path upgrades; plain HTTP gets 404.
/// Nil when the market-data module is disabled.
public func buildMarketDataSocketServer(
    _ configuration: AppConfiguration, dependencies: AppDependencies, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> (any Service)? {
    guard let socket = dependencies.marketDataSocket else { return nil }
    return Application(
        router: Router(context: AppRequestContext.self),
        server: .http1WebSocketUpgrade(configuration: .init(ws: MarketDataSocket.serverConfiguration)) { _, channel, _ in
            .upgrade([:]) { inbound, outbound, context in
                await socket.handle(inbound: inbound, outbound: outbound, channel: channel, logger: context.logger)
            }
        },
        configuration: .init(address: .hostname(configuration.host, port: configuration.webSocketPort), serverName: "RealAlgo"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.webSocketPort
            socket.boundPort.store(port, ordering: .relaxed)
            await onServerRunning(port)
        },
        logger: logger)
}

/// Runs `app` until SIGTERM or SIGINT, then shuts it down gracefully: the listener closes and
/// requests in flight get up to `gracePeriod` to finish; after that they are cancelled, so a
/// stalled client cannot keep the server (and its hub) open until a supervisor's SIGKILL.
public func runUntilSignalled(_ app: some ApplicationProtocol, gracePeriod: Duration = .seconds(10), logger: Logger) async throws {
    try await runUntilSignalled([app], gracePeriod: gracePeriod, logger: logger)
}

/// Runs `services` (started in order, stopped in reverse) until SIGTERM or SIGINT.
public func runUntilSignalled(_ services: [any Service], gracePeriod: Duration = .seconds(10), logger: Logger) async throws {
    var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    configuration.maximumGracefulShutdownDuration = gracePeriod
    try await ServiceGroup(configuration: configuration).run()
}
