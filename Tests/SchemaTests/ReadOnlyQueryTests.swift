// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@testable import Schema

@Suite("Read-only SQL")
struct ReadOnlyQueryTests {
    static let refused: [(sql: String, message: String)] = [
        ("DELETE FROM orders", "read-only: DELETE on orders"),
        ("INSERT INTO settings (key, value) VALUES ('x', '1')", "read-only: INSERT on settings"),
        ("UPDATE users SET is_admin = 1", "read-only: UPDATE on users"),
        ("DROP TABLE trades", "read-only: DROP TABLE on trades"),
        ("DROP VIEW daily_pnl", "read-only: DROP VIEW"),
        ("CREATE TABLE evil (x)", "read-only: CREATE TABLE on evil"),
        ("CREATE TEMP VIEW v AS SELECT 1", "read-only"),
        ("CREATE TRIGGER t AFTER INSERT ON orders BEGIN SELECT 1; END", "read-only: CREATE TRIGGER"),
        ("ALTER TABLE orders ADD COLUMN x", "read-only: ALTER TABLE"),
        ("ATTACH DATABASE '/tmp/x.db' AS x", "ATTACH and DETACH are not allowed"),
        ("PRAGMA writable_schema = 1", "PRAGMA writable_schema = 1 is not allowed"),
        ("PRAGMA user_version = 7", "PRAGMA user_version = 7 is not allowed"),
        ("PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys = OFF is not allowed"),
        ("PRAGMA query_only = 0", "PRAGMA query_only = 0 is not allowed"),
        ("PRAGMA journal_mode = DELETE", "is not allowed"),
        ("BEGIN IMMEDIATE", "read-only: BEGIN/COMMIT is not allowed"),
        ("SAVEPOINT sp", "read-only: SAVEPOINT is not allowed"),
        ("VACUUM", "read-only"),
        ("REINDEX", "read-only"),
        ("ANALYZE", "read-only"),
        ("WITH x AS (SELECT 1) DELETE FROM orders", "read-only: DELETE on orders"),
        ("SELECT load_extension('/tmp/evil.so')", "not authorized"),
    ]

