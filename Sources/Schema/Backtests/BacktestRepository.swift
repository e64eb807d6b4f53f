// SPDX-License-Identifier: Apache-2.0
import CSQLite
import Core
import GRDB

/// Saved backtests and their trades (migration 0018). A backtest is saved whole, in one
/// transaction, and never changed; users may delete it, and its trades go with it.
///
/// ```swift
/// let id = try await store.backtests.save(run: summary, trades: trades)
/// let recent = try await store.backtests.runs(limit: 20, strategyName: "ema-cross")
/// ```
public struct BacktestRepository: Sendable {
    let store: Store

    /// Saves a backtest and its trades in one transaction.
    ///
    /// Trades go through one prepared statement bound with the SQLite C API (as ``TickWriter``
    /// does), so a run of 100,000 fills costs SQLite's own work, not Swift's. They are stored with
    /// their own `seq`, which must run 1…`run.tradeCount`.
    /// - Returns: the new backtest's id.
    /// - Throws: ``StoreError`` `.constraint` when `trades.count` differs from `run.tradeCount`, or the
    ///   schema refuses a value (a non-UTC time, a zero price, a strategy of another user…).
    public func save(run: BacktestRunRecord, trades: [BacktestTradeRecord]) async throws -> Int64 {
        guard trades.count == run.tradeCount else {
            throw StoreError(.constraint, "backtest_runs: trade_count is \(run.tradeCount) but \(trades.count) trades were given")
        }
        let symbols = try StrategyJSON.text(run.symbols)
        return try await store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO backtest_runs (user_id, strategy_id, strategy_name, source_sha256, params, symbols, timeframe, data_source,
                                               from_time, to_time, initial_capital, bars, ticks, trade_count, net_pnl, max_drawdown,
                                               win_rate, profit_factor, sharpe, trades_sha256, sweep_id, report, elapsed_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    run.userID, run.strategyID, run.strategyName, run.sourceSHA256, run.paramsJSON, symbols, run.timeframe?.rawValue,
                    run.dataSource, run.fromTime, run.toTime, run.initialCapital, run.bars, run.ticks, run.tradeCount, run.netPnL,
                    run.maxDrawdown, run.winRate, run.profitFactor, run.sharpe, run.tradesSHA256, run.sweepID, run.reportJSON ?? "{}",
                    run.elapsedMillis,
                ])
            let runID = db.lastInsertedRowID
            try Self.insert(trades, runID: runID, in: db)
            return runID
        }
    }

    static let insertTradeSQL = """
        INSERT INTO backtest_trades (run_id, seq, traded_at, exchange, symbol, action, quantity, price, position_after, realized_pnl, tag)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// SQLite copies each text it is given (`SQLITE_TRANSIENT`, the C macro `((sqlite3_destructor_type)-1)`,
    /// which does not import), so the temporary C strings Swift passes need not outlive the call.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Binds each value with `sqlite3_bind_*`: GRDB's `StatementArguments` box every value of
    /// every row, which for 100,000 trades costs more than SQLite's inserts.
    private static func insert(_ trades: [BacktestTradeRecord], runID: Int64, in db: Database) throws {
        let handle = try db.cachedStatement(sql: insertTradeSQL).sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for trade in trades {
            sqlite3_bind_int64(handle, 1, runID)
            sqlite3_bind_int64(handle, 2, Int64(trade.seq))
            sqlite3_bind_text(handle, 3, trade.tradedAt, -1, transient)
            sqlite3_bind_text(handle, 4, trade.exchange, -1, transient)
            sqlite3_bind_text(handle, 5, trade.symbol, -1, transient)
            sqlite3_bind_text(handle, 6, trade.action.rawValue, -1, transient)
            sqlite3_bind_int64(handle, 7, Int64(trade.quantity))
            sqlite3_bind_double(handle, 8, trade.price)
            sqlite3_bind_int64(handle, 9, Int64(trade.positionAfter))
            sqlite3_bind_double(handle, 10, trade.realizedPnL)
            sqlite3_bind_text(handle, 11, trade.tag, -1, transient)
            guard sqlite3_step(handle) == SQLITE_DONE else {
                // Read the message before anything else touches the connection.
                let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
                let extended = sqlite3_extended_errcode(db.sqliteConnection)
                throw StoreError(
                    (extended & 0xff) == SQLITE_CONSTRAINT ? .constraint : .other, "trade \(trade.seq): \(message)", sqliteCode: extended)
            }
            sqlite3_reset(handle)
        }
    }

    /// Saved backtests, newest first, without their reports (a list does not need equity curves).
    /// - Parameters:
    ///   - userID: only this user's backtests; nil gives everyone's (and the command line's).
    ///   - strategyName: only backtests of strategies of this name.
    ///   - sweepID: only the runs of this parameter sweep.
    public func runs(limit: Int = 50, userID: Int64? = nil, strategyName: String? = nil, sweepID: String? = nil) async throws -> [BacktestRunRecord] {
        try await store.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let userID {
                conditions.append("user_id = ?")
                arguments += [userID]
            }
            if let strategyName {
                conditions.append("strategy_name = ?")
                arguments += [strategyName]
            }
            if let sweepID {
                conditions.append("sweep_id = ?")
                arguments += [sweepID]
            }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            arguments += [max(0, limit)]
            return try Row.fetchAll(
                db, sql: BacktestRunRecord.selectSQL(includeReport: false) + filter + " ORDER BY id DESC LIMIT ?", arguments: arguments
            )
            .map(BacktestRunRecord.init(row:))
        }
    }

    /// One backtest with its report; nil when there is none with this id.
    public func run(id: Int64) async throws -> BacktestRunRecord? {
        try await store.read { db in
            try Row.fetchOne(db, sql: BacktestRunRecord.selectSQL(includeReport: true) + " WHERE id = ?", arguments: [id])
                .map(BacktestRunRecord.init(row:))
        }
    }

    /// A backtest's trades in order.
    public func trades(runID: Int64) async throws -> [BacktestTradeRecord] {
        try await store.read { db in
            var trades: [BacktestTradeRecord] = []
            let rows = try Row.fetchCursor(
                db, sql: "SELECT \(BacktestTradeRecord.columns) FROM backtest_trades WHERE run_id = ? ORDER BY seq", arguments: [runID])
            while let row = try rows.next() { trades.append(try BacktestTradeRecord(row: row)) }
            return trades
        }
    }

    /// Deletes a backtest and its trades.
    /// - Throws: ``StoreError`` `.notFound` when there is none with this id.
    public func delete(runID: Int64) async throws {
        try await store.write { db in
            try db.execute(sql: "DELETE FROM backtest_runs WHERE id = ?", arguments: [runID])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no backtest with id \(runID)") }
        }
    }
}

extension Store {
    /// Saved backtests and their trades.
    public var backtests: BacktestRepository { BacktestRepository(store: self) }
}
