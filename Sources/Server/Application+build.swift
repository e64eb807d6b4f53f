// SPDX-License-Identifier: Apache-2.0
public import Cryptography
public import Hummingbird
public import Logging
public import Prometheus
public import Schema
import ServiceLifecycle
import UnixSignals

/// What a server needs that outlives it: the open hub, the secret key and the metrics registry.
public struct AppDependencies: Sendable {
    public var store: Store
    public var secretKey: SecretKey
    public var metrics: PrometheusCollectorRegistry
    public var migrations: MigrationRunner

    public init(store: Store, secretKey: SecretKey, metrics: PrometheusCollectorRegistry, migrations: MigrationRunner = MigrationRunner()) {
        self.store = store
        self.secretKey = secretKey
        self.metrics = metrics
        self.migrations = migrations
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
    if let webRoot = configuration.webRoot {
        router.middlewares.add(FileMiddleware(webRoot, searchForIndexHtml: true, logger: logger))
    }

    let store = dependencies.store
    HealthController(store: store, migrations: dependencies.migrations, modules: configuration.modules, startedAt: startedAt)
        .register(on: router)
    MetricsController(registry: dependencies.metrics, databaseURL: store.databaseURL, startedAt: startedAt).register(on: router)

    let api = APIv1Routes(router: router)
    let authenticator = APIKeyAuthenticator(store: store, generator: APIKeyGenerator(secretKey: dependencies.secretKey), logger: logger)
    PingController(authenticator: authenticator, store: store, maxBodyBytes: configuration.maxRequestBodyBytes).register(on: api)

    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "RealAlgo"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// Runs `app` until SIGTERM or SIGINT, then shuts it down gracefully: the listener closes and
/// requests in flight get up to `gracePeriod` to finish; after that they are cancelled, so a
/// stalled client cannot keep the server (and its hub) open until a supervisor's SIGKILL.
public func runUntilSignalled(_ app: some ApplicationProtocol, gracePeriod: Duration = .seconds(10), logger: Logger) async throws {
    var configuration = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    configuration.maximumGracefulShutdownDuration = gracePeriod
    try await ServiceGroup(configuration: configuration).run()
}
