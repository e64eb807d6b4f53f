// SPDX-License-Identifier: Apache-2.0
import GRDB

/// The runs of strategies and what they did: lifecycle here, logs, orders, events and
/// executions in `StrategyRunRepository+Activity.swift`.
///
/// The schema keeps at most one live (starting, running or stopping) run per strategy and moves a
/// run's status only forward; this repository turns those rules into clean errors (`.conflict`
/// for a second live run) instead of raw trigger messages.
///
/// ```swift
/// let run = try await store.strategyRuns.start(strategyID: id, mode: .sandbox, paramsJSON: params)
/// try await store.strategyRuns.markRunning(runID: run.id)
/// try await store.strategyRuns.finish(runID: run.id, status: .stopped, reason: "stopped by the user")
/// ```
public struct StrategyRunRepository: Sendable {
    let store: Store

    /// Starts a run of the strategy.
    /// - Parameters:
    ///   - paramsJSON: the parameters as started (a JSON object).
    ///   - sourceVersion: the source version the run executes; nil takes the strategy's current one.
    ///   - accountID: the account the run trades; nil means the user's default account.
    ///   - status: `.starting` (then ``markRunning(runID:)`` once the script loaded) or `.running`.
    /// - Throws: ``StoreError`` `.notFound` for an unknown strategy; `.conflict` when it already has
    ///   a live run; `.constraint` for live mode not enabled on the strategy, a version it does
    ///   not have, or another user's account.
    public func start(
        strategyID: Int64, mode: StrategyRunMode, paramsJSON: String = "{}", sourceVersion: Int? = nil, accountID: Int64? = nil,
        status: StrategyRunStatus = .starting
    ) async throws -> StrategyRunRecord {
        precondition(status == .starting || status == .running, "a run starts as starting or running")
        return try await store.write { db in
            guard
                let strategy = try Row.fetchOne(db, sql: "SELECT source_version, live_enabled FROM strategies WHERE id = ?", arguments: [strategyID])
            else { throw StoreError(.notFound, "no strategy with id \(strategyID)") }
            if let live = try Row.fetchOne(
                db, sql: "SELECT id, status FROM strategy_runs WHERE strategy_id = ? AND status IN ('starting', 'running', 'stopping')",
                arguments: [strategyID])
            {
                throw StoreError(
                    .conflict, "strategy \(strategyID) already has a live run (\(live["id"] as Int64), \(live["status"] as String)); stop it first")
            }
            if mode == .live, !(strategy["live_enabled"] as Bool) {
                throw StoreError(.constraint, "strategy_runs: live mode is off for strategy \(strategyID); enable it before a live run")
            }
            do {
                try db.execute(
                    sql: "INSERT INTO strategy_runs (strategy_id, mode, status, params, source_version, account_id) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        strategyID, mode.rawValue, status.rawValue, paramsJSON, sourceVersion ?? (strategy["source_version"] as Int?), accountID,
                    ])
            } catch let error as DatabaseError where error.message?.contains("at most one live run") == true {
                throw StoreError(
                    .conflict, "strategy \(strategyID) already has a live run; stop it first", sqliteCode: error.extendedResultCode.rawValue)
            }
            return try Self.fetch(db, runID: db.lastInsertedRowID)
        }
    }

    /// Moves a starting run to running (its script loaded and `on_start` returned).
    /// Harmless on a run already running.
    /// - Throws: ``StoreError`` `.notFound`; `.constraint` when the run is stopping or has ended.
    @discardableResult
    public func markRunning(runID: Int64) async throws -> StrategyRunRecord {
        try await store.write { db in
            try db.execute(sql: "UPDATE strategy_runs SET status = 'running' WHERE id = ? AND status = 'starting'", arguments: [runID])
            let moved = db.changesCount == 1
            let run = try Self.fetch(db, runID: runID)
            guard moved || run.status == .running else {
                throw StoreError(.constraint, "strategy_runs: run \(runID) is \(run.status.rawValue), not starting")
            }
            return run
        }
    }

    /// Asks a live run to stop: it becomes `stopping` with the reason, until the host calls
    /// ``finish(runID:status:reason:errorMessage:errorLine:)``. Asking twice is harmless.
    /// - Throws: ``StoreError`` `.notFound`; `.constraint` when the run has already ended.
    @discardableResult
    public func requestStop(runID: Int64, reason: String) async throws -> StrategyRunRecord {
        try await store.write { db in
            try db.execute(
                sql: "UPDATE strategy_runs SET status = 'stopping', stop_reason = ? WHERE id = ? AND status IN ('starting', 'running')",
                arguments: [reason, runID])
            let run = try Self.fetch(db, runID: runID)
            guard run.status == .stopping else {
                throw StoreError(.constraint, "strategy_runs: run \(runID) has already ended (\(run.status.rawValue))")
            }
            return run
        }
    }

    /// Ends a run: `.stopped`, `.failed` (needs `errorMessage`) or `.completed`.
    /// - Parameters:
    ///   - reason: why it ended; nil keeps the reason ``requestStop(runID:reason:)`` recorded.
    ///   - errorLine: the script line of the error, when it had one.
    /// - Throws: ``StoreError`` `.notFound`; `.constraint` when the run has already ended, or a
    ///   failure has no message.
    @discardableResult
    public func finish(
        runID: Int64, status: StrategyRunStatus, reason: String?, errorMessage: String? = nil, errorLine: Int? = nil
    ) async throws -> StrategyRunRecord {
        precondition(status.isFinal, "a run finishes as stopped, failed or completed")
        return try await store.write { db in
            try db.execute(
                sql: """
                    UPDATE strategy_runs
                       SET status = ?, stopped_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), stop_reason = COALESCE(?, stop_reason),
                           error_message = ?, error_line = ?
                     WHERE id = ? AND status IN ('starting', 'running', 'stopping')
                    """,
                arguments: [status.rawValue, reason, errorMessage, errorLine, runID])
            let ended = db.changesCount == 1
            let run = try Self.fetch(db, runID: runID)
            guard ended else { throw StoreError(.constraint, "strategy_runs: run \(runID) has already ended (\(run.status.rawValue))") }
            return run
        }
    }

    /// The strategy's runs, newest first.
    public func runs(strategyID: Int64, limit: Int = 50) async throws -> [StrategyRunRecord] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: StrategyRunRecord.selectSQL + " WHERE r.strategy_id = ? ORDER BY r.started_at DESC, r.id DESC LIMIT ?",
                arguments: [strategyID, max(0, limit)]
            ).map(StrategyRunRecord.init(row:))
        }
    }

    /// One run; nil when there is none with this id.
    public func run(id: Int64) async throws -> StrategyRunRecord? {
        try await store.read { db in
            try Row.fetchOne(db, sql: StrategyRunRecord.selectSQL + " WHERE r.id = ?", arguments: [id]).map(StrategyRunRecord.init(row:))
        }
    }

    /// Every run left starting, running or stopping, oldest first: after a crash these are the
    /// runs to resume or to mark failed before anything starts.
    public func liveRuns() async throws -> [StrategyRunRecord] {
        try await store.read { db in
            try Row.fetchAll(db, sql: StrategyRunRecord.selectSQL + " WHERE r.status IN ('starting', 'running', 'stopping') ORDER BY r.id")
                .map(StrategyRunRecord.init(row:))
        }
    }

    static func fetch(_ db: Database, runID: Int64) throws -> StrategyRunRecord {
        guard let row = try Row.fetchOne(db, sql: StrategyRunRecord.selectSQL + " WHERE r.id = ?", arguments: [runID]) else {
            throw StoreError(.notFound, "no strategy run with id \(runID)")
        }
        return try StrategyRunRecord(row: row)
    }
}

extension Store {
    /// Strategy runs and their logs, orders, events and executions.
    public var strategyRuns: StrategyRunRepository { StrategyRunRepository(store: self) }
}
