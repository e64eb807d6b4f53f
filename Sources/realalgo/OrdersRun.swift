// SPDX-License-Identifier: Apache-2.0
import Core
import Cryptography
import Foundation
import Logging
import MarketData
import NIOCore
import NIOPosix
import Prometheus
import Schema
import Server
import ServiceLifecycle

/// The body of `bench orders`: the HTTP application, market-data module and sandbox broker
/// exactly as `serve` builds them (on a fresh hub, feed off, port 0, market hours and rate limits
/// lifted), prices primed for the benchmark's symbols, and closed-loop keep-alive clients on
/// their own event loops sending `placeorder` MARKET orders.
struct OrdersRun {
    struct Figures {
        var symbols: [String]
        /// Successful replies that came back inside the measured window, per second of it.
        var ordersPerSecond: Double
        var measuredOrders: Int
        var measuredSeconds: Double
        var p50Micros: Int
        var p90Micros: Int
        var p99Micros: Int
        var p999Micros: Int
        var maxMicros: Int
        /// Every request answered with `200` and `"status":"success"`, warm-up included.
        var successes: Int
        /// Every other answer, dropped connection or unreadable response, warm-up included.
        var failures: Int
        var firstFailure: String?
        /// `SELECT count(*) FROM orders` after the run.
        var ordersInHub: Int
        /// Of those, the ones with status `complete` (filled in the placing transaction).
        var ordersFilledInHub: Int
    }

    let connections: Int
    let clientThreads: Int
    /// Measured orders; nil when the run is bound by ``duration`` instead.
    let orders: Int?
    let duration: Duration?
    let warmup: Duration
    let symbols: [String]
    let durability: Store.Durability
    /// `placeorder`, or `ping` to measure the floor under it (HTTP, JSON and the key, no order).
    var endpoint = "placeorder"
    let logger: Logger

    func measure(in folder: URL) async throws -> Figures {
        let (store, _) = try await StoreBenchmark.freshHub(at: folder, durability: durability)
        defer { try? store.close() }
        let secretKey = try SecretKey.load(dataDirectory: folder)
        var configuration = AppConfiguration(dataDirectory: DataDirectory(path: folder.path))
        configuration.port = 0
        configuration.webSocketPort = 0
        configuration.alwaysOpen = true
        configuration.marketData.feed = .none
        configuration.rateLimits = .off

        // As `serve` builds them (ServeCommand.serve), with the broker on the market-data hub.
        let marketData = try await MarketDataService.prepare(store: store, configuration: configuration, secretKey: secretKey, logger: logger)
        let broker = try await BrokerService.prepare(
            store: store, hub: marketData.hub, alwaysOpen: configuration.alwaysOpen, secretKey: secretKey, logger: logger)
        let dependencies = AppDependencies(
            store: store, secretKey: secretKey, metrics: PrometheusCollectorRegistry(), marketData: marketData, broker: broker, logger: logger)
        try Self.primePrices(marketData.hub, symbols: symbols)

        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(configuration, dependencies: dependencies, logger: logger) { port in
            portContinuation.yield(port)
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [marketData, app], logger: logger))
        let server = Task { try await group.run() }
        defer { server.cancel() }
        var portIterator = ports.makeAsyncIterator()
        guard let port = await portIterator.next() else { throw BenchOrdersError(message: "the HTTP server did not start") }

        let generator = APIKeyGenerator(secretKey: secretKey)
        let apiKey = try generator.generate()
        _ = try await store.apiKeys.create(
            username: "bench", name: "bench", keyHash: generator.hash(apiKey), prefix: String(apiKey.prefix(8)), actor: .system)
        // Each symbol's BUY and SELL, built once; every connection on a symbol shares the bytes.
        let host = "127.0.0.1:\(port)"
        let requests = symbols.map { symbol in
            ["BUY", "SELL"].map {
                BenchOrderRequests.placeOrder(host: host, apiKey: apiKey, symbol: symbol, exchange: "NSE", action: $0, endpoint: endpoint)
            }
        }

        let loops = MultiThreadedEventLoopGroup(numberOfThreads: clientThreads)
        let loopList = Array(loops.makeIterator())
        let recorders = loopList.map { _ in BenchOrdersRecorder() }
        let clients = try await connect(port: port, requests: requests, loops: loopList, recorders: recorders)

