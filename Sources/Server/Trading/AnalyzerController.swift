// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import Schema

/// OpenAlgo's `analyzer` and `analyzer/toggle`. In RealAlgo "analyze mode" is per user: it means
/// the user's default account is their sandbox; switching it off makes their first upstream
/// account (by priority) the default, so the same API calls trade live.
struct AnalyzerController: Sendable {
    let authenticator: APIKeyAuthenticator
    let store: Store
    let maxBodyBytes: Int

    func register(on routes: APIv1Routes) {
        routes.post("analyzer") { request, _ in
            let body = try await APIRequestBody.read(request, limit: maxBodyBytes)
            let principal = try await authenticator.authenticate(try body.apiKey())
            try body.rejectUnknownFields(allowed: [], error: APIError.orderField)
            return try await status(userID: principal.userID, message: nil)
        }
        routes.post("analyzer/toggle") { request, _ in
            let body = try await APIRequestBody.read(request, limit: maxBodyBytes)
            let principal = try await authenticator.authenticate(try body.apiKey())
            try body.rejectUnknownFields(allowed: ["mode"], error: APIError.orderField)
            guard let analyze = try body.optionalBool("mode", error: APIError.orderField) else {
                throw APIError.orderField("mode", "Missing data for required field.")
            }
            guard try await store.accounts.switchDefault(userID: principal.userID, analyze: analyze) != nil else {
                throw APIError(
                    .badRequest,
                    message: "No active upstream account to trade live: add one with `realalgo account add` (the sandbox stays the default)")
            }
            return try await status(userID: principal.userID, message: "Analyzer mode switched to \(analyze ? "analyze" : "live")")
        }
    }

    private func status(userID: Int64, message: String?) async throws -> Response {
        let (analyze, orders) = try await store.accounts.analyzerStatus(userID: userID)
        var data: [String: JSONValue] = [
            "analyze_mode": .bool(analyze), "mode": .string(analyze ? "analyze" : "live"), "total_logs": .integer(Int64(orders)),
        ]
        if let message { data["message"] = .string(message) }
        var body: [String: JSONValue] = ["status": .string("success"), "data": .object(data)]
        if let message { body["message"] = .string(message) }
        return try JSONResponse.make(JSONValue.object(body))
    }
}
