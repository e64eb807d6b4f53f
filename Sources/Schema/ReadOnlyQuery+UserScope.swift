// SPDX-License-Identifier: Apache-2.0
import CSQLite
import Foundation

extension ReadOnlyQuery {
    /// What one user's query may see of a hub that several users share: the market (instruments,
    /// bars, ticks, the calendar, settings) whole, and of everything that belongs to someone only
    /// that user's rows.
    ///
    /// Each owned table is shadowed by a TEMP view of the same name (SQLite resolves an unqualified
    /// name in `temp` before `main`), so `SELECT * FROM orders` reads the user's orders. That view
    /// reads a second one, named with a random nonce fresh for every query, which filters the
    /// table. The authorizer allows a read of an owned table only when the innermost view it comes
    /// through is one of the nonce views. The nonce matters: SQLite reports a CTE's name in the
    /// same place as a view's, so a filter view with a plain name (`orders`) could be impersonated
    /// by `WITH orders AS (SELECT * FROM main.orders)`. The query cannot learn the nonce: the temp
    /// schema, PRAGMAs (table-valued ones too) and EXPLAIN are refused in a scoped query.
    public struct UserScope: Sendable, Equatable {
        public var userID: Int64

        public init(userID: Int64) {
            self.userID = userID
        }

        /// Each owned table and the filter its view applies (`:user` is the user's id). A table
        /// owned by someone but absent here is never readable.
        static let views: [(table: String, select: String)] = {
            let accounts = "account_id IN (SELECT id FROM main.accounts WHERE user_id = :user)"
            let strategies = "strategy_id IN (SELECT id FROM main.strategies WHERE user_id = :user)"
            var views: [(String, String)] = [
                (
                    "users",
                    "SELECT id, username, is_admin, is_active, last_login_at, created_at, updated_at FROM main.users WHERE id = :user"
                ),
                (
                    "accounts",
                    """
                    SELECT id, user_id, name, kind, broker, host_url, ws_url, priority, is_default, is_active, created_at, updated_at
                    FROM main.accounts WHERE user_id = :user
                    """
                ),
                ("strategies", "SELECT * FROM main.strategies WHERE user_id = :user"),
                ("backtest_runs", "SELECT * FROM main.backtest_runs WHERE user_id = :user"),
                ("audit_log", "SELECT * FROM main.audit_log WHERE user_id = :user"),
                ("backtest_trades", "SELECT * FROM main.backtest_trades WHERE run_id IN (SELECT id FROM main.backtest_runs WHERE user_id = :user)"),
                (
                    "account_mirrors",
                    "SELECT * FROM main.account_mirrors WHERE source_account_id IN (SELECT id FROM main.accounts WHERE user_id = :user)"
                ),
                ("feed_events", "SELECT * FROM main.feed_events WHERE account_id IS NULL OR \(accounts)"),
                ("risk_events", "SELECT * FROM main.risk_events WHERE \(strategies) OR \(accounts)"),
                (
                    "settlement_moves",
                    "SELECT * FROM main.settlement_moves WHERE position_id IN (SELECT id FROM main.positions WHERE \(accounts))"
                ),
            ]
            for table in ["orders", "trades", "positions", "funds", "holdings", "exit_brackets", "gtt_triggers", "position_ledger"] {
                views.append((table, "SELECT * FROM main.\(table) WHERE \(accounts)"))
            }
            for table in [
                "strategy_versions", "strategy_runs", "strategy_logs", "strategy_legs", "strategy_executions", "strategy_positions",
                "strategy_accounts",
            ] {
                views.append((table, "SELECT * FROM main.\(table) WHERE \(strategies)"))
            }
            return views
        }()

        /// Tables a scoped query may read only through its views: the viewed ones and the secrets.
        static let ownedTables: Set<String> = Set(views.map(\.table)).union(["api_keys", "sessions"])

        /// Creates the views on `db`, before the connection is made query-only, and returns the
        /// names of the filter views (the only ones allowed to read owned tables). The hub's own
        /// views (`daily_pnl`, `trade_journal`, …) are copied to TEMP too, so that their tables
        /// resolve to the scoped views and they report the user's rows.
        func install(on db: OpaquePointer) throws -> Set<String> {
            let nonce = String(UInt64.random(in: .min ... .max), radix: 16) + String(UInt64.random(in: .min ... .max), radix: 16)
            var filters: Set<String> = []
            var statements: [String] = []
            for (table, select) in Self.views {
                let filter = "_scope_\(nonce)_\(table)"
                filters.insert(filter)
                statements.append("CREATE TEMP VIEW \(filter) AS \(select.replacingOccurrences(of: ":user", with: String(userID)))")
                statements.append("CREATE TEMP VIEW \(table) AS SELECT * FROM \(filter)")
            }
            statements += try Self.hubViews(db).map { "CREATE TEMP VIEW" + $0.dropFirst("CREATE VIEW".count) }
            for sql in statements {
                guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                    throw StoreError(.other, "cannot scope the query to user \(userID): \(String(cString: sqlite3_errmsg(db)))")
                }
            }
            return filters
        }

        /// The `CREATE VIEW` statements of the hub's views.
        private static func hubViews(_ db: OpaquePointer) throws -> [String] {
            var statement: OpaquePointer?
            defer { sqlite3_finalize(statement) }
            guard sqlite3_prepare_v2(db, "SELECT sql FROM main.sqlite_schema WHERE type = 'view' ORDER BY rowid", -1, &statement, nil) == SQLITE_OK
            else { throw StoreError(.other, "cannot read the hub's views: \(String(cString: sqlite3_errmsg(db)))") }
            var views: [String] = []
            while sqlite3_step(statement) == SQLITE_ROW {
                guard let text = sqlite3_column_text(statement, 0) else { continue }
                let sql = String(cString: text)
                // A view this code cannot copy is left out, and reading it is then refused.
                if sql.hasPrefix("CREATE VIEW ") { views.append(sql) }
            }
            return views
        }
    }
}
