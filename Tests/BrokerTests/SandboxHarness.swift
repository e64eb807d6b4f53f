import Core
import Foundation
import Logging
import Schema
import Synchronization

// SPDX-License-Identifier: Apache-2.0
@testable import Broker

/// A fresh hub with one user ("trader", ₹1 crore sandbox) and a sandbox broker over it, priced
/// from a table the test sets. Deleted when the test ends.
final class SandboxHarness: Sendable {
    let store: Store
    let broker: SandboxBroker
    let userID: Int64
    let prices: TablePrices
    let clock: any WallClock
    let folder: URL

    /// Friday 2026-11-20, 10:00 IST: NSE is open.
    static let marketOpenNanos: Int64 = 1_795_149_000 * 1_000_000_000

    /// - Parameter clock: a clock the test moves (settlement); a fixed one at `nowNanos` otherwise.
    static func make(
        rules: SandboxRules = SandboxRules(), nowNanos: Int64 = marketOpenNanos, clock: (any WallClock)? = nil
    ) async throws -> SandboxHarness {
        let clock = clock ?? FixedClock(nowNanos)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("realalgo-broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store.open(at: folder.appendingPathComponent("realalgo.db"))
        _ = try await HubMaintenance.prepare(store, today: LocalDate(iso: "2026-11-20")!)
        let user = try await store.users.create(username: "trader", passwordHash: "pbkdf2-sha256$1$c2FsdA$aGFzaA", isAdmin: false, actor: .cli)
        let catalog = TableCatalog(try await store.marketData.activeInstruments())
        let prices = TablePrices()
        let broker = SandboxBroker(
            store: store, instruments: catalog, prices: prices, calendar: try await store.calendar.load(), clock: clock,
            rules: rules, logger: Logger(label: "broker-test"))
        try await broker.start()
        return SandboxHarness(store: store, broker: broker, userID: user.id, prices: prices, clock: clock, folder: folder)
    }

    private init(store: Store, broker: SandboxBroker, userID: Int64, prices: TablePrices, clock: any WallClock, folder: URL) {
        self.store = store
        self.broker = broker
        self.userID = userID
        self.prices = prices
        self.clock = clock
        self.folder = folder
    }

    /// A second broker over the same hub, as after a restart (its own price table when given).
    func restartedBroker(prices: TablePrices? = nil) async throws -> SandboxBroker {
        let broker = SandboxBroker(
            store: store, instruments: self.broker.instrumentCatalog, prices: prices ?? self.prices, calendar: try await store.calendar.load(),
            clock: clock, logger: Logger(label: "broker-test-restarted"))
        try await broker.start()
        return broker
    }

    func close() {
        try? store.close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Sets a price and lets the broker act on it, as a tick would.
    func tick(_ symbol: String, _ exchange: String = "NSE", last: Double, bid: Double? = nil, ask: Double? = nil) async throws {
        let snapshot = try price(symbol, exchange, last: last, bid: bid, ask: ask)
        await broker.match([snapshot])
    }

    @discardableResult
    func price(_ symbol: String, _ exchange: String = "NSE", last: Double, bid: Double? = nil, ask: Double? = nil) throws -> PriceSnapshot {
        let instrument = try instrument(symbol, exchange)
        let snapshot = PriceSnapshot(instrumentID: instrument.id, lastPrice: last, bid: bid ?? last, ask: ask ?? last)
        prices.set(snapshot)
        return snapshot
    }

    func instrument(_ symbol: String, _ exchange: String = "NSE") throws -> Instrument {
        guard let found = broker.instrumentCatalog.instrument(symbol: symbol, exchange: exchange) else {
            throw StoreError(.notFound, "no \(exchange):\(symbol) in the test master")
        }
        return found
    }

    func funds() async throws -> (available: Double, used: Double, realized: Double) {
        try await store.trade { ledger in
            guard let account = try ledger.defaultAccount(userID: self.userID) else { throw StoreError(.notFound, "no account") }
            return try ledger.fundsSummary(accountID: account.id)
        }
    }

    func position(_ symbol: String, _ exchange: String = "NSE", product: Product = .mis) async throws -> LedgerPosition {
        try await store.trade { ledger in
            guard let account = try ledger.defaultAccount(userID: self.userID) else { throw StoreError(.notFound, "no account") }
            return try ledger.position(accountID: account.id, exchange: exchange, symbol: symbol, product: product)
        }
    }

    func count(_ table: String) async throws -> Int {
        try await store.trade { ledger in try ledger.rowCount(table) }
    }
}

struct TableCatalog: InstrumentCatalog {
    let bySymbol: [String: Instrument]
    let byID: [Int64: Instrument]

    init(_ instruments: [Instrument]) {
        bySymbol = Dictionary(instruments.map { ($0.exchange.rawValue + ":" + $0.symbol, $0) }, uniquingKeysWith: { first, _ in first })
        byID = Dictionary(instruments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func instrument(symbol: String, exchange: String) -> Instrument? { bySymbol[exchange.uppercased() + ":" + symbol.uppercased()] }
    func instrument(id: Int64) -> Instrument? { byID[id] }
}

final class TablePrices: PriceSource {
    private let table = Mutex<[Int64: PriceSnapshot]>([:])
    func set(_ snapshot: PriceSnapshot) { table.withLock { $0[snapshot.instrumentID] = snapshot } }
    func snapshot(instrumentID: Int64) -> PriceSnapshot? { table.withLock { $0[instrumentID] } }
}

struct FixedClock: WallClock {
    let nanos: Int64
    init(_ nanos: Int64) { self.nanos = nanos }
    func nowNanos() -> Int64 { nanos }
}
