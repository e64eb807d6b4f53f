// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@testable import Schema

/// A strategy's `ctx.sql` on a hub two users share: each sees the market whole and its own rows only.
@Suite("Read-only SQL scoped to one user")
struct ReadOnlyQueryScopeTests {
    /// Alice (1) and Bob (2), each with a sandbox account, an order, a fill and a strategy.
    static func twoTraders(_ store: Store) async throws -> (alice: Int64, bob: Int64) {
        try await store.execute(
            """
            INSERT INTO users (id, username, password_hash) VALUES (1, 'alice', 'pbkdf2-sha256$1$a$b'), (2, 'bob', 'pbkdf2-sha256$1$c$d');
            """)
        let alice = try #require(try await store.scalar("SELECT id FROM accounts WHERE user_id = 1", as: Int64.self))
        let bob = try #require(try await store.scalar("SELECT id FROM accounts WHERE user_id = 2", as: Int64.self))
        try await store.execute(
            """
            INSERT INTO strategies (id, user_id, name) VALUES (1, 1, 'alice trend'), (2, 2, 'bob reversion');
            INSERT INTO strategy_logs (strategy_id, level, message) VALUES (1, 'info', 'alice line'), (2, 'info', 'bob line');
            INSERT INTO orders (id, orderid, account_id, strategy_id, exchange, symbol, action, quantity, pricetype, product) VALUES
                (1, 'A1', \(alice), 1, 'NSE', 'SBIN', 'BUY', 10, 'MARKET', 'MIS'),
                (2, 'B1', \(bob), 2, 'NSE', 'INFY', 'SELL', 7, 'MARKET', 'MIS');
            INSERT INTO trades (tradeid, order_id, account_id, exchange, symbol, product, action, quantity, price) VALUES
                ('ta', 1, \(alice), 'NSE', 'SBIN', 'MIS', 'BUY', 10, 100),
                ('tb', 2, \(bob), 'NSE', 'INFY', 'MIS', 'SELL', 7, 1500);
            """)
        return (alice, bob)
    }

    static func run(_ sql: String, _ store: Store, user: Int64) throws -> QueryResult {
        try ReadOnlyQuery.run(sql, databaseURL: store.databaseURL, scope: ReadOnlyQuery.UserScope(userID: user))
    }

    /// A query and what user 1 (alice) gets from it.
    static let aliceSees: [(sql: String, rows: [[SQLValue]])] = [
        ("SELECT orderid FROM orders ORDER BY id", [[.text("A1")]]),
        ("SELECT tradeid FROM trades", [[.text("ta")]]),
        ("SELECT symbol, net_qty FROM positions", [[.text("SBIN"), .integer(10)]]),
        ("SELECT count(*) FROM funds", [[.integer(1)]]),
        ("SELECT name FROM strategies", [[.text("alice trend")]]),
        ("SELECT message FROM strategy_logs", [[.text("alice line")]]),
        ("SELECT username FROM users", [[.text("alice")]]),
        ("SELECT count(*) FROM accounts", [[.integer(1)]]),
        // The hub's views report the user's rows too.
        ("SELECT symbol FROM trade_journal", [[.text("SBIN")]]),
        ("SELECT trades FROM daily_pnl", [[.integer(1)]]),
        ("SELECT count(*) FROM account_summary", [[.integer(1)]]),
        // A join or a subquery cannot reach past the scope.
        ("SELECT count(*) FROM orders o JOIN trades t ON t.order_id = o.id", [[.integer(1)]]),
        ("SELECT count(*) FROM (SELECT * FROM orders UNION ALL SELECT * FROM orders)", [[.integer(2)]]),
        // The market is everyone's.
        ("SELECT count(*) > 100 FROM instruments", [[.integer(1)]]),
        ("SELECT count(*) > 0 FROM trading_hours_templates", [[.integer(1)]]),
    ]

    @Test("each owned table and view shows only the user's rows", arguments: aliceSees.indices)
    func ownRows(_ index: Int) async throws {
        let (sql, rows) = Self.aliceSees[index]
        try await withHub { (store: Store) async throws in
            _ = try await Self.twoTraders(store)
            #expect(try Self.run(sql, store, user: 1).rows == rows, "\(sql)")
            // The same query without a scope (the operator's `realalgo sql`) sees both users.
            if sql.contains("orders ORDER") { #expect(try ReadOnlyQuery.run(sql, databaseURL: store.databaseURL).rows.count == 2) }
        }
    }

    static let refused: [(sql: String, message: String)] = [
        ("SELECT * FROM main.orders", "only your own rows: read orders"),
        ("SELECT count(*) FROM main.trades WHERE quantity > 0", "only your own rows: read trades"),
        ("SELECT symbol FROM orders UNION SELECT symbol FROM main.orders", "only your own rows: read orders"),
        ("WITH o AS (SELECT * FROM main.orders) SELECT count(*) FROM o", "only your own rows"),
        ("SELECT * FROM api_keys", "api_keys is not readable here"),
        ("SELECT * FROM sessions", "sessions is not readable here"),
        ("SELECT password_hash FROM users", "no such column: password_hash"),
        ("SELECT password_hash FROM main.users", "only your own rows: read users"),
        ("SELECT credentials FROM accounts", "no such column: credentials"),
        ("SELECT count(*) FROM main.daily_pnl", "only your own rows"),
        ("DROP VIEW orders", "read-only"),
        // A CTE named like a scope view is still not one of its views.
        ("WITH orders AS (SELECT * FROM main.orders) SELECT * FROM orders", "only your own rows"),
        ("WITH trades AS (SELECT key_hash AS k FROM main.api_keys) SELECT * FROM trades", "api_keys is not readable here"),
        ("WITH accounts AS (SELECT credentials FROM main.accounts) SELECT * FROM accounts", "only your own rows"),
        ("WITH users AS (SELECT password_hash FROM main.users) SELECT * FROM users", "only your own rows"),
        // Nothing lists the scope's views, whose names would let a CTE pass for one.
        ("SELECT name FROM temp.sqlite_master", "temporary schema is not readable"),
        ("SELECT name FROM sqlite_temp_schema", "temporary schema is not readable"),
        ("SELECT name FROM pragma_table_list", "PRAGMA table_list is not available"),
        ("PRAGMA table_list", "PRAGMA table_list is not available"),
        ("EXPLAIN SELECT * FROM orders", "EXPLAIN is not available"),
    ]

    @Test("reading past the scope is refused, naming the way in", arguments: refused.indices)
    func pastTheScope(_ index: Int) async throws {
        let (sql, message) = Self.refused[index]
        try await withHub { (store: Store) async throws in
            _ = try await Self.twoTraders(store)
            let error = try #require(throws: StoreError.self) { try Self.run(sql, store, user: 1) }
            #expect(error.message.contains(message), "\(sql): \(error.message)")
        }
    }

    @Test("Bob sees his rows, not Alice's")
    func otherUser() async throws {
        try await withHub { (store: Store) async throws in
            _ = try await Self.twoTraders(store)
            #expect(try Self.run("SELECT orderid FROM orders", store, user: 2).rows == [[.text("B1")]])
            #expect(try Self.run("SELECT name FROM strategies", store, user: 2).rows == [[.text("bob reversion")]])
            #expect(try Self.run("SELECT count(*) FROM orders", store, user: 3).rows == [[.integer(0)]])
        }
    }
}
