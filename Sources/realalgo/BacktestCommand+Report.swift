// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Core
import Cryptography
import Foundation
import LuaBridge
import Schema
import Server
import Strategies

extension BacktestCommand {
    /// Prints one run (readable or JSON), writes its trade list if asked, and stores it in the hub.
    func print(_ outcome: BacktestSession.Outcome, source: String, input: Input, store hub: Store?) async throws {
        var runID: Int64?
        // A run the script broke is not a result: it is reported, never stored.
        if !noStore, outcome.failure == nil, let hub {
            do { runID = try await store(outcome, source: source, input: input, hub: hub, sweepID: nil) } catch {
                StandardOutput.write("realalgo: the run was not stored in the hub: \(error)\n", toStandardError: true)
            }
        }
        if let trades { try Self.tradesCSV(outcome.fills).write(toFile: trades, atomically: true, encoding: .utf8) }
        let report = outcome.report
        let params = Self.paramsText(outcome.parameters)
        if json {
            var fields: [String] = [
                "\"strategy\": \(try LuaJSON.encode(.string(outcome.declaration.name)))", "\"file\": \(try LuaJSON.encode(.string(file)))",
                "\"data\": \(try LuaJSON.encode(.string(input.label)))", "\"params\": \(try paramsJSON(outcome.parameters))",
                "\"bars\": \(outcome.bars)", "\"ticks\": \(outcome.ticks)", "\"elapsed_seconds\": \(outcome.elapsedSeconds)",
                "\"trades_sha256\": \"\(report.tradesSHA256)\"", "\"report\": \(try report.jsonText())",
            ]
            if let runID { fields.append("\"run_id\": \(runID)") }
            if let reason = outcome.stopReason { fields.append("\"stop_reason\": \(try LuaJSON.encode(.string(reason)))") }
            if let failure = outcome.failure { fields.append("\"error\": \(try LuaJSON.encode(.string(failure.description)))") }
            if logs { fields.append("\"logs\": \(try Self.logsJSON(outcome.logs))") }
            StandardOutput.write("{" + fields.joined(separator: ", ") + "}\n")
            return
        }
        let data = outcome.bars > 0 ? "\(outcome.bars) bars" : "\(outcome.ticks) ticks"
        let rate = Double(max(outcome.bars, outcome.ticks)) / max(outcome.elapsedSeconds, 1e-9)
        var lines = [
            "\(outcome.declaration.name)  (\(file), \(data) from \(input.label))",
            "  params         \(params.isEmpty ? "-" : params)",
            "  trades         \(report.trades)  (round trips \(report.roundTrips), won \(report.winRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-"))",
            "  net P&L        \(Self.money(report.netPnL))  (realized \(Self.money(report.realizedPnL)), open \(Self.money(report.unrealizedPnL)))",
            "  max drawdown   \(Self.money(report.maxDrawdown))  (\(String(format: "%.2f%%", report.maxDrawdownPercent)))",
            "  profit factor  \(report.profitFactor.map { String(format: "%.3f", $0) } ?? "-")",
            "  sharpe         \(report.sharpe.map { String(format: "%.3f", $0) } ?? "-")",
            "  elapsed        \(String(format: "%.3f", outcome.elapsedSeconds)) s  (\(Int(rate)) \(outcome.bars > 0 ? "bars" : "ticks")/s)",
            "  trades_sha256  \(report.tradesSHA256)",
        ]
        if let reason = outcome.stopReason { lines.append("  stopped        \(reason)") }
        if let failure = outcome.failure { lines.append("  error          \(failure)") }
        if let runID { lines.append("  stored         backtest run \(runID)") }
        lines.append("  log lines      \(outcome.logs.count)\(logs || outcome.logs.isEmpty ? "" : "  (--logs prints them)")")
        if logs {
            for line in outcome.logs {
                let time = HubTimestamp.utc(nanos: line.timeNanos)
                lines.append("  \(time)  \(line.level.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0))  \(line.message)")
            }
        }
        StandardOutput.write(lines.joined(separator: "\n") + "\n")
    }

    /// Stores the run and its trades in one transaction.
    func store(_ outcome: BacktestSession.Outcome, source: String, input: Input, hub: Store, sweepID: String?) async throws -> Int64 {
        let report = outcome.report
        let record = BacktestRunRecord(
            userID: nil, strategyID: nil, strategyName: outcome.declaration.name, sourceSHA256: Digest.sha256(Array(source.utf8)).hexString,
            paramsJSON: try paramsJSON(outcome.parameters), symbols: input.symbols.map(\.key), timeframe: input.timeframe, dataSource: input.label,
            fromTime: input.fromSeconds.map { HubTimestamp.utc(nanos: $0 * 1_000_000_000) },
            toTime: input.toSeconds.map { HubTimestamp.utc(nanos: $0 * 1_000_000_000) },
            initialCapital: capital, bars: outcome.bars, ticks: outcome.ticks, tradeCount: report.trades, netPnL: report.netPnL,
            maxDrawdown: report.maxDrawdown, winRate: report.winRate, profitFactor: report.profitFactor, sharpe: report.sharpe,
            tradesSHA256: report.tradesSHA256, sweepID: sweepID, reportJSON: try report.jsonText(), elapsedMillis: Int(outcome.elapsedSeconds * 1000))
        let trades = outcome.fills.map { fill in
            BacktestTradeRecord(
                seq: fill.sequence, tradedAt: HubTimestamp.utc(nanos: fill.timeNanos), exchange: fill.exchange, symbol: fill.symbol,
                action: fill.action,
                quantity: Int(fill.quantity), price: fill.price, positionAfter: Int(fill.positionAfter), realizedPnL: fill.realizedPnL, tag: fill.tag)
        }
        return try await hub.backtests.save(run: record, trades: trades)
    }

    static func logsJSON(_ lines: [StrategyLogLine]) throws -> String {
        let entries = try lines.map { line in
            "{\"time\": \"\(HubTimestamp.utc(nanos: line.timeNanos))\", \"level\": \"\(line.level.rawValue)\", \"message\": \(try LuaJSON.encode(.string(line.message)))}"
        }
        return "[" + entries.joined(separator: ", ") + "]"
    }

    func paramsJSON(_ parameters: [String: StrategyParameter.ParameterValue]) throws -> String {
        try LuaJSON.encode(.dictionary(Dictionary(uniqueKeysWithValues: parameters.map { (LuaValue.string($0.key), $0.value.lua) })))
    }

    static func paramsText(_ parameters: [String: StrategyParameter.ParameterValue]) -> String {
        parameters.keys.sorted().map { "\($0)=\(text(parameters[$0]?.lua ?? .nil))" }.joined(separator: " ")
    }

    static func tradesCSV(_ fills: [BacktestFill]) -> String {
        var text = "sequence,time,exchange,symbol,action,quantity,price,position_after,realized_pnl,tag\n"
        for fill in fills {
            text += "\(fill.sequence),\(fill.timeNanos / 1_000_000_000),\(fill.exchange),\(fill.symbol),\(fill.action.rawValue),\(fill.quantity),"
            text += "\(fill.price),\(fill.positionAfter),\(fill.realizedPnL),\(fill.tag)\n"
        }
        return text
    }
}
