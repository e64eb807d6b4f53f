// SPDX-License-Identifier: Apache-2.0
import GRDB

/// One entry of a strategy's event timeline: a run starting or ending, a risk event, or a log
/// line of level warn or error. The timeline is a read-time union of `strategy_runs`,
/// `risk_events` and `strategy_logs`; nothing is stored twice.
///
/// `kind` is one of:
/// - `run_started`; `run_stopped`, `run_completed`, `run_failed` (the run's end);
/// - a risk event's `event_type`: `max_loss`, `max_profit`, `trailing_sl`, `stop_loss`,
///   `take_profit`, `supertrend`, `exit_rule`, `square_off`, `daily_loss_limit`, `trade_cap`,
///   `kill_switch`;
/// - `log_warn`, `log_error`.
///
/// `severity`: a failed run and an error line are `critical`, and so is a risk event that closed
/// positions (`close_all`, `close_leg`); other risk events (`alert_only`, `block_new`) and warn
/// lines are `warn`; the rest of a run's lifecycle is `info`.
///
/// `id` is unique across the union: `run:<run id>:start`, `run:<run id>:end`, `risk:<risk_events.id>`,
/// `log:<strategy_logs.id>`.
public struct StrategyEventRecord: Sendable, Equatable {
    public enum Severity: String, Sendable, CaseIterable, Codable, Comparable {
        case info, warn, critical

        var rank: Int {
            switch self {
            case .info: 0
            case .warn: 1
            case .critical: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var id: String
    public var runID: Int64?
    public var strategyID: Int64
    /// When it happened, in the hub's UTC form.
    public var ts: String
    public var kind: String
    public var severity: Severity
    /// The leg of the execution a risk event names, if any.
    public var legID: Int64?
    public var message: String
    /// A JSON object with the source row's details (see ``StrategyRunRepository/events(strategyID:runID:kind:severity:limit:)``).
    public var payloadJSON: String

    /// Each branch finds the strategy's rows through an index (`strategy_logs_problems` holds only
    /// warn and error lines) and is filtered and limited on its own, so the final merge sorts at
    /// most four times `limit` rows. `rank` orders a run's start before, and its end after,
    /// anything else stamped in the same millisecond.
    static let selectSQL = """
        SELECT * FROM (
            SELECT * FROM (
                SELECT 'run:' || r.id || ':start' AS id, r.id AS run_id, r.strategy_id, r.started_at AS ts, 'run_started' AS kind,
                       'info' AS severity, 0 AS severity_rank, NULL AS leg_id,
                       'run ' || r.id || ' started (' || r.mode || ')' AS message,
                       json_object('mode', r.mode, 'source_version', r.source_version, 'account_id', r.account_id, 'params', json(r.params)) AS payload,
                       0 AS rank, r.id AS seq
                  FROM strategy_runs r WHERE r.strategy_id = :strategy AND (:run IS NULL OR r.id = :run))
             WHERE (:kind IS NULL OR kind = :kind) AND severity_rank >= :severity ORDER BY ts DESC, seq DESC LIMIT :limit)
        UNION ALL
        SELECT * FROM (
            SELECT * FROM (
                SELECT 'run:' || r.id || ':end' AS id, r.id AS run_id, r.strategy_id, r.stopped_at AS ts, 'run_' || r.status AS kind,
                       CASE r.status WHEN 'failed' THEN 'critical' ELSE 'info' END AS severity,
                       CASE r.status WHEN 'failed' THEN 2 ELSE 0 END AS severity_rank, NULL AS leg_id,
                       CASE r.status WHEN 'failed' THEN 'run ' || r.id || ' failed: ' || r.error_message || COALESCE(' (line ' || r.error_line || ')', '')
                            ELSE 'run ' || r.id || ' ' || r.status || COALESCE(': ' || r.stop_reason, '') END AS message,
                       json_object('status', r.status, 'stop_reason', r.stop_reason, 'error_message', r.error_message, 'error_line', r.error_line) AS payload,
                       2 AS rank, r.id AS seq
                  FROM strategy_runs r
                 WHERE r.strategy_id = :strategy AND (:run IS NULL OR r.id = :run) AND r.stopped_at IS NOT NULL)
             WHERE (:kind IS NULL OR kind = :kind) AND severity_rank >= :severity ORDER BY ts DESC, seq DESC LIMIT :limit)
        UNION ALL
        SELECT * FROM (
            SELECT * FROM (
                SELECT 'risk:' || e.id AS id, e.run_id, e.strategy_id, e.created_at AS ts, e.event_type AS kind,
                       CASE WHEN e.action_taken IN ('close_all', 'close_leg') THEN 'critical' ELSE 'warn' END AS severity,
                       CASE WHEN e.action_taken IN ('close_all', 'close_leg') THEN 2 ELSE 1 END AS severity_rank, x.leg_id,
                       e.event_type || ': ' || e.action_taken || CASE WHEN e.attempt > 1 THEN ' (attempt ' || e.attempt || ')' ELSE '' END
                           || CASE WHEN e.notes <> '' THEN ' — ' || e.notes ELSE '' END AS message,
                       json_object('event_type', e.event_type, 'action_taken', e.action_taken, 'attempt', e.attempt,
                                   'threshold_value', e.threshold_value, 'current_value', e.current_value, 'execution_id', e.execution_id,
                                   'account_id', e.account_id, 'exit_order_ids', json(e.exit_order_ids), 'notes', e.notes) AS payload,
                       1 AS rank, e.id AS seq
                  FROM risk_events e LEFT JOIN strategy_executions x ON x.id = e.execution_id
                 WHERE e.strategy_id = :strategy AND (:run IS NULL OR e.run_id = :run))
             WHERE (:kind IS NULL OR kind = :kind) AND severity_rank >= :severity ORDER BY ts DESC, seq DESC LIMIT :limit)
        UNION ALL
        SELECT * FROM (
            SELECT * FROM (
                SELECT 'log:' || l.id AS id, l.run_id, l.strategy_id, l.created_at AS ts, 'log_' || l.level AS kind,
                       CASE l.level WHEN 'error' THEN 'critical' ELSE 'warn' END AS severity,
                       CASE l.level WHEN 'error' THEN 2 ELSE 1 END AS severity_rank, NULL AS leg_id, l.message,
                       json_object('level', l.level, 'line', l.line) AS payload,
                       1 AS rank, l.id AS seq
                  FROM strategy_logs l
                 WHERE l.strategy_id = :strategy AND l.level IN ('warn', 'error') AND (:run IS NULL OR l.run_id = :run))
             WHERE (:kind IS NULL OR kind = :kind) AND severity_rank >= :severity ORDER BY ts DESC, seq DESC LIMIT :limit)
        ORDER BY ts DESC, rank DESC, seq DESC
        LIMIT :limit
        """

    init(row: Row) throws {
        id = row["id"]
        runID = row["run_id"]
        strategyID = row["strategy_id"]
        ts = row["ts"]
        kind = row["kind"]
        severity = try StoredText.decode(Severity.self, row["severity"], in: "strategy events")
        legID = row["leg_id"]
        message = row["message"]
        payloadJSON = row["payload"]
    }
}
