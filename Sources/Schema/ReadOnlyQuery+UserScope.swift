// SPDX-License-Identifier: Apache-2.0
import CSQLite
import Foundation

extension ReadOnlyQuery {
    /// What one user's query may see of a hub that several users share: the market (instruments,
    /// bars, ticks, the calendar, settings) whole, and of everything that belongs to someone only
    /// that user's rows.
    ///
    /// Each owned table is shadowed by a TEMP view of the same name that keeps the user's rows
    /// (SQLite resolves an unqualified name in `temp` before `main`), so `SELECT * FROM orders`
    /// reads the user's orders. The authorizer then refuses any read of an owned table that does
    /// not come through one of these views (`main.orders`, or a table with no view, such as
    /// `api_keys`): the views are the only way in, and a query cannot create views of its own.
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
        static let viewNames: Set<String> = Set(views.map(\.table))

        /// Creates the views on `db`, before the connection is made query-only. The hub's own views
        /// (`daily_pnl`, `trade_journal`, …) are copied to TEMP too, so that their tables resolve
        /// to the scoped views and they report the user's rows.
        func install(on db: OpaquePointer) throws {
            var statements = Self.views.map { table, select in
                "CREATE TEMP VIEW \(table) AS \(select.replacingOccurrences(of: ":user", with: String(userID)))"
            }
            statements += try Self.hubViews(db).map { "CREATE TEMP VIEW" + $0.dropFirst("CREATE VIEW".count) }
            for sql in statements {
                guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                    throw StoreError(.other, "cannot scope the query to user \(userID): \(String(cString: sqlite3_errmsg(db)))")
                }
            }
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
