// SPDX-License-Identifier: Apache-2.0
import Schema

/// Where a running strategy's record goes: its logs, risk events, state and how its run ended.
/// The server implements it on the hub; tests may keep it in memory.
public protocol StrategyRecorder: Sendable {
    func appendLogs(strategyID: Int64, runID: Int64, _ lines: [StrategyLogLine]) async throws
    func recordRiskEvents(strategyID: Int64, runID: Int64, _ events: [StrategyRiskEvent]) async throws
    func saveState(strategyID: Int64, json: String) async throws
    /// Ends the run: `stopped`, `failed` (with the error and its line) or `completed`.
    func finishRun(runID: Int64, status: String, reason: String, error: String?, line: Int?) async throws
    /// The funds and open positions of the account the run trades, for `ctx.funds()`.
    func funds(accountID: Int64) async throws -> StrategyFunds?
}

/// How a run ended, as the host reports it.
public struct StrategyRunEnd: Sendable, Equatable {
    public var status: String
    public var reason: String
    public var error: String?
    public var line: Int?
}
