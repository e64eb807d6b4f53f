// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Core
import Foundation
import Logging
import MarketData
import Schema

/// `realalgo bench feed`: the market-data hub's two loads, on fresh hubs with the real schema.
///
/// * Hub throughput: ticks of the whole seeded master published in feed-sized batches through
///   the quote cache, the bar aggregator and the batched tick store, until every tick is
///   committed — the load a whole market puts on the tick path.
/// * Fan-out: the real WebSocket listener (the one `serve` runs on port 8765) on loopback, many
///   clients subscribed in LTP mode, ticks published at a steady rate; the tick-to-client latency
///   of every delivered message and the server memory each client costs.
struct FeedBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed", abstract: "Hub tick throughput and WebSocket fan-out latency.",
        discussion: """
            Example: realalgo bench feed --clients 1000 --symbols 100 --rate 10000
            The fan-out runs server and clients in this process, on this machine's cores.
            """)

    @Option(help: "Ticks for the hub throughput run (0 skips it).") var ticks = 2_000_000
    @Option(help: "Ticks per publish call in the throughput run, as a feed's socket reader batches them.") var batch = 1_000
    @Option(
        name: .customLong("rows-per-transaction"), help: "Tick rows per storage transaction in the throughput run (the hub's default unless given).")
    var rowsPerTransaction: Int?
    @Option(help: "WebSocket clients in the fan-out run (0 skips it).") var clients = 1_000
    @Option(help: "Symbols each client subscribes to (LTP mode).") var symbols = 100
    @Option(help: "Distinct symbols the clients' subscriptions are spread over (default: --symbols, so every client holds the same ones).")
    var universe: Int?
    @Option(help: "Ticks per second published over the universe during the fan-out run.") var rate = 10_000
    @Option(help: "Seconds of fan-out measured, after --warmup seconds.") var duration = 10
    @Option(help: "Seconds published before measuring starts.") var warmup = 2
    @Option(name: .customLong("client-threads"), help: "Event-loop threads for the benchmark's own clients.") var clientThreads = 1
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "Folder in which to create the scratch hubs (default: the system's temporary folder); they go in a new subfolder, deleted afterwards.",
            valueName: "path"))
    var dataDir: String?
    @Flag(help: "Print one JSON object of figures.") var json = false

    func validate() throws {
        guard ticks >= 0, batch > 0 else { throw ValidationError("--ticks must be 0 or more and --batch positive") }
        guard clients >= 0, clients <= 20_000 else { throw ValidationError("--clients must be between 0 and 20000") }
        // The server allows 3,000 subscriptions per connection.
        guard (1...3_000).contains(symbols) else { throw ValidationError("--symbols must be between 1 and 3000") }
        if let universe, universe < symbols { throw ValidationError("--universe must be at least --symbols") }
        guard rate > 0, rate <= 10_000_000 else { throw ValidationError("--rate must be between 1 and 10000000 ticks/s") }
        guard duration > 0, warmup >= 0 else { throw ValidationError("--duration must be positive and --warmup 0 or more") }
        guard (1...16).contains(clientThreads) else { throw ValidationError("--client-threads must be between 1 and 16") }
    }

    func run() async throws {
        let folder = URL(fileURLWithPath: dataDir ?? NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("realalgo-bench-feed-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        var logger = Logger(label: "realalgo.bench")
        logger.logLevel = .error

        var report = BenchmarkReport(title: "RealAlgo bench feed — \(BenchmarkReport.buildKind)")
        report.notes.append("SQLite WAL in \(folder.path); \(ProcessInfo.processInfo.activeProcessorCount) cores")
        if ticks > 0 {
            let figures = try await HubThroughputRun(ticks: ticks, batch: batch, rowsPerTransaction: rowsPerTransaction, logger: logger).measure(
                in: folder.appendingPathComponent("hub"))
            report.notes.append("hub: \(figures.instruments) instruments, \(ticks) ticks in batches of \(batch), all committed")
            report.add("hub_publish_ticks_per_s", "hub tick path (cache + bars + queue)", figures.publishPerSecond, unit: "ticks/s")
            report.add("hub_sustained_ticks_per_s", "hub sustained, until every tick is committed", figures.sustainedPerSecond, unit: "ticks/s")
            report.add("hub_bars_closed", "bars closed and stored", Double(figures.barsClosed), unit: "bars")
            report.add("hub_ticks_dropped", "ticks dropped (storage backlog)", Double(figures.ticksDropped), unit: "ticks")
        }
        if clients > 0 {
            let run = FanoutRun(
                clients: clients, symbolsPerClient: symbols, universe: universe ?? symbols, ticksPerSecond: rate,
                warmup: .seconds(warmup), duration: .seconds(duration), clientThreads: clientThreads, logger: logger)
            let figures = try await run.measure(in: folder.appendingPathComponent("fanout"))
            report.notes.append(
                "fan-out: \(clients) clients × \(symbols) symbols (LTP) over \(figures.universe) symbols, \(rate) ticks/s, "
                    + "\(warmup) s warm-up + \(duration) s measured")
            report.add("fanout_expected_messages_per_s", "messages due to clients", figures.expectedPerSecond, unit: "msg/s")
            report.add("fanout_delivered_messages_per_s", "messages delivered to clients", figures.deliveredPerSecond, unit: "msg/s")
            report.add("fanout_p50_us", "tick-to-client latency p50", Double(figures.p50Micros), unit: "µs")
            report.add("fanout_p90_us", "tick-to-client latency p90", Double(figures.p90Micros), unit: "µs")
            report.add("fanout_p99_us", "tick-to-client latency p99", Double(figures.p99Micros), unit: "µs")
            report.add("fanout_p999_us", "tick-to-client latency p99.9", Double(figures.p999Micros), unit: "µs")
            report.add("fanout_max_us", "tick-to-client latency max", Double(figures.maxMicros), unit: "µs")
            report.add("fanout_slow_client_closes", "clients closed as too slow (1008)", Double(figures.slowCloses), unit: "clients")
            report.add("fanout_memory_per_client_kib", "memory per connected client (server + bench client)", figures.memoryPerClientKiB, unit: "KiB")
        }
        report.print(json: json)
    }
}
