// SPDX-License-Identifier: Apache-2.0
import Broker
import Core
import Foundation
import HTTPTypes
import LuaBridge
import MarketData
import Schema
import Strategies

extension StrategyService {
    /// Starts a run of a hub strategy: checks it can run (owned, not running, live mode enabled
    /// for a live run, params in spec), records the run, then loads the file and calls `on_start`.
    /// - Parameter overrides: param values for this run, over the saved ones.
    /// - Throws: ``APIError``: 404 unknown strategy, 409 already running or live mode off, 400 for
    ///   a file or param that fails (the run is then recorded as failed, with the line).
    func start(strategyID: Int64, userID: Int64, mode: StrategyRunMode, overrides: [String: LuaValue]) async throws -> StrategyRunRecord {
        guard let record = try await store.strategies.strategy(id: strategyID, userID: userID) else { throw Self.notFound(strategyID) }
        guard record.kind == .lua, let source = record.source else {
            throw APIError(.badRequest, message: "Strategy \(strategyID) has no Lua source to run.")
        }
        guard record.isActive else { throw APIError(.conflict, message: "Strategy \(strategyID) is deactivated.") }
        guard !host.isRunning(strategyID: strategyID), record.currentRunID == nil else {
            throw APIError(
                .conflict, message: "Strategy \(strategyID) is already running (run \(record.currentRunID.map(String.init) ?? "starting")).")
        }
        if mode == .live, !record.liveEnabled {
            throw APIError(
                .conflict,
                message:
                    "Live mode is off for strategy \(strategyID): enable it first (strategy/live with enabled=true); sandbox runs need no opt-in.")
        }
        let chunkName = "\(record.name).lua"
        let declaration: StrategyDeclaration
        var parameters: [String: LuaValue] = [:]
        do {
            declaration = try check(source, chunkName: chunkName)
            if case .dictionary(let saved) = try LuaJSON.decode(record.paramsJSON) {
                for (key, value) in saved {
                    if let name = key.stringValue, declaration.parameters.contains(where: { $0.name == name }) { parameters[name] = value }
                }
            }
            parameters.merge(overrides) { _, new in new }
        } catch let error as StrategyScriptError {
            throw Self.refused(error)
        }
        let route: any OrderRoute
        var mirrors: [any OrderRoute] = []
        let accountID: Int64
        do {
            switch mode {
            case .sandbox:
                guard let sandbox = try await store.accounts.sandboxAccountID(userID: userID) else {
                    throw APIError(.conflict, message: "You have no active sandbox account to run the strategy in.")
                }
                route = SandboxRoute(broker: routing.sandbox, accountID: sandbox)
                accountID = sandbox
            case .live:
                // The account the run trades, as it is at the start (the default may change later).
                let account = try await routing.account(userID: userID, accountName: declaration.accounts.first)
                route = routing.route(for: account, named: declaration.accounts.first != nil)
                accountID = account.id
                for name in declaration.accounts.dropFirst() { mirrors.append(try await routing.route(userID: userID, accountName: name)) }
            }
        } catch let rejection as OrderRejection {
            throw APIError(.badRequest, message: rejection.description)
        }
        let paramsJSON = try Self.checkedParams(parameters, declaration)
        let run: StrategyRunRecord
        do {
            run = try await store.strategyRuns.start(
                strategyID: strategyID, mode: mode, paramsJSON: paramsJSON, sourceVersion: record.sourceVersion, accountID: accountID,
                status: .running)
        } catch let error as StoreError where error.code == .conflict {
            throw APIError(.conflict, message: error.message)
        }
        let launch = StrategyLaunch(
            strategyID: strategyID, runID: run.id, userID: userID, accountID: accountID, mode: mode.rawValue, source: source, chunkName: chunkName,
            parameters: parameters,
            stateJSON: record.stateJSON, route: route, mirrorRoutes: mirrors, history: try await history(declaration))
        do {
            try await host.start(launch)
        } catch let error as StrategyScriptError {
            try? await store.strategyRuns.appendLog(
                strategyID: strategyID, runID: run.id, level: .error, message: error.description, line: error.line)
            _ = try? await store.strategyRuns.finish(
                runID: run.id, status: .failed, reason: "error", errorMessage: error.description, errorLine: error.line)
            throw Self.refused(error, runID: run.id)
        }
        return run
    }

    /// Stops the strategy's run (`on_stop`, cancel working orders, close positions) and waits for it.
    /// - Throws: ``APIError`` 404 unknown strategy, 409 when it is not running here.
    func stop(strategyID: Int64, userID: Int64, reason: String) async throws -> (run: StrategyRunRecord?, end: StrategyRunEnd) {
        guard let record = try await store.strategies.strategy(id: strategyID, userID: userID) else { throw Self.notFound(strategyID) }
        guard let end = await host.stop(strategyID: strategyID, reason: reason) else {
            throw APIError(.conflict, message: "Strategy \(strategyID) is not running.", extra: ["stop_pending": .bool(false)])
        }
        let run = try await record.currentRunID.asyncMap { try await store.strategyRuns.run(id: $0) } ?? nil
        return (run, end)
    }

    /// The last closed bars of each symbol, so indicators are warm from the first bar of the run.
    private func history(_ declaration: StrategyDeclaration) async throws -> [StrategySymbol: [Bar]] {
        guard let timeframe = declaration.timeframe else { return [:] }
        let now = hub.clock.nowSeconds()
        var history: [StrategySymbol: [Bar]] = [:]
        for symbol in declaration.symbols {
            guard let instrument = hub.instrument(symbol: symbol.symbol, exchange: symbol.exchange) else { continue }
            let bars = try await store.marketData.bars(
                instrumentID: instrument.id, timeframe: timeframe, from: now - Int64(timeframe.seconds) * 2_000,
                until: now - Int64(timeframe.seconds) + 1,
                limit: 2_000)
            if !bars.isEmpty { history[symbol] = bars }
        }
        return history
    }

    static func notFound(_ strategyID: Int64) -> APIError {
        APIError(.notFound, message: "Strategy \(strategyID) not found.")
    }

    /// A strategy file or param that fails: 400 with the field and the line.
    static func refused(_ error: StrategyScriptError, runID: Int64? = nil) -> APIError {
        var extra: [String: JSONValue] = ["error_kind": .string(error.kind.rawValue)]
        if let field = error.field { extra["field"] = .string(field) }
        if let line = error.line { extra["line"] = .integer(Int64(line)) }
        if let runID { extra["run_id"] = .integer(runID) }
        return APIError(.badRequest, message: error.description, extra: extra)
    }

    /// Params checked against the declaration, as the JSON the hub stores.
    /// - Throws: ``APIError`` 400 naming the param (``refused(_:runID:)``).
    static func checkedParams(_ params: [String: LuaValue], _ declaration: StrategyDeclaration) throws -> String {
        do { _ = try declaration.resolveParameters(params) } catch let error as StrategyScriptError { throw refused(error) }
        return try LuaJSON.encode(.dictionary(params.reduce(into: [:]) { $0[.string($1.key)] = $1.value }))
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }

}
