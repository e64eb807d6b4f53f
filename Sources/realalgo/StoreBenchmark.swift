// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Core
import Cryptography
import Foundation
import Schema

/// `realalgo bench store`: the hub's two write paths, on a fresh hub with the real schema.
///
/// * Tick inserts: batches into `ticks` (its CHECKs, foreign key and index included), one
///   transaction per batch, as the market-data hub persists them.
/// * Order commits: one `INSERT INTO orders` per transaction (its CHECKs, triggers, foreign keys
///   and five indexes included), each awaited through the store's async API as the order path
///   does, so the figure is what an order id costs before it can be returned.
struct StoreBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store", abstract: "Tick inserts and durable order commits.")

    @Option(help: "Ticks to insert.") var ticks = 1_000_000
    @Option(help: "Ticks per transaction.") var batch = 10_000
    @Option(help: "Orders to commit, one transaction each.") var orders = 20_000
    @Option(name: .customLong("full-orders"), help: "Orders to commit with synchronous=FULL (fsync per commit).") var fullOrders = 2_000
    @Option(help: "Concurrent callers committing orders, as concurrent API requests do.") var callers = 16
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "Folder in which to create the scratch hubs (default: the system's temporary folder); they go in a new subfolder, deleted afterwards.",
            valueName: "path"))
    var dataDir: String?
    @Flag(help: "Print one JSON object of figures.") var json = false

    func validate() throws {
        guard ticks > 0, batch > 0, orders > 0, fullOrders >= 0, callers > 0 else { throw ValidationError("counts must be positive") }
    }

    func run() async throws {
        // Always a new subfolder: the benchmark deletes what it made, never a folder it was given.
        let folder = URL(fileURLWithPath: dataDir ?? NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("realalgo-bench-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: folder)
        defer { try? FileManager.default.removeItem(at: folder) }

        var report = BenchmarkReport(title: "RealAlgo bench store — \(BenchmarkReport.buildKind)")
        report.notes.append("SQLite WAL on \(folder.path); ticks in batches of \(batch); orders one per transaction")

        let normal = try await Self.freshHub(
            at: folder.appendingPathComponent("normal"), durability: .normal)
        let instrumentIDs = try await Self.instrumentIDs(normal.store)

        let tickRate = try Self.measureTicks(normal.store, count: ticks, batch: batch, instruments: instrumentIDs) { store, rows in
            try store.ticks.appendSynchronously(rows)
        }
        report.add("tick_insert_rows_per_s", "tick inserts (C API binding)", tickRate, unit: "rows/s")
        let grdbRate = try Self.measureTicks(normal.store, count: min(ticks, 200_000), batch: batch, instruments: instrumentIDs) { store, rows in
            try store.ticks.appendWithStatementArguments(rows)
        }
        report.add("tick_insert_grdb_arguments_rows_per_s", "tick inserts (GRDB arguments)", grdbRate, unit: "rows/s")

        let orderRate = try await Self.measureOrders(normal.store, accountID: normal.accountID, count: orders, prefix: "N")
        report.add("order_commits_sequential_per_s", "order commits, one caller (synchronous=NORMAL)", orderRate.perSecond, unit: "commits/s")
        report.add("order_commit_p50_us", "order commit p50, one caller", orderRate.p50Micros, unit: "µs")
        report.add("order_commit_p99_us", "order commit p99, one caller", orderRate.p99Micros, unit: "µs")
        let concurrentRate = try await Self.measureConcurrentOrders(
            normal.store, accountID: normal.accountID, count: orders, callers: callers, prefix: "C")
        report.add("order_commits_per_s", "order commits, \(callers) concurrent callers", concurrentRate, unit: "commits/s")
        let clock = ContinuousClock()
        let blockingCount = min(orders, 20_000)
        let blocking = try clock.measure {
            for index in 0..<blockingCount {
                try normal.store.orders.insertSynchronously(Self.benchOrder("S\(index)", accountID: normal.accountID, index: index))
            }
        }
        report.add(
            "order_commits_blocking_per_s", "order commits, blocking API on one thread", Double(blockingCount) / Self.seconds(blocking),
            unit: "commits/s")
        try normal.store.close()

        if fullOrders > 0 {
            let full = try await Self.freshHub(
                at: folder.appendingPathComponent("full"), durability: .full)
            let fullRate = try await Self.measureOrders(full.store, accountID: full.accountID, count: fullOrders, prefix: "F")
            report.add("order_commits_full_per_s", "order commits (synchronous=FULL)", fullRate.perSecond, unit: "commits/s")
            try full.store.close()
        }
        report.print(json: json)
    }

    static func freshHub(at folder: URL, durability: Store.Durability = .normal) async throws -> (store: Store, accountID: Int64) {
        let directory = DataDirectory(path: folder.path)
        try directory.create()
        var options = Store.Options()
        options.durability = durability
        let store = try Store.open(at: directory.databaseURL, options: options)
        _ = try await HubMaintenance.prepare(store, today: HubMaintenance.todayInIndia(now: Int64(Date().timeIntervalSince1970)))
        // One PBKDF2 iteration: the benchmark measures the hub, not password hashing.
        let user = try await store.users.create(
            username: "bench", passwordHash: try PasswordHasher(iterations: 1).hash("benchmark-password"), isAdmin: true, actor: .system)
        guard let accountID = try await store.accounts.defaultAccountID(userID: user.id) else {
            throw ValidationError("the bench user has no sandbox account")
        }
        return (store, accountID)
    }

    private static func instrumentIDs(_ store: Store) async throws -> [Int64] {
        let result = try ReadOnlyQuery.run("SELECT id FROM instruments WHERE instrument_type = 'EQ' ORDER BY id", databaseURL: store.databaseURL)
        return result.rows.compactMap { if case .integer(let id) = $0.first { id } else { nil } }
    }

    private static func measureTicks(
        _ store: Store, count: Int, batch: Int, instruments: [Int64], insert: (Store, [TickRow]) throws -> Void
    ) throws -> Double {
        let start = Int64(Date().timeIntervalSince1970 * 1e9)
        var rows: [TickRow] = []
        rows.reserveCapacity(batch)
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        var written = 0
        while written < count {
            rows.removeAll(keepingCapacity: true)
            for index in written..<min(written + batch, count) {
                let price = 1000 + Double(index % 997) * 0.05
                rows.append(
                    TickRow(
                        instrumentID: instruments[index % instruments.count], timestampNanos: start + Int64(index) * 1000, lastPrice: price,
                        lastQuantity: 10, bid: price - 0.05, ask: price + 0.05, bidQuantity: 100, askQuantity: 120,
                        volume: Int64(index), openInterest: nil))
            }
            elapsed += try clock.measure { try insert(store, rows) }
            written += rows.count
        }
        return Double(count) / seconds(elapsed)
    }

    struct OrderFigures {
        let perSecond: Double
        let p50Micros: Double
        let p99Micros: Double
    }

    private static func measureOrders(_ store: Store, accountID: Int64, count: Int, prefix: String) async throws -> OrderFigures {
        let clock = ContinuousClock()
        var latencies: [Duration] = []
        latencies.reserveCapacity(count)
        let started = clock.now
        for index in 0..<count {
            let order = benchOrder("\(prefix)\(index)", accountID: accountID, index: index)
            let before = clock.now
            try await store.orders.insert(order)
            latencies.append(clock.now - before)
        }
        let total = clock.now - started
        latencies.sort()
        func percentile(_ p: Double) -> Double { seconds(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) * 1e6 }
        return OrderFigures(perSecond: Double(count) / seconds(total), p50Micros: percentile(0.50), p99Micros: percentile(0.99))
    }

    /// Throughput when `callers` tasks commit orders at once, each awaiting its own commit.
    private static func measureConcurrentOrders(_ store: Store, accountID: Int64, count: Int, callers: Int, prefix: String) async throws -> Double {
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for caller in 0..<callers {
                    group.addTask {
                        for index in stride(from: caller, to: count, by: callers) {
                            try await store.orders.insert(benchOrder("\(prefix)\(index)", accountID: accountID, index: index))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        return Double(count) / seconds(elapsed)
    }

    static func benchOrder(_ orderID: String, accountID: Int64, index: Int) -> NewOrder {
        NewOrder(
            orderID: orderID, accountID: accountID, strategyTag: "bench", exchange: .nse, symbol: "SBIN", instrumentID: 6,
            action: index % 2 == 0 ? .buy : .sell, quantity: 1, priceType: .market, product: .mis)
    }

    static func seconds(_ duration: Duration) -> Double {
        duration.inSeconds
    }
}
