// SPDX-License-Identifier: Apache-2.0
import Core
import HTTPTypes
import Hummingbird
import LuaBridge
import Schema
import Strategies

extension StrategyController {
    /// `strategy/check` (compile and read the declaration), `strategy/create`, `strategy/update`
    /// (a new source version and/or params), `strategy/live` (the live-mode opt-in) and
    /// `strategy/reload` (restart a running strategy on its current source).
    func registerAuthoring(on routes: APIv1Routes) {
        routes.post("strategy/check") { request, _ in
            let (body, _) = try await read(request, limit: Self.maxSourceBodyBytes)
            try body.rejectUnknownFields(allowed: ["source", "name"])
            let source = try Self.source(body)
            let declaration = try checked(source, name: try body.optionalString("name", maxLength: 100) ?? "check")
            return try StrategyRendering.success(["declaration": StrategyRendering.declaration(declaration)])
        }
        routes.post("strategy/create") { request, _ in
            let (body, principal) = try await read(request, limit: Self.maxSourceBodyBytes)
            try body.rejectUnknownFields(allowed: ["source", "params"])
            let source = try Self.source(body)
            let declaration = try checked(source, name: "new")
            let params = try StrategyService.checkedParams(try Self.params(body), declaration)
            let record: StrategyRecord
            do {
                record = try await store.strategies.create(
                    userID: principal.userID, name: declaration.name, source: source, origin: principal.sourceOrigin,
                    symbols: declaration.symbols.map(\.key),
                    timeframe: declaration.timeframe, paramsJSON: params, description: declaration.description)
            } catch let error as StoreError where error.code == .conflict {
                throw APIError(.conflict, message: "You already have a strategy named '\(declaration.name)'; update it instead.")
            }
            return try StrategyRendering.success(["data": StrategyRendering.strategy(record, declaration: declaration)])
        }
        routes.post("strategy/update") { request, _ in
            let (body, principal) = try await read(request, limit: Self.maxSourceBodyBytes)
            try body.rejectUnknownFields(allowed: ["strategy_id", "source", "params"])
            var record = try await owned(body, principal)
            let source = body.fields["source"] == nil ? nil : try Self.source(body)
            guard let text = source ?? record.source else { throw APIError(.badRequest, message: "Strategy \(record.id) has no Lua source.") }
            let declaration = try checked(text, name: "\(record.name).lua")
            guard declaration.name == record.name else {
                throw APIError.invalidField(
                    "source", "The file declares the name '\(declaration.name)'; this strategy is '\(record.name)'. Names do not change.")
            }
            // Everything is checked before anything is saved: a refused param keeps the old source.
            let params = body.fields["params"] == nil ? nil : try StrategyService.checkedParams(try Self.params(body), declaration)
            if let source {
                record = try await store.strategies.saveSource(
                    strategyID: record.id, userID: principal.userID, source: source, origin: principal.sourceOrigin,
                    declared: StrategyService.declared(declaration))
            }
            if let params {
                try await store.strategies.setParams(strategyID: record.id, userID: principal.userID, paramsJSON: params)
                record = try await store.strategies.strategy(id: record.id, userID: principal.userID) ?? record
            }
            return try StrategyRendering.success(["data": StrategyRendering.strategy(record, declaration: declaration)])
        }
        routes.post("strategy/live") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id", "enabled"])
            let record = try await owned(body, principal)
            guard let enabled = try body.optionalBool("enabled") else { throw APIError.invalidField("enabled", "Missing data for required field.") }
            try await store.strategies.setLiveEnabled(strategyID: record.id, userID: principal.userID, enabled: enabled, actor: principal.actor)
            return try StrategyRendering.success(["strategy_id": .integer(record.id), "live_enabled": .bool(enabled)])
        }
        routes.post("strategy/reload") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id"])
            let record = try await owned(body, principal)
            guard let runID = record.currentRunID, let run = try await store.strategyRuns.run(id: runID) else {
                throw APIError(.conflict, message: "Strategy \(record.id) is not running; start it instead.")
            }
            _ = try await service.stop(strategyID: record.id, userID: principal.userID, reason: "reload")
            let next = try await service.start(strategyID: record.id, userID: principal.userID, mode: run.mode, overrides: [:])
            return try StrategyRendering.success([
                "run_id": .integer(next.id), "previous_run_id": .integer(runID), "mode": .string(run.mode.rawValue),
            ])
        }
    }

    static func source(_ body: APIRequestBody) throws -> String {
        guard let value = body.fields["source"], value != .null else {
            throw APIError.invalidField("source", "Missing data for required field: the Lua source text.")
        }
        guard case .string(let source) = value else { throw APIError.invalidField("source", "Not a valid string: the Lua source text.") }
        guard !source.isEmpty else { throw APIError.invalidField("source", "Empty: the Lua source text is required.") }
        guard source.utf8.count <= 1_000_000 else { throw APIError.invalidField("source", "Longer than 1,000,000 bytes.") }
        return source
    }

    /// Compiles a source and reads its declaration: 400 with the line for a syntax error or a bad
    /// declaration (nothing is stored).
    func checked(_ source: String, name: String) throws -> StrategyDeclaration {
        do { return try service.check(source, chunkName: name) } catch let error as StrategyScriptError { throw StrategyService.refused(error) }
    }

}
