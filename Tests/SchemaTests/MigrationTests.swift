// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import Testing

@testable import Schema

@Suite("Migrations")
struct MigrationTests {
    @Test("an empty file is migrated to the full hub, and a second run applies nothing")
    func migratesFromEmpty() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let store = try Store.open(at: scratch.databaseURL)
        defer { try? store.close() }
        let runner = MigrationRunner()

        let applied = try await runner.migrate(store)
        #expect(applied == Migration.embedded.map(\.name))
        #expect(applied.count >= 10)
        #expect(try await runner.migrate(store).isEmpty)
        #expect(try await runner.isUpToDate(store))

        let tables = try await store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        }
        for table in [
            "users", "api_keys", "accounts", "instruments", "orders", "trades", "positions", "holdings", "funds", "strategies",
            "strategy_legs", "strategy_runs", "strategy_executions", "risk_events", "trading_hours_templates", "trading_sessions",
            "market_holidays", "special_sessions", "ticks", "bars", "strategy_logs", "audit_log", "settings", "schema_migrations",
            "strategy_versions", "backtest_runs", "backtest_trades",
        ] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        #expect(try await store.scalar("PRAGMA application_id", as: Int32.self) == Store.applicationID)
    }

    @Test("every migration file is embedded in name order with its SHA-256")
    func embeddedMatchesFolder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("migrations")
        let onDisk = try Migration.load(from: folder)
        #expect(onDisk.map(\.name) == Migration.embedded.map(\.name))
        #expect(onDisk.map(\.checksum) == Migration.embedded.map(\.checksum))
        #expect(onDisk.allSatisfy { $0.name.range(of: #"^\d{4}_[a-z0-9_]+\.sql$"#, options: .regularExpression) != nil })
        #expect(Migration(name: "x.sql", sql: "abc").checksum == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a migration edited after it was applied is a hard error that changes nothing")
    func checksumGuard() async throws {
        try await withHub { (store: Store) async throws in
            var edited = Migration.embedded
            edited[2] = Migration(name: edited[2].name, sql: edited[2].sql + "\n-- a harmless-looking edit\n")
            let runner = MigrationRunner(
                migrations: edited + [Migration(name: "9000_add_thing.sql", sql: "CREATE TABLE thing (id INTEGER PRIMARY KEY) STRICT;")])

            let error = try await #require(throws: StoreError.self) { try await runner.migrate(store) }
            #expect(error.code == .migrationChanged)
            #expect(error.message.contains(edited[2].name))
            #expect(error.message.contains("never edit a shipped migration"))
            #expect(try await store.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'thing'", as: Int.self) == 0)

            let statuses = try await runner.status(of: store)
            #expect(statuses.first { $0.name == edited[2].name }?.state == .changed)
            #expect(statuses.first { $0.name == "9000_add_thing.sql" }?.state == .pending)
        }
    }

    @Test("a hub migrated by a newer RealAlgo is refused with a clear message")
    func newerSchema() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(
                "INSERT INTO schema_migrations (name, checksum, realalgo_version) VALUES ('9999_from_the_future.sql', '\(String(repeating: "a", count: 64))', '9.0.0')"
            )
            let error = try await #require(throws: StoreError.self) { try await MigrationRunner().migrate(store) }
            #expect(error.code == .newerSchema)
            #expect(error.message.contains("newer RealAlgo"))
            #expect(error.message.contains("9999_from_the_future.sql"))
            #expect(try await MigrationRunner().status(of: store).last?.state == .unknown)
        }
    }

    @Test("a failing migration is rolled back whole and later migrations are not attempted")
    func failingMigrationRollsBack() async throws {
        try await withHub { (store: Store) async throws in
            let runner = MigrationRunner(
                migrations: Migration.embedded + [
                    Migration(
                        name: "9001_half_broken.sql", sql: "CREATE TABLE half (id INTEGER PRIMARY KEY) STRICT; INSERT INTO nowhere VALUES (1);"),
                    Migration(name: "9002_after.sql", sql: "CREATE TABLE after_broken (id INTEGER PRIMARY KEY) STRICT;"),
                ])
            let error = try await #require(throws: StoreError.self) { try await runner.migrate(store) }
            #expect(error.code == .migrationFailed)
            #expect(error.message.contains("9001_half_broken.sql"))
            #expect(error.message.contains("no such table: nowhere"))
            #expect(try await store.scalar("SELECT count(*) FROM sqlite_schema WHERE name IN ('half', 'after_broken')", as: Int.self) == 0)
            #expect(try await store.scalar("SELECT count(*) FROM schema_migrations WHERE name LIKE '900%'", as: Int.self) == 0)
        }
    }

    @Test("a pending migration older than an applied one is refused")
    func outOfOrder() async throws {
        try await withHub { (store: Store) async throws in
            let runner = MigrationRunner(migrations: [Migration(name: "0000_forgotten.sql", sql: "SELECT 1;")] + Migration.embedded)
            let error = try await #require(throws: StoreError.self) { try await runner.migrate(store) }
            #expect(error.message.contains("0000_forgotten.sql is pending but a later migration is already applied"))
        }
    }

    @Test("two stores migrating one file at once both succeed and apply each migration once")
    func concurrentMigration() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // A generous busy timeout: this checks correctness under contention, not speed, and the
        // whole suite runs in parallel on two cores.
        var options = Store.Options()
        options.busyTimeout = .seconds(60)
        let first = try Store.open(at: scratch.databaseURL, options: options)
        let second = try Store.open(at: scratch.databaseURL, options: options)
        defer {
            try? first.close()
            try? second.close()
        }
        async let a = MigrationRunner().migrate(first)
        async let b = MigrationRunner().migrate(second)
        let (appliedA, appliedB) = try await (a, b)
        #expect(Set(appliedA).isDisjoint(with: appliedB))
        #expect((appliedA + appliedB).sorted() == Migration.embedded.map(\.name))
    }
}
