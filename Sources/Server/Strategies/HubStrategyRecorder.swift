// SPDX-License-Identifier: Apache-2.0
import Core
import Schema
import Strategies

/// A running strategy's record, kept in the hub: logs and risk events append, state overwrites,
/// and the run's end closes its `strategy_runs` row.
struct HubStrategyRecorder: StrategyRecorder {
    let store: Store

    func appendLogs(strategyID: Int64, runID: Int64, _ lines: [StrategyLogLine]) async throws {
        let entries = lines.map { line in
            StrategyLogEntry(
                level: StrategyLogLevel(rawValue: line.level.rawValue) ?? .info, message: line.message, line: line.line,
                at: HubTimestamp.utc(nanos: line.timeNanos))
        }
        try await store.strategyRuns.appendLogs(strategyID: strategyID, runID: runID, entries)
    }

    func recordRiskEvents(strategyID: Int64, runID: Int64, _ events: [StrategyRiskEvent]) async throws {
        let entries = events.map { event in
            StrategyRiskEventEntry(
                eventType: event.type, actionTaken: event.action, thresholdValue: event.threshold, currentValue: event.value,
                notes: [event.symbol?.key, event.notes].compactMap { $0 }.joined(separator: ": "))
        }
        try await store.strategyRuns.appendRiskEvents(strategyID: strategyID, runID: runID, entries)
    }

    func saveState(strategyID: Int64, json: String) async throws {
        try await store.strategies.saveState(strategyID: strategyID, stateJSON: json)
    }

    func finishRun(runID: Int64, status: String, reason: String, error: String?, line: Int?) async throws {
        let final = StrategyRunStatus(rawValue: status) ?? .stopped
        try await store.strategyRuns.finish(
            runID: runID, status: final.isFinal ? final : .stopped, reason: reason, errorMessage: error, errorLine: line)
    }

    func funds(accountID: Int64) async throws -> StrategyFunds? {
        guard let (funds, open) = try await store.books.funds(accountID: accountID) else { return nil }
        let positions = open.map {
            StrategyFunds.OpenPosition(
                symbol: StrategySymbol(exchange: $0.exchange, symbol: $0.symbol), quantity: $0.netQuantity, averagePrice: $0.averagePrice)
        }
        return StrategyFunds(available: funds.availableCash, used: funds.usedMargin, realized: funds.realizedPnL, openPositions: positions)
    }
}