    @Test("writes, schema changes, ATTACH, transactions and PRAGMA changes are refused", arguments: refused.indices)
    func refuses(_ index: Int) async throws {
        let (sql, message) = Self.refused[index]
        try await withHub { (store: Store) async throws in
            let before = try await store.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self)
            let error = try #require(throws: StoreError.self) { try ReadOnlyQuery.run(sql, databaseURL: store.databaseURL) }
            #expect(error.code == .queryDenied || error.code == .invalidQuery, "\(sql): \(error.code)")
            #expect(error.message.contains(message), "\(sql): \(error.message)")
            #expect(try await store.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) == before)
            #expect(try await store.scalar("SELECT value FROM settings WHERE key = 'risk.kill_switch'", as: String.self) == "false")
        }
    }

    @Test("selects, CTEs, views and read-only pragmas run, with typed values")
    func reads() async throws {
        try await withHub { (store: Store) async throws in
            let url = store.databaseURL
            let result = try ReadOnlyQuery.run("SELECT 1 AS i, 2.5 AS r, 'x' AS t, NULL AS n, x'0102' AS b", databaseURL: url)
            #expect(result.columns == ["i", "r", "t", "n", "b"])
            #expect(result.rows == [[.integer(1), .real(2.5), .text("x"), .null, .blob([1, 2])]])
            #expect(
                try ReadOnlyQuery.run(
                    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5) SELECT sum(x) FROM n", databaseURL: url
                ).rows == [[.integer(15)]])
            #expect(try ReadOnlyQuery.run("SELECT count(*) FROM daily_pnl", databaseURL: url).rows == [[.integer(0)]])
            #expect(try ReadOnlyQuery.run("PRAGMA table_info(orders)", databaseURL: url).rows.count > 20)
            #expect(try ReadOnlyQuery.run("PRAGMA user_version", databaseURL: url).rows == [[.integer(0)]])
            #expect(try ReadOnlyQuery.run("SELECT name FROM pragma_table_list WHERE name = 'orders'", databaseURL: url).rows.count == 1)
            #expect(
                try ReadOnlyQuery.run("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'", databaseURL: url).rows.first?.first != .integer(0))
        }
    }

    @Test("results stop at the row limit and say so")
    func rowLimit() async throws {
        try await withHub { (store: Store) async throws in
            let result = try ReadOnlyQuery.run("SELECT id FROM instruments ORDER BY id", databaseURL: store.databaseURL, limits: .init(maxRows: 10))
            #expect(result.rows.count == 10)
            #expect(result.truncated)
            #expect(!(try ReadOnlyQuery.run("SELECT 1", databaseURL: store.databaseURL, limits: .init(maxRows: 1)).truncated))
        }
    }

    @Test("a runaway query is interrupted at its time limit")
    func timeLimit() async throws {
        try await withHub { (store: Store) async throws in
            let clock = ContinuousClock()
            let started = clock.now
            let error = try #require(throws: StoreError.self) {
                try ReadOnlyQuery.run(
                    "WITH RECURSIVE forever(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM forever) SELECT count(*) FROM forever",
                    databaseURL: store.databaseURL, limits: .init(timeout: .milliseconds(200)))
            }
            #expect(error.code == .queryTimeout)
            #expect(clock.now - started < .seconds(5))
        }
    }

    @Test("huge values are capped instead of exhausting memory")
    func valueLimit() async throws {
        try await withHub { (store: Store) async throws in
            let error = try #require(throws: StoreError.self) {
                try ReadOnlyQuery.run("SELECT length(randomblob(1000000000))", databaseURL: store.databaseURL, limits: .init(maxValueBytes: 1 << 20))
            }
            #expect(error.message.contains("too big"))
        }
    }

    @Test("many large values are capped by the result budget")
    func resultBudget() async throws {
        try await withHub { (store: Store) async throws in
            let error = try #require(throws: StoreError.self) {
                try ReadOnlyQuery.run(
                    "SELECT zeroblob(1000000) FROM instruments", databaseURL: store.databaseURL, limits: .init(maxResultBytes: 8 << 20))
            }
            #expect(error.message.contains("larger than 8 MiB"))
        }
    }

    @Test("comments after the statement are fine; a second statement is not")
    func trailingComments() async throws {
        try await withHub { (store: Store) async throws in
            #expect(try ReadOnlyQuery.run("SELECT 1; -- the answer\n/* done */ ;", databaseURL: store.databaseURL).rows == [[.integer(1)]])
            #expect(throws: StoreError.self) { try ReadOnlyQuery.run("SELECT 1; -- x\nSELECT 2", databaseURL: store.databaseURL) }
        }
    }

    @Test("bad SQL, empty SQL and two statements get clear errors")
    func badInput() async throws {
        try await withHub { (store: Store) async throws in
            let url = store.databaseURL
            #expect((try #require(throws: StoreError.self) { try ReadOnlyQuery.run("SELEC 1", databaseURL: url) }).message.contains("syntax error"))
            #expect(
                (try #require(throws: StoreError.self) { try ReadOnlyQuery.run("SELECT * FROM no_such_table", databaseURL: url) }).message.contains(
                    "no such table"))
            #expect((try #require(throws: StoreError.self) { try ReadOnlyQuery.run("  ", databaseURL: url) }).message.contains("empty"))
            #expect(
                (try #require(throws: StoreError.self) { try ReadOnlyQuery.run("SELECT 1; DELETE FROM orders", databaseURL: url) }).message.contains(
                    "one statement at a time"))
            #expect(try ReadOnlyQuery.run("SELECT 1;", databaseURL: url).rows == [[.integer(1)]])
            #expect(
                (try #require(throws: StoreError.self) { try ReadOnlyQuery.run("SELECT \"no_such_column\" FROM users", databaseURL: url) }).message
                    .contains("no such column"))
        }
    }

    @Test("a missing database is reported, not created")
    func missingDatabase() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let error = try #require(throws: StoreError.self) { try ReadOnlyQuery.run("SELECT 1", databaseURL: scratch.databaseURL) }
        #expect(error.code == .missingDatabase)
        #expect(!FileManager.default.fileExists(atPath: scratch.databaseURL.path))
    }
}