        // Warm-up starts now; measuring starts `warmup` later and ends by count or by time.
        let measureFrom = monotonicMicros() + Int(warmup.totalMicroseconds)
        let measureUntil = duration.map { measureFrom + Int($0.totalMicroseconds) } ?? Int.max
        let plan = BenchOrdersPlan(measureFromMicros: measureFrom, measureUntilMicros: measureUntil, orders: orders ?? Int.max)
        for client in clients {
            let handler = client.handler
            client.channel.eventLoop.execute { handler.start(plan) }
        }
        for client in clients { try await client.handler.finished.futureResult.get() }

        var histogram = LatencyHistogram()
        var completed = 0
        var lastCompletion = measureFrom
        var successes = 0
        var failures = 0
        var firstFailure: (micros: Int, description: String)?
        for (index, loop) in loopList.enumerated() {
            let recorder = recorders[index]
            let part = try await loop.submit {
                (
                    recorder.histogram, recorder.completedInWindow, recorder.lastCompletionMicros, recorder.successes, recorder.failures,
                    recorder.firstFailure
                )
            }.get()
            histogram.merge(part.0)
            completed += part.1
            lastCompletion = max(lastCompletion, part.2)
            successes += part.3
            failures += part.4
            if let failure = part.5, failure.micros < firstFailure?.micros ?? Int.max { firstFailure = failure }
        }
        for client in clients { try? await client.channel.close() }
        try await loops.shutdownGracefully()
        await group.triggerGracefulShutdown()
        try? await server.value

        // Every success is an order the hub committed before answering: the two counts must agree.
        let counts = try ReadOnlyQuery.run(
            "SELECT count(*), coalesce(sum(status = 'complete'), 0) FROM orders", databaseURL: store.databaseURL)
        func integer(_ column: Int) -> Int {
            guard let row = counts.rows.first, column < row.count, case .integer(let value) = row[column] else { return -1 }
            return Int(value)
        }
        let seconds = Double(max(1, lastCompletion - measureFrom)) / 1e6
        return Figures(
            symbols: symbols, ordersPerSecond: Double(completed) / seconds, measuredOrders: Int(histogram.count), measuredSeconds: seconds,
            p50Micros: histogram.percentile(0.50) ?? 0, p90Micros: histogram.percentile(0.90) ?? 0, p99Micros: histogram.percentile(0.99) ?? 0,
            p999Micros: histogram.percentile(0.999) ?? 0, maxMicros: histogram.maximumMicros, successes: successes, failures: failures,
            firstFailure: firstFailure?.description, ordersInHub: integer(0), ordersFilledInHub: integer(1))
    }

    private struct Client {
        var channel: any Channel
        var handler: BenchOrdersClientHandler
    }

    /// Opens every connection (idle until started), spread round-robin over the loops; connection
    /// `i` trades symbol `i mod symbols`, so each symbol gets an even share.
    private func connect(port: Int, requests: [[ByteBuffer]], loops: [any EventLoop], recorders: [BenchOrdersRecorder]) async throws -> [Client] {
        var clients: [Client] = []
        clients.reserveCapacity(connections)
        for index in 0..<connections {
            let loop = loops[index % loops.count]
            let handler = BenchOrdersClientHandler(
                requests: requests[index % requests.count], recorder: recorders[index % recorders.count], finished: loop.makePromise())
            let channel = try await ClientBootstrap(group: loop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            IdleStateHandler(readTimeout: BenchOrdersClientHandler.responseTimeout), handler)
                    }
                }
                .connect(host: "127.0.0.1", port: port).get()
            clients.append(Client(channel: channel, handler: handler))
        }
        return clients
    }

    /// One starting quote per symbol (a spread of one tick around a plausible price), so every
    /// MARKET order has a price to fill at in its placing transaction.
    private static func primePrices(_ hub: MarketDataHub, symbols: [String]) throws {
        let now = SystemWallClock().nowNanos()
        let ticks = try symbols.map { symbol in
            guard let instrument = hub.instrument(symbol: symbol, exchange: "NSE") else {
                throw BenchOrdersError(message: "\(symbol) is not an NSE instrument in the hub's master")
            }
            let price = referencePrices[symbol] ?? 1_000
            let tick = instrument.tickSize > 0 ? instrument.tickSize : 0.05
            return Tick(instrumentID: instrument.id, timestampNanos: now, lastPrice: price, bid: price - tick, ask: price + tick)
        }
        hub.prime(ticks)
    }

    /// Round prices near the real ones; any other symbol trades at ₹1,000.
    private static let referencePrices: [String: Double] = ["SBIN": 800, "INFY": 1_500, "TCS": 3_500, "RELIANCE": 1_300, "HDFCBANK": 1_700]
}
