// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import GRDB
import Testing

@testable import Schema

@Suite("Store")
struct StoreTests {
    @Test("the connections use WAL, foreign keys and a finite busy timeout")
    func pragmas() async throws {
        try await withHub { (store: Store) async throws in
            #expect(try await store.scalar("PRAGMA journal_mode", as: String.self) == "wal")
            #expect(try await store.scalar("PRAGMA foreign_keys", as: Int.self) == 1)
            let timeout = try #require(try await store.scalar("PRAGMA busy_timeout", as: Int.self))
            #expect(timeout > 0 && timeout <= 60_000)
            #expect(try await store.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)  // NORMAL
        }
    }

    @Test("full durability sets synchronous=FULL on the writer")
    func fullDurability() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var options = Store.Options()
        options.durability = .full
        let store = try Store.open(at: scratch.databaseURL, options: options)
        defer { try? store.close() }
        #expect(try await store.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
    }

    @Test("a missing database is an error when the command does not create one")
    func missing() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var options = Store.Options()
        options.create = false
        let error = try #require(throws: StoreError.self) { try Store.open(at: scratch.databaseURL, options: options) }
        #expect(error.code == .missingDatabase)
        #expect(error.message.contains("realalgo migrate"))
        #expect(!FileManager.default.fileExists(atPath: scratch.databaseURL.path))
    }

    @Test("a file that is not a database is refused with a clear message, never a crash")
    func corrupt() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try Data(String(repeating: "this is not a database ", count: 200).utf8).write(to: scratch.databaseURL)
        let error = try #require(throws: StoreError.self) { try Store.open(at: scratch.databaseURL) }
        #expect(error.code == .notADatabase)
        #expect(error.message.contains("not a SQLite database or is corrupt"))
    }

    @Test("another application's SQLite database is refused")
    func foreignDatabase() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let other = try DatabaseQueue(path: scratch.databaseURL.path)
        try other.write { db in try db.execute(sql: "CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)") }
        try other.close()
        let error = try #require(throws: StoreError.self) { try Store.open(at: scratch.databaseURL) }
        #expect(error.code == .notRealAlgo)
        #expect(error.message.contains("recipes"))
    }

    @Test("a read-only store can read but never write")
    func readOnlyStore() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let writer = try Store.open(at: scratch.databaseURL)
        _ = try await HubMaintenance.prepare(writer, today: testToday)
        try writer.close()

        var options = Store.Options()
        options.readOnly = true
        let reader = try Store.open(at: scratch.databaseURL, options: options)
        defer { try? reader.close() }
        #expect(try await reader.scalar("SELECT count(*) FROM exchanges", as: Int.self) == 14)
        let error = try await #require(throws: StoreError.self) { try await reader.execute("DELETE FROM settings") }
        #expect(error.code == .readOnly)
    }

    @Test("the change feed publishes committed rows after commit, and nothing for a rollback")
    func changeFeed() async throws {
        try await withHub { (store: Store) async throws in
            var changes = store.changes.subscribe().makeAsyncIterator()
            let user = try await store.users.create(username: "alice", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)

            let created = try #require(await changes.next())
            #expect(created.changes.contains(StoreChange(table: "users", kind: .insert, rowID: user.id)))
            #expect(created.tables.isSuperset(of: ["users", "accounts", "funds"]))
            #expect(!created.tables.contains("audit_log"))

            // A transaction that changes observed rows and then fails publishes nothing.
            await #expect(throws: StoreError.self) {
                try await store.write { db in
                    try db.execute(sql: "INSERT INTO users (username, password_hash) VALUES ('bob', 'pbkdf2-sha256$1$a$b')")
                    throw StoreError(.other, "the caller changed its mind")
                }
            }
            #expect(try await store.scalar("SELECT count(*) FROM users WHERE username = 'bob'", as: Int.self) == 0)
            try await store.orders.insert(
                NewOrder(orderID: "O-1", accountID: 1, exchange: .nse, symbol: "SBIN", action: .buy, quantity: 1, priceType: .market, product: .mis))

            let next = try #require(await changes.next())
            #expect(next.changes == [StoreChange(table: "orders", kind: .insert, rowID: 1)])
        }
    }

    @Test("a slow subscriber keeps only the newest transactions and never blocks the writer")
    func slowSubscriber() async throws {
        try await withHub { (store: Store) async throws in
            let stream = store.changes.subscribe(bufferingNewest: 2)
            for index in 0..<20 {
                try await store.execute("UPDATE settings SET value = '\(index)' WHERE key = 'ticks.retention_days'")
            }
            var iterator = stream.makeAsyncIterator()
            let first = try #require(await iterator.next())
            let second = try #require(await iterator.next())
            #expect(first.changes.count == 2 && second.changes.count == 2)  // the row and its updated_at stamp
            #expect(try await store.scalar("SELECT value FROM settings WHERE key = 'ticks.retention_days'", as: String.self) == "19")
        }
    }

    @Test("ticks are written in batches, and a bad tick rolls back its whole batch")
    func tickBatches() async throws {
        try await withHub { (store: Store) async throws in
            let good = (0..<500).map {
                TickRow(
                    instrumentID: 6, timestampNanos: 1_763_700_000_000_000_000 + Int64($0), lastPrice: 950 + Double($0 % 7), bid: 949.9, ask: 950.1)
            }
            try await store.ticks.append(good)
            #expect(try await store.ticks.count() == 500)

            var bad = good
            bad[250] = TickRow(instrumentID: 6, timestampNanos: 1, lastPrice: 0)
            let error = try await #require(throws: StoreError.self) { try await store.ticks.append(bad) }
            #expect(error.code == .constraint)
            #expect(error.message.contains("ticks:"))
            #expect(try await store.ticks.count() == 500)

            let unknownInstrument = [TickRow(instrumentID: 987_654, timestampNanos: 2, lastPrice: 10)]
            #expect(throws: StoreError.self) { try store.ticks.appendSynchronously(unknownInstrument) }
            #expect(try await store.scalar("SELECT bid FROM ticks LIMIT 1", as: Double.self) == 949.9)
            #expect(try await store.scalar("SELECT count(*) FROM ticks WHERE oi IS NULL", as: Int.self) == 500)
        }
    }

    @Test("an order is readable by other connections as soon as insert returns")
    func durableOrder() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute("INSERT INTO users (username, password_hash) VALUES ('alice', 'pbkdf2-sha256$1$a$b')")
            let id = try await store.orders.insert(
                NewOrder(
                    orderID: "250001", accountID: 1, exchange: .nse, symbol: "SBIN", action: .buy, quantity: 5, priceType: .limit, product: .cnc,
                    price: 950))
            let seen = try ReadOnlyQuery.run("SELECT orderid, status FROM orders WHERE id = \(id)", databaseURL: store.databaseURL)
            #expect(seen.rows == [[.text("250001"), .text("pending")]])
            let duplicate = try await #require(throws: StoreError.self) {
                try await store.orders.insert(
                    NewOrder(
                        orderID: "250001", accountID: 1, exchange: .nse, symbol: "SBIN", action: .buy, quantity: 5, priceType: .market, product: .cnc)
                )
            }
            #expect(duplicate.message.contains("an order with this id, orderid or client reference already exists"))
            #expect(try await store.orders.count() == 1)
        }
    }

    @Test("an online backup is a complete, consistent, openable copy, taken while writes continue")
    func backup() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute("INSERT INTO users (username, password_hash) VALUES ('alice', 'pbkdf2-sha256$1$a$b')")
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let destination = scratch.url.appendingPathComponent("copy.db")

            async let writes: Void = {
                for index in 0..<200 {
                    try await store.orders.insert(
                        NewOrder(
                            orderID: "B\(index)", accountID: 1, exchange: .nse, symbol: "SBIN", action: .buy, quantity: 1, priceType: .market,
                            product: .mis))
                }
            }()
            try store.backup(to: destination)
            try await writes

            var options = Store.Options()
            options.create = false
            let copy = try Store.open(at: destination, options: options)
            defer { try? copy.close() }
            #expect(try await MigrationRunner().isUpToDate(copy))
            // A consistent snapshot: whatever orders it has, it has them whole.
            let copied = try #require(try await copy.scalar("SELECT count(*) FROM orders", as: Int.self))
            #expect(try await copy.scalar("SELECT count(*) FROM orders WHERE orderid GLOB 'B*' AND quantity = 1", as: Int.self) == copied)
            #expect(try await copy.scalar("SELECT count(*) FROM users", as: Int.self) == 1)

            let exists = try #require(throws: StoreError.self) { try store.backup(to: destination) }
            #expect(exists.message.contains("already exists"))
            try copy.close()
            try await store.execute("INSERT INTO users (username, password_hash) VALUES ('bob', 'pbkdf2-sha256$1$a$b')")
            try store.backup(to: destination, overwrite: true)
            let second = try Store.open(at: destination, options: options)
            defer { try? second.close() }
            #expect(try await second.scalar("PRAGMA quick_check", as: String.self) == "ok")
            #expect(try await second.scalar("SELECT count(*) FROM users", as: Int.self) == 2)
            #expect(try await second.scalar("SELECT count(*) FROM orders", as: Int.self) == 200)
            let mode = try FileManager.default.attributesOfItem(atPath: destination.path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)

            let live = try #require(throws: StoreError.self) { try store.backup(to: store.databaseURL, overwrite: true) }
            #expect(live.message.contains("is the live database"))
            let folder = try #require(throws: StoreError.self) { try store.backup(to: scratch.url, overwrite: true) }
            #expect(folder.message.contains("is a folder"))
            #expect(FileManager.default.fileExists(atPath: destination.path))
        }
    }
}

