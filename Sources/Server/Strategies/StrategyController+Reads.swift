// SPDX-License-Identifier: Apache-2.0
import Core
import HTTPTypes
import Hummingbird
import Schema

extension StrategyController {
    /// `strategy/runs`, `strategy/orders`, `strategy/events` (the client's), and `strategy/logs`,
    /// `strategy/executions`, `strategy/versions`.
    func registerReads(on routes: APIv1Routes) {
        routes.post("strategy/runs") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id", "limit"])
            let record = try await owned(body, principal)
            let limit = try body.optionalInteger("limit", in: 1...500) ?? 100
            let runs = try await store.strategyRuns.runs(strategyID: record.id, limit: limit)
            return try StrategyRendering.success(["data": .array(runs.map(StrategyRendering.run))])
        }
        routes.post("strategy/orders") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id", "run_id"])
            let record = try await owned(body, principal)
            let runID = try body.optionalInteger("run_id", in: 1...Int.max).map(Int64.init)
            let orders = try await store.strategyRuns.orders(strategyID: record.id, runID: runID)
            return try StrategyRendering.success(["data": .array(orders.map(StrategyRendering.order))])
        }
        routes.post("strategy/events") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id", "run_id", "kind", "severity", "limit"])
            let record = try await owned(body, principal)
            let runID = try body.optionalInteger("run_id", in: 1...Int.max).map(Int64.init)
            let kind = try body.optionalString("kind", maxLength: 64)
            if let kind, !StrategyRendering.eventKinds.contains(kind) {
                throw APIError.invalidField("kind", "Must be one of: \(StrategyRendering.eventKinds.sorted().joined(separator: ", ")).")
            }
            let severity = try body.optionalString("severity", maxLength: 16).map { text -> StrategyEventRecord.Severity in
                guard let severity = StrategyEventRecord.Severity(rawValue: text) else {
                    throw APIError.invalidField("severity", "Must be one of: info, warn, critical.")
                }
                return severity
            }
            let limit = try body.optionalInteger("limit", in: 1...1_000) ?? 500
            let events = try await store.strategyRuns.events(strategyID: record.id, runID: runID, kind: kind, severity: severity, limit: limit)
            return try StrategyRendering.success(["data": .array(events.map(StrategyRendering.event))])
        }
        routes.post("strategy/logs") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id", "run_id", "after_id", "limit"])
            let record = try await owned(body, principal)
            let runID = try body.optionalInteger("run_id", in: 1...Int.max).map(Int64.init)
            let after = try body.optionalInteger("after_id", in: 0...Int.max).map(Int64.init)
            let limit = try body.optionalInteger("limit", in: 1...5_000) ?? 500
            let logs = try await store.strategyRuns.logs(strategyID: record.id, runID: runID, afterID: after, limit: limit)
            return try StrategyRendering.success(["data": .array(logs.map(StrategyRendering.log))])
        }
        routes.post("strategy/executions") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id", "run_id"])
            let record = try await owned(body, principal)
            let runID = try body.optionalInteger("run_id", in: 1...Int.max).map(Int64.init)
            let executions = try await store.strategyRuns.executions(strategyID: record.id, runID: runID)
            return try StrategyRendering.success(["data": .array(executions.map(StrategyRendering.execution))])
        }
        routes.post("strategy/versions") { request, _ in
            let (body, principal) = try await read(request)
            try body.rejectUnknownFields(allowed: ["strategy_id", "include_source"])
            let record = try await owned(body, principal)
            let withSource = try body.optionalBool("include_source") ?? false
            let versions = try await store.strategies.versions(strategyID: record.id, userID: principal.userID, includeSources: withSource)
            return try StrategyRendering.success(["data": .array(versions.map(StrategyRendering.version))])
        }
    }
}
