// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import HTTPTypes
import Hummingbird
import LuaBridge
import Schema
import Strategies

/// The strategy endpoints: the official client's `strategy/list|status|start|stop|close_all|
/// close_leg|runs|orders|events`, and RealAlgo's own for writing Lua strategies
/// (`strategy/create|update|check|live|logs|versions|reload`). Every route is a POST with the
/// `apikey` and the strategy id in the body, as the client sends them (or, from the browser app, the
/// session cookie and its CSRF token: see ``APICaller``); a strategy of another user answers 404, as
/// one that does not exist.
struct StrategyController: Sendable {
    let authenticator: APIKeyAuthenticator
    let sessions: SessionAuthenticator
    let service: StrategyService
    let store: Store
    let maxBodyBytes: Int
    /// Sources are up to 1 MB, so create and update take a larger body than other calls.
    static let maxSourceBodyBytes = 2 << 20

    func register(on routes: APIv1Routes) {
        routes.post("strategy/list") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["status", "q"])
            let status = try body.optionalString("status", maxLength: 16).map { text -> StrategyStatus in
                guard let status = StrategyStatus(rawValue: text) else {
                    throw APIError.invalidField("status", "Must be one of: \(StrategyStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                return status
            }
            let records = try await store.strategies.list(
                userID: principal.userID, status: status, nameContains: try body.optionalString("q", maxLength: 100))
            return try StrategyRendering.success(["data": .array(records.map { StrategyRendering.strategy($0, declaration: nil) })])
        }
        routes.post("strategy/status") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id"])
            let record = try await owned(body, principal)
            let declaration = record.source.flatMap { try? service.check($0, chunkName: "\(record.name).lua") }
            var run: StrategyRunRecord?
            if let runID = record.currentRunID { run = try await store.strategyRuns.run(id: runID) }
            return try StrategyRendering.success([
                "data": StrategyRendering.strategy(record, declaration: declaration), "run": run.map(StrategyRendering.run) ?? .null,
            ])
        }
        routes.post("strategy/start") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id", "mode", "params"])
            let id = try strategyID(body)
            guard let modeText = try body.optionalString("mode", maxLength: 16) else {
                throw APIError.invalidField("mode", "Missing data for required field: live or sandbox (there is no default).")
            }
            guard let mode = StrategyRunMode(rawValue: modeText) else { throw APIError.invalidField("mode", "Must be exactly live or sandbox.") }
            let run = try await service.start(strategyID: id, userID: principal.userID, mode: mode, overrides: try Self.params(body))
            return try StrategyRendering.success([
                "run_id": .integer(run.id), "mode": .string(mode.rawValue), "strategy_id": .integer(id), "legs": .array([]),
            ])
        }
        routes.post("strategy/stop") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id"])
            let (run, end) = try await service.stop(strategyID: try strategyID(body), userID: principal.userID, reason: "stopped by the API")
            return try StrategyRendering.success([
                "run_id": run.map { .integer($0.id) } ?? .null, "stop_pending": .bool(false), "exits": .array([]), "run_status": .string(end.status),
            ])
        }
        routes.post("strategy/close_all") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id"])
            let record = try await owned(body, principal)
            guard let runID = record.currentRunID, service.host.closeAll(strategyID: record.id, reason: "close_all") else {
                throw APIError(.conflict, message: "Strategy \(record.id) is not running.", extra: ["stop_pending": .bool(false)])
            }
            try await store.strategyRuns.appendLog(strategyID: record.id, runID: runID, level: .warn, message: "close_all requested through the API")
            return try StrategyRendering.success(["run_id": .integer(runID), "stop_pending": .bool(true), "exits": .array([])])
        }
        routes.post("strategy/close_leg") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id", "leg_id"])
            let record = try await owned(body, principal)
            guard let legID = try body.optionalInteger("leg_id", in: 1...1_000) else {
                throw APIError.invalidField("leg_id", "Missing data for required field.")
            }
            // The running file's legs (the stored source may have changed since the run started);
            // when nothing runs, the stored file's, for the message.
            let legs =
                service.host.legNames(strategyID: record.id)
                ?? record.source.flatMap { try? service.check($0, chunkName: "\(record.name).lua").legs.map(\.name) } ?? []
            guard legID <= legs.count else {
                throw APIError(.conflict, message: "Strategy \(record.id) has no leg \(legID) (legs are numbered from 1 in the file's order).")
            }
            guard let runID = record.currentRunID, service.host.closeLeg(strategyID: record.id, leg: legs[legID - 1]) else {
                throw APIError(.conflict, message: "Strategy \(record.id) is not running.")
            }
            return try StrategyRendering.success([
                "run_id": .integer(runID), "leg_id": .integer(Int64(legID)), "leg": .string(legs[legID - 1]), "run_stopped": .bool(false),
                "exits": .array([]),
            ])
        }
        registerReads(on: routes)
        registerAuthoring(on: routes)
    }

    func read(_ request: Request, limit: Int? = nil) async throws -> (APIRequestBody, APICaller) {
        let body = try await APIRequestBody.read(request, limit: limit ?? maxBodyBytes)
        return (body, try await APICaller.resolve(body: body, request: request, keys: authenticator, sessions: sessions))
    }

    func strategyID(_ body: APIRequestBody) throws -> Int64 {
        guard let id = try body.optionalInteger("strategy_id", in: 1...Int.max) else {
            throw APIError.invalidField("strategy_id", "Missing data for required field.")
        }
        return Int64(id)
    }

    /// The strategy the body names, if the caller owns it (404 otherwise, as for one that does not exist).
    func owned(_ body: APIRequestBody, _ principal: APICaller) async throws -> StrategyRecord {
        let id = try strategyID(body)
        guard let record = try await store.strategies.strategy(id: id, userID: principal.userID) else { throw StrategyService.notFound(id) }
        return record
    }

    /// `params`: a JSON object of param values.
    static func params(_ body: APIRequestBody) throws -> [String: LuaValue] {
        guard let value = body.fields["params"], value != .null else { return [:] }
        guard case .object(let fields) = value else { throw APIError.invalidField("params", "Must be an object of param values.") }
        var params: [String: LuaValue] = [:]
        for (name, field) in fields {
            switch field {
            case .integer(let integer): params[name] = .integer(integer)
            case .number(let number): params[name] = .number(number)
            case .bool(let flag): params[name] = .boolean(flag)
            case .string(let text): params[name] = .string(text)
            default: throw APIError.invalidField("params.\(name)", "Must be a number, a boolean or a string.")
            }
        }
        return params
    }
}
