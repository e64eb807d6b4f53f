// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Logging
import Schema

/// `realalgo bench orders`: durable `placeorder` throughput and latency through the real HTTP
/// server, on a fresh hub with the real schema.
///
/// Keep-alive clients on loopback each send one MARKET MIS order of quantity 1, wait for the
/// whole response and send the next (a closed loop), alternating BUY and SELL over a few liquid
/// NSE equities so the sandbox's margin never runs out. A reply comes back only after the order
/// (and its fill) is committed, so every success is a durable order; the run then checks with SQL
/// that the hub holds exactly as many orders as were answered with success.
struct OrdersBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders", abstract: "Durable placeorder throughput and latency over HTTP keep-alive.",
        discussion: """
            Example: realalgo bench orders --connections 64 --orders 200000
            Server and clients run in this process, on this machine's cores. The request log is
            off (as with `serve --log-level warning`), and so are market hours and rate limits.
            """)

    @Option(help: "Keep-alive connections, each with one request in flight.") var connections = 64
    @Option(name: .customLong("client-threads"), help: "Event-loop threads for the benchmark's own clients.") var clientThreads = 1
    @Option(help: "Orders measured after the warm-up (ignored with --duration).") var orders = 200_000
    @Option(help: "Seconds measured after the warm-up, instead of a number of orders.") var duration: Int?
    @Option(help: "Seconds of orders sent before measuring starts.") var warmup = 2
    @Option(help: ArgumentHelp("NSE equities to trade, comma-separated.", valueName: "list")) var symbols = "SBIN,INFY,TCS,RELIANCE"
    @Option(help: "Commit durability: normal (survives a process crash) or full (also survives power loss).")
    var durability: Store.Durability = .normal
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "Folder in which to create the scratch hub (default: the system's temporary folder); it goes in a new subfolder, deleted afterwards.",
            valueName: "path"))
    var dataDir: String?
    @Flag(help: "Send the same body to `ping` instead: what HTTP, JSON and the API key cost with no order (the floor under placeorder).")
    var floor = false
    @Flag(help: "Print one JSON object of figures.") var json = false

    private var symbolList: [String] {
        symbols.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard (1...10_000).contains(connections) else { throw ValidationError("--connections must be between 1 and 10000") }
        guard (1...16).contains(clientThreads) else { throw ValidationError("--client-threads must be between 1 and 16") }
        guard orders > 0 else { throw ValidationError("--orders must be positive") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
        guard !symbolList.isEmpty else { throw ValidationError("--symbols must name at least one NSE equity") }
    }

    func run() async throws {
        // Always a new subfolder: the benchmark deletes what it made, never a folder it was given.
        let folder = URL(fileURLWithPath: dataDir ?? NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("realalgo-bench-orders-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        var logger = Logger(label: "realalgo.bench")
        logger.logLevel = .error

        var run = OrdersRun(
            connections: connections, clientThreads: clientThreads, orders: duration == nil ? orders : nil, duration: duration.map { .seconds($0) },
            warmup: .seconds(warmup), symbols: symbolList, durability: durability, logger: logger)
        if floor { run.endpoint = "ping" }
        let figures = try await run.measure(in: folder)

        var report = BenchmarkReport(title: "RealAlgo bench orders — \(BenchmarkReport.buildKind)")
        report.notes.append(
            "SQLite WAL (synchronous=\(durability.rawValue.uppercased())) in \(folder.path); \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let bound = duration.map { "\($0) s" } ?? "\(orders) orders"
        report.notes.append(
            (floor ? "FLOOR: the placeorder body sent to ping (no order is placed); " : "")
                + "placeorder MARKET MIS qty 1, BUY/SELL alternating over \(figures.symbols.joined(separator: ", ")); \(connections) keep-alive connections "
                + "on \(clientThreads) client thread(s); \(warmup) s warm-up + \(bound) measured (\(String(format: "%.2f", figures.measuredSeconds)) s)"
        )
        // The floor places nothing, so its hub must stay empty.
        let consistent = figures.ordersInHub == (floor ? 0 : figures.successes)
        report.notes.append(
            consistent
                ? (floor ? "hub check: no orders in the hub" : "hub check: orders in the hub = successful replies (\(figures.successes))")
                : "HUB CHECK FAILED: \(figures.ordersInHub) orders in the hub, \(figures.successes) successful replies")
        if let failure = figures.firstFailure { report.notes.append("first failure: \(failure)") }
        report.add("orders_per_s", "durable orders (reply after commit)", figures.ordersPerSecond, unit: "orders/s")
        report.add("orders_measured", "orders measured", Double(figures.measuredOrders), unit: "orders")
        report.add("order_p50_us", "placeorder latency p50", Double(figures.p50Micros), unit: "µs")
        report.add("order_p90_us", "placeorder latency p90", Double(figures.p90Micros), unit: "µs")
        report.add("order_p99_us", "placeorder latency p99", Double(figures.p99Micros), unit: "µs")
        report.add("order_p999_us", "placeorder latency p99.9", Double(figures.p999Micros), unit: "µs")
        report.add("order_max_us", "placeorder latency max", Double(figures.maxMicros), unit: "µs")
        report.add("orders_succeeded", "successful replies (warm-up included)", Double(figures.successes), unit: "orders")
        report.add("orders_failed", "failures (non-200, no \"status\":\"success\", lost connection)", Double(figures.failures), unit: "requests")
        report.add("orders_in_hub", "orders in the hub (SQL count)", Double(figures.ordersInHub), unit: "orders")
        report.add("orders_filled_in_hub", "of which complete (filled on placing)", Double(figures.ordersFilledInHub), unit: "orders")
        report.print(json: json)
        if json, let failure = figures.firstFailure { FileHandle.standardError.write(Data("first failure: \(failure)\n".utf8)) }
        // A run with failures or a count mismatch measured something else than intended.
        if figures.failures > 0 || !consistent { throw ExitCode.failure }
    }
}
