// SPDX-License-Identifier: Apache-2.0
import GRDB

/// Whether a run trades real money through an upstream account or the sandbox.
public enum StrategyRunMode: String, Sendable, CaseIterable, Codable {
    case live, sandbox
}

/// A run's lifecycle (`strategy_runs.status`): starting → running → stopping → stopped | failed |
/// completed, only forward, and the last three are final (the schema enforces both).
public enum StrategyRunStatus: String, Sendable, CaseIterable, Codable {
    case starting, running, stopping, stopped, failed, completed

    /// Starting, running or stopping: at most one such run per strategy.
    public var isLive: Bool { self == .starting || self == .running || self == .stopping }
    /// Stopped, failed or completed: the run never changes status again.
    public var isFinal: Bool { !isLive }
}

/// One run of a strategy, with what its orders did.
public struct StrategyRunRecord: Sendable, Equatable {
    public var id: Int64
    public var strategyID: Int64
    /// The strategy's owner, so recovery at start-up knows whose run it restarts.
    public var userID: Int64
    public var mode: StrategyRunMode
    public var status: StrategyRunStatus
    /// The parameters as started (JSON object text).
    public var paramsJSON: String
    /// The source version that ran; nil for a legs strategy or a run from before migration 0018.
    public var sourceVersion: Int?
    /// The account the run trades; nil means the user's default account.
    public var accountID: Int64?
    public var startedAt: String
    public var stoppedAt: String?
    public var stopReason: String?
    public var errorMessage: String?
    /// The script line of the error, when it had one.
    public var errorLine: Int?
    public var updatedAt: String
    /// Orders the run placed (every account they went to).
    public var orderCount: Int
    /// Fills of those orders.
    public var tradeCount: Int
    /// P&L the run's fills realized in the strategy's book, as `position_ledger` computed it
    /// (average cost, full precision, every account). A fill that closes a position an earlier
    /// run opened counts here, in the run that closed it; open positions count nothing.
    public var realizedPnL: Double

    static let selectSQL = """
        SELECT r.id, r.strategy_id, s.user_id, r.mode, r.status, r.params, r.source_version, r.account_id, r.started_at,
               r.stopped_at, r.stop_reason, r.error_message, r.error_line, r.updated_at,
               (SELECT count(*) FROM orders o WHERE o.run_id = r.id) AS order_count,
               (SELECT count(*) FROM orders o JOIN trades t ON t.order_id = o.id WHERE o.run_id = r.id) AS trade_count,
               (SELECT COALESCE(SUM(l.realized_pnl), 0.0)
                  FROM orders o JOIN trades t ON t.order_id = o.id
                  JOIN position_ledger l ON l.trade_id = t.id AND l.book = 'strategy'
                 WHERE o.run_id = r.id) AS realized_pnl
          FROM strategy_runs r JOIN strategies s ON s.id = r.strategy_id
        """

    init(row: Row) throws {
        id = row["id"]
        strategyID = row["strategy_id"]
        userID = row["user_id"]
        mode = try StoredText.decode(StrategyRunMode.self, row["mode"], in: "strategy_runs")
        status = try StoredText.decode(StrategyRunStatus.self, row["status"], in: "strategy_runs")
        paramsJSON = row["params"]
        sourceVersion = row["source_version"]
        accountID = row["account_id"]
        startedAt = row["started_at"]
        stoppedAt = row["stopped_at"]
        stopReason = row["stop_reason"]
        errorMessage = row["error_message"]
        errorLine = row["error_line"]
        updatedAt = row["updated_at"]
        orderCount = row["order_count"]
        tradeCount = row["trade_count"]
        realizedPnL = row["realized_pnl"]
    }
}
