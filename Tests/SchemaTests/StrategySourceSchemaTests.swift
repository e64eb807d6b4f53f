// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import Testing

@testable import Schema

/// The working side of migration 0018's rules: what they let through, and the deletes they
/// carry out. What they refuse is in Fixtures/schema-rules.json (tried by SchemaRuleTests and by
/// the sqlite3 shell in the e2e suite).
@Suite("Strategy sources and backtests: schema")
struct StrategySourceSchemaTests {
    static let hash = String(repeating: "a", count: 64)

    static let fixture = """
        INSERT INTO users (id, username, password_hash) VALUES (1, 'alice', 'pbkdf2-sha256$1$a$b'), (2, 'bob', 'pbkdf2-sha256$1$a$b');
        INSERT INTO strategies (id, user_id, name) VALUES (1, 1, 'draft');
        INSERT INTO strategy_versions (strategy_id, version, source, sha256, origin) VALUES (1, 1, 'return 1', '\(hash)', 'web');
        INSERT INTO strategy_versions (strategy_id, version, source, sha256, origin, file_path)
        VALUES (1, 2, 'return 2', '\(hash)', 'file', 'strategies/draft.lua');
        UPDATE strategies SET source_version = 2 WHERE id = 1;
        INSERT INTO backtest_runs (id, user_id, strategy_id, strategy_name, source_sha256, data_source, initial_capital, trade_count,
                                   net_pnl, max_drawdown, trades_sha256)
        VALUES (1, 1, 1, 'draft', '\(hash)', 'hub', 100000, 2, 10, 0, '\(hash)');
        INSERT INTO backtest_trades (run_id, seq, traded_at, exchange, symbol, action, quantity, price, position_after, realized_pnl)
        VALUES (1, 1, '2026-01-02T04:00:00.000Z', 'NSE', 'SBIN', 'BUY', 1, 100, 1, 0),
               (1, 2, '2026-01-02T05:00:00.000Z', 'NSE', 'SBIN', 'SELL', 1, 110, 0, 10);
        """

    /// Runs `sql` on the writer with foreign keys on or off (the sqlite3 shell's default is off).
    private func execute(_ store: Store, foreignKeys: Bool, _ sql: String) async throws {
        try await store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = \(foreignKeys ? "ON" : "OFF")")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            try db.inTransaction {
                try db.execute(sql: sql)
                return .commit
            }
        }
    }

    @Test("versions run 1, 2, 3… and the strategy may name any saved one, including an older one")
    func versionsInSequence() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(Self.fixture)
            try await store.execute("UPDATE strategies SET source_version = 1 WHERE id = 1")
            try await store.execute(
                "INSERT INTO strategy_versions (strategy_id, version, source, sha256, origin) VALUES (1, 3, 'return 3', '\(Self.hash)', 'cli')")
            #expect(try await store.scalar("SELECT group_concat(version) FROM strategy_versions WHERE strategy_id = 1", as: String.self) == "1,2,3")
            // A run may name its version after it started, once.
            try await store.execute("INSERT INTO strategy_runs (id, strategy_id, mode) VALUES (1, 1, 'sandbox')")
            try await store.execute("UPDATE strategy_runs SET source_version = 3, status = 'running' WHERE id = 1")
            #expect(try await store.scalar("SELECT source_version FROM strategy_runs WHERE id = 1", as: Int.self) == 3)
        }
    }

    @Test("a live run is accepted once the strategy opts in, on an account of its user", arguments: [true, false])
    func liveOptIn(foreignKeys: Bool) async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(Self.fixture)
            try await execute(store, foreignKeys: foreignKeys, "UPDATE strategies SET live_enabled = 1 WHERE id = 1")
            try await execute(
                store, foreignKeys: foreignKeys,
                "INSERT INTO strategy_runs (strategy_id, mode, source_version, account_id) VALUES (1, 'live', 2, 1)")
            #expect(try await store.scalar("SELECT count(*) FROM strategy_runs WHERE mode = 'live' AND account_id = 1", as: Int.self) == 1)
        }
    }

    @Test("deleting a never-run strategy takes its versions and lets go of its backtests", arguments: [true, false])
    func deleteNeverRun(foreignKeys: Bool) async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(Self.fixture)
            try await execute(store, foreignKeys: foreignKeys, "DELETE FROM strategies WHERE id = 1")
            #expect(try await store.scalar("SELECT count(*) FROM strategy_versions", as: Int.self) == 0)
            let backtest = try #require(try await store.row("SELECT strategy_id, strategy_name FROM backtest_runs WHERE id = 1"))
            #expect(backtest.values["strategy_id"] == .null)
            #expect(backtest["strategy_name"] as String == "draft")
            #expect(try await store.scalar("SELECT count(*) FROM backtest_trades", as: Int.self) == 2)

            // A new strategy that reuses the id starts at version 1, with no backtests of its own.
            try await store.execute(
                """
                INSERT INTO strategies (id, user_id, name) VALUES (1, 1, 'fresh');
                INSERT INTO strategy_versions (strategy_id, version, source, sha256, origin) VALUES (1, 1, 'return 0', '\(Self.hash)', 'api');
                """)
            #expect(try await store.scalar("SELECT count(*) FROM backtest_runs WHERE strategy_id = 1", as: Int.self) == 0)
        }
    }

    @Test("a strategy that ran keeps its versions: it is never deleted")
    func historyKept() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(Self.fixture)
            try await store.execute("INSERT INTO strategy_runs (strategy_id, mode, source_version) VALUES (1, 'sandbox', 2)")
            let error = try await #require(throws: StoreError.self) { try await store.execute("DELETE FROM strategies WHERE id = 1") }
            #expect(error.message.contains("never deleted"))
            #expect(try await store.scalar("SELECT count(*) FROM strategy_versions", as: Int.self) == 2)
        }
    }

    @Test("deleting a backtest deletes its trades", arguments: [true, false])
    func deleteBacktest(foreignKeys: Bool) async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(Self.fixture)
            try await execute(store, foreignKeys: foreignKeys, "DELETE FROM backtest_runs WHERE id = 1")
            #expect(try await store.scalar("SELECT count(*) FROM backtest_trades", as: Int.self) == 0)
            // The id can be used again, with trades of its own.
            try await store.execute(
                """
                INSERT INTO backtest_runs (id, user_id, strategy_name, source_sha256, data_source, initial_capital, trade_count, net_pnl,
                                           max_drawdown, trades_sha256)
                VALUES (1, NULL, 'cli', '\(Self.hash)', '/tmp/bars.csv', 5000, 1, 0, 0, '\(Self.hash)');
                INSERT INTO backtest_trades (run_id, seq, traded_at, exchange, symbol, action, quantity, price, position_after, realized_pnl)
                VALUES (1, 1, '2026-01-02T09:16:00.000Z', 'NSE', 'SBIN', 'BUY', 1, 100, 1, 0);
                """)
            // Only the new run's own trade: none of the deleted run's came back.
            #expect(try await store.scalar("SELECT count(*) FROM backtest_trades WHERE run_id = 1", as: Int.self) == 1)
        }
    }

    @Test("a source is limited in bytes, not characters")
    func sourceBytes() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(Self.fixture)
            let big = String(repeating: "é", count: 500_001)  // 1,000,002 bytes in 500,001 characters
            await #expect(throws: StoreError.self) {
                try await store.write { db in
                    try db.execute(
                        sql: "INSERT INTO strategy_versions (strategy_id, version, source, sha256, origin) VALUES (1, 3, ?, ?, 'api')",
                        arguments: [big, Self.hash])
                }
            }
        }
    }
}
