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
import Synchronization

/// The fan-out half of `bench feed`: the server's market-data service and WebSocket listener
/// exactly as `serve` builds them (on a fresh hub, feed off, port 0), many clients on loopback,
/// and ticks published at a steady rate.
struct FanoutRun {
    struct Figures {
        var universe: Int
        var expectedPerSecond: Double
        var deliveredPerSecond: Double
        var p50Micros: Int
        var p90Micros: Int
        var p99Micros: Int
        var p999Micros: Int
        var maxMicros: Int
        var slowCloses: Int
        var memoryPerClientKiB: Double
    }

    let clients: Int
    let symbolsPerClient: Int
    let universe: Int
    let ticksPerSecond: Int
    let warmup: Duration
    let duration: Duration
    let clientThreads: Int
    let logger: Logger

    func measure(in folder: URL) async throws -> Figures {
        let (store, _) = try await StoreBenchmark.freshHub(at: folder)
        defer { try? store.close() }
        let secretKey = try SecretKey.load(dataDirectory: folder)
        var configuration = AppConfiguration(dataDirectory: DataDirectory(path: folder.path))
        configuration.port = 0
        configuration.webSocketPort = 0
        configuration.alwaysOpen = true
        configuration.marketData.feed = .none
        let service = try await MarketDataService.prepare(store: store, configuration: configuration, secretKey: secretKey, logger: logger)
        let dependencies = AppDependencies(
            store: store, secretKey: secretKey, metrics: PrometheusCollectorRegistry(), marketData: service, logger: logger)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        guard
            let listener = buildMarketDataSocketServer(
                configuration, dependencies: dependencies, logger: logger,
                onServerRunning: { port in
                    portContinuation.yield(port)
                })
        else {
            throw BenchFeedClientError(message: "the market-data module is off")
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [service, listener], logger: logger))
        let server = Task { try await group.run() }
        defer { server.cancel() }
        var portIterator = ports.makeAsyncIterator()
        guard let port = await portIterator.next() else { throw BenchFeedClientError(message: "the WebSocket listener did not start") }

        let generator = APIKeyGenerator(secretKey: secretKey)
        let apiKey = try generator.generate()
        _ = try await store.apiKeys.create(
            username: "bench", name: "bench", keyHash: generator.hash(apiKey), prefix: String(apiKey.prefix(8)), actor: .system)
        let instruments = try await Self.universe(store, count: universe)

        let loops = MultiThreadedEventLoopGroup(numberOfThreads: clientThreads)
        let recorders = (0..<clientThreads).map { _ in BenchFeedRecorder() }
        let loopList = Array(loops.makeIterator())
        let memoryBefore = Self.residentBytes()
        let channels = try await connectClients(port: port, apiKey: apiKey, instruments: instruments, loops: loopList, recorders: recorders)
        let memoryAfter = Self.residentBytes()

        // The measured window, in the pacer's price units (monotonic microseconds).
        let measureFrom = monotonicMicros() + Int(warmup.totalMicroseconds)
        let measureUntil = measureFrom + Int(duration.totalMicroseconds)
        for (index, loop) in loopList.enumerated() {
            let recorder = recorders[index]
            try await loop.submit {
                recorder.measureFromMicros = measureFrom
                recorder.measureUntilMicros = measureUntil
            }.get()
        }
        let pacer = BenchTickPacer(hub: service.hub, instrumentIDs: instruments.map(\.id), ticksPerSecond: Double(ticksPerSecond))
        await pacer.run(for: warmup + duration)
        // Let the queues drain: late messages are counted, they are what the latency is about.
        try await Task.sleep(for: .seconds(2))

        var histogram = LatencyHistogram()
        var slowCloses = 0
        for (index, loop) in loopList.enumerated() {
            let recorder = recorders[index]
            let (partial, slow) = try await loop.submit { (recorder.histogram, recorder.closes[1008] ?? 0) }.get()
            histogram.merge(partial)
            slowCloses += slow
        }
        for channel in channels { try? await channel.close() }
        try await loops.shutdownGracefully()
        await group.triggerGracefulShutdown()
        try? await server.value

        let seconds = StoreBenchmark.seconds(duration)
        return Figures(
            universe: instruments.count,
            expectedPerSecond: Double(ticksPerSecond) * Double(clients * symbolsPerClient) / Double(instruments.count),
            deliveredPerSecond: Double(histogram.count) / seconds, p50Micros: histogram.percentile(0.50) ?? 0,
            p90Micros: histogram.percentile(0.90) ?? 0, p99Micros: histogram.percentile(0.99) ?? 0,
            p999Micros: histogram.percentile(0.999) ?? 0, maxMicros: histogram.maximumMicros, slowCloses: slowCloses,
            memoryPerClientKiB: Double(max(0, memoryAfter - memoryBefore)) / Double(clients) / 1024)
    }

    /// Connects every client (a few dozen at a time, as a burst of real clients would arrive) and
    /// waits until each has authenticated and its subscription is confirmed.
    private func connectClients(
        port: Int, apiKey: String, instruments: [Instrument], loops: [any EventLoop], recorders: [BenchFeedRecorder]
    ) async throws -> [any Channel] {
        var channels: [any Channel] = []
        channels.reserveCapacity(clients)
        var next = 0
        while next < clients {
            let wave = next..<min(clients, next + 50)
            var waiting: [(any Channel, EventLoopFuture<Void>)] = []
            for index in wave {
                let loop = loops[index % loops.count]
                let recorder = recorders[index % recorders.count]
                let symbols = (0..<symbolsPerClient).map { offset in
                    let instrument = instruments[(index * symbolsPerClient + offset) % instruments.count]
                    return (symbol: instrument.symbol, exchange: instrument.exchange.rawValue)
                }
                let ready = loop.makePromise(of: Void.self)
                let channel = try await ClientBootstrap(group: loop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                BenchFeedClientHandler(
                                    host: "127.0.0.1:\(port)", apiKey: apiKey, symbols: symbols, recorder: recorder, ready: ready))
                        }
                    }
                    .connect(host: "127.0.0.1", port: port).get()
                waiting.append((channel, ready.futureResult))
            }
            for (channel, ready) in waiting {
                try await ready.get()
                channels.append(channel)
            }
            next = wave.upperBound
        }
        return channels
    }

    /// The first `count` active instruments, equities first (the symbols clients watch most).
    private static func universe(_ store: Store, count: Int) async throws -> [Instrument] {
        let all = try await store.marketData.activeInstruments().sorted { ($0.type == .equity ? 0 : 1, $0.id) < ($1.type == .equity ? 0 : 1, $1.id) }
        guard all.count >= count else {
            throw BenchFeedClientError(message: "the master lists \(all.count) instruments; --universe \(count) is too many")
        }
        return Array(all.prefix(count))
    }

    /// This process's resident memory, from /proc (0 where there is none).
    private static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
