// SPDX-License-Identifier: Apache-2.0
import GRDB

extension StrategyRunRepository {
    /// Appends one log line. See ``appendLogs(strategyID:runID:_:)``.
    public func appendLog(strategyID: Int64, runID: Int64?, level: StrategyLogLevel, message: String, line: Int? = nil) async throws {
        try await appendLogs(strategyID: strategyID, runID: runID, [StrategyLogEntry(level: level, message: message, line: line)])
    }

    /// Appends log lines in one transaction, in order. Running strategies log often, so the
    /// lines go through one cached statement and share their commit with other grouped writes.
    /// - Throws: ``StoreError`` `.constraint` when the run is not a run of the strategy.
    public func appendLogs(strategyID: Int64, runID: Int64?, _ entries: [StrategyLogEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await store.writeGrouped { db in
            try Self.requireRun(db, runID, of: strategyID)
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO strategy_logs (strategy_id, run_id, level, message, line, created_at)
                    VALUES (?, ?, ?, ?, ?, COALESCE(?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
                    """)
            for entry in entries {
                try insert.execute(arguments: [strategyID, runID, entry.level.rawValue, entry.message, entry.line, entry.at])
            }
        }
    }

    /// Appends risk events the engine enforced, in one transaction (rows are never changed).
    /// - Throws: ``StoreError`` `.constraint` for an unknown event type or action, or a run that is
    ///   not a run of the strategy.
    public func appendRiskEvents(strategyID: Int64, runID: Int64?, _ events: [StrategyRiskEventEntry]) async throws {
        guard !events.isEmpty else { return }
        try await store.writeGrouped { db in
            try Self.requireRun(db, runID, of: strategyID)
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO risk_events (strategy_id, run_id, execution_id, account_id, event_type, attempt, action_taken,
                                             threshold_value, current_value, notes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for event in events {
                try insert.execute(arguments: [
                    strategyID, runID, event.executionID, event.accountID, event.eventType, event.attempt, event.actionTaken,
                    event.thresholdValue, event.currentValue, event.notes,
                ])
            }
        }
    }

    /// Log lines of the strategy (of one run when `runID` is given), oldest first.
    /// - Parameters:
    ///   - afterID: only lines after this id (a tail that polls); nil gives the newest `limit` lines.
    ///   - limit: at most this many lines.
    public func logs(strategyID: Int64, runID: Int64? = nil, afterID: Int64? = nil, limit: Int = 500) async throws -> [StrategyLogRecord] {
        try await store.read { db in
            let columns = "SELECT id, strategy_id, run_id, level, message, line, created_at FROM strategy_logs"
            let scope = runID == nil ? "strategy_id = :strategy" : "strategy_id = :strategy AND run_id = :run"
            let arguments: StatementArguments = ["strategy": strategyID, "run": runID, "after": afterID, "limit": max(0, limit)]
            let sql =
                afterID == nil
                ? "SELECT * FROM (\(columns) WHERE \(scope) ORDER BY id DESC LIMIT :limit) ORDER BY id"
                : "\(columns) WHERE \(scope) AND id > :after ORDER BY id LIMIT :limit"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(StrategyLogRecord.init(row:))
        }
    }

    /// Log lines by row id with the user who owns each strategy, oldest first: what the WebSocket
    /// streams after a commit.
    public func logs(rowIDs: [Int64]) async throws -> [(userID: Int64, log: StrategyLogRecord)] {
        guard !rowIDs.isEmpty else { return [] }
        return try await store.read { db in
            let sql = """
                SELECT l.id, l.strategy_id, l.run_id, l.level, l.message, l.line, l.created_at, s.user_id
                  FROM strategy_logs l JOIN strategies s ON s.id = l.strategy_id
                 WHERE l.id IN (\(rowIDs.map { _ in "?" }.joined(separator: ",")))
                 ORDER BY l.id
                """
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(rowIDs)).map { row in
                (userID: row["user_id"], log: try StrategyLogRecord(row: row))
            }
        }
    }

    /// The orders the strategy placed (by one run when `runID` is given), oldest first.
    public func orders(strategyID: Int64, runID: Int64? = nil) async throws -> [StrategyOrderRecord] {
        try await store.read { db in
            let sql =
                StrategyOrderRecord.selectSQL
                + (runID == nil ? " WHERE strategy_id = ? ORDER BY created_at, id" : " WHERE strategy_id = ? AND run_id = ? ORDER BY created_at, id")
            let arguments: StatementArguments = runID.map { [strategyID, $0] } ?? [strategyID]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(StrategyOrderRecord.init(row:))
        }
    }

    /// The strategy's event timeline, newest first: runs starting and ending, risk events, and
    /// warn and error log lines (see ``StrategyEventRecord`` for the kinds and severities).
    ///
    /// Payloads: a run's start has `mode`, `source_version`, `account_id`, `params`; its end has
    /// `status`, `stop_reason`, `error_message`, `error_line`; a risk event has its row's columns
    /// (`event_type`, `action_taken`, `attempt`, `threshold_value`, `current_value`,
    /// `execution_id`, `account_id`, `exit_order_ids`, `notes`); a log line has `level`, `line`.
    /// - Parameters:
    ///   - runID: only events of this run.
    ///   - kind: only events of this kind.
    ///   - severity: only events at least this severe (`.warn` gives warn and critical).
    public func events(
        strategyID: Int64, runID: Int64? = nil, kind: String? = nil, severity: StrategyEventRecord.Severity? = nil, limit: Int = 200
    ) async throws -> [StrategyEventRecord] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: StrategyEventRecord.selectSQL,
                arguments: ["strategy": strategyID, "run": runID, "kind": kind, "severity": severity?.rank ?? 0, "limit": max(0, limit)]
            ).map(StrategyEventRecord.init(row:))
        }
    }

    /// The strategy's executions (of one run when `runID` is given), oldest first.
    public func executions(strategyID: Int64, runID: Int64? = nil) async throws -> [StrategyExecutionRecord] {
        try await store.read { db in
            let sql =
                StrategyExecutionRecord.selectSQL
                + (runID == nil ? " WHERE strategy_id = ? ORDER BY id" : " WHERE strategy_id = ? AND run_id = ? ORDER BY id")
            let arguments: StatementArguments = runID.map { [strategyID, $0] } ?? [strategyID]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(StrategyExecutionRecord.init(row:))
        }
    }

    /// `strategy_logs` and `risk_events` have no trigger tying a run to its strategy (only foreign
    /// keys), so the repository checks it: a line filed under the wrong strategy would be lost.
    private static func requireRun(_ db: Database, _ runID: Int64?, of strategyID: Int64) throws {
        guard let runID else { return }
        let owner = try Int64.fetchOne(db, sql: "SELECT strategy_id FROM strategy_runs WHERE id = ?", arguments: [runID])
        guard owner == strategyID else {
            throw StoreError(.constraint, "strategy_runs: run \(runID) is not a run of strategy \(strategyID)")
        }
    }
}