@Suite("Store lifecycle")
struct StoreLifecycleTests {
    @Test("a closed store refuses every access with an error, and closing twice is harmless")
    func closed() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let store = try Store.open(at: scratch.databaseURL)
        _ = try await MigrationRunner().migrate(store)
        try store.close()
        try store.close()
        let read = try await #require(throws: StoreError.self) { try await store.users.list() }
        #expect(read.message.contains("is closed"))
        await #expect(throws: StoreError.self) { try await store.execute("SELECT 1") }
        #expect(throws: StoreError.self) { try store.backup(to: scratch.url.appendingPathComponent("x.db")) }
        #expect(throws: StoreError.self) { try store.ticks.appendSynchronously([TickRow(instrumentID: 6, timestampNanos: 1, lastPrice: 1)]) }
    }

    @Test("after a clean close everything is in the database file and the WAL is empty")
    func walFoldedOnClose() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let store = try Store.open(at: scratch.databaseURL)
        _ = try await HubMaintenance.prepare(store, today: testToday)
        try store.close()
        let wal = (try? FileManager.default.attributesOfItem(atPath: scratch.databaseURL.path + "-wal")[.size] as? NSNumber)?.intValue ?? 0
        #expect(wal == 0)
        let size = (try FileManager.default.attributesOfItem(atPath: scratch.databaseURL.path)[.size] as? NSNumber)?.intValue ?? 0
        #expect(size > 100_000)
    }
}
