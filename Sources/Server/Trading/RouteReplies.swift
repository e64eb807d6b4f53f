// SPDX-License-Identifier: Apache-2.0
import Broker
import Foundation
import HTTPTypes
import Hummingbird

/// Answers for the order endpoints whatever the route: the `mode` each answer carries
/// (`analyze` for the sandbox, `live` for an upstream account), and the errors of an upstream.
enum RouteReplies {
    /// `{"status":"success","mode":…,…}`.
    static func success(_ fields: [String: JSONValue], route: any OrderRoute) throws -> Response {
        try success(fields, mode: route.mode)
    }

    static func success(_ fields: [String: JSONValue], mode: String) throws -> Response {
        var body = fields
        body["status"] = .string("success")
        body["mode"] = .string(mode)
        return try JSONResponse.make(JSONValue.object(body))
    }

    /// Runs a route call, answering its refusals: an ``OrderRejection`` as the sandbox does (with
    /// the route's mode) and an ``UpstreamError`` with the status that says whose fault it is.
    static func answering<T>(_ route: any OrderRoute, _ action: () async throws -> T) async throws -> T {
        do { return try await action() } catch let rejection as OrderRejection {
            let error = APIError.rejected(rejection)
            var extra = error.extra
            if extra["mode"] != nil { extra["mode"] = .string(route.mode) }
            throw APIError(error.status, message: error.message, extra: extra)
        } catch let error as UpstreamError {
            throw upstream(error)
        }
    }

    /// An upstream's failure as an API error naming the account: 502 when it cannot be reached or
    /// answers nonsense, 504 when it did not answer in time, 503 when its key cannot be opened,
    /// and the upstream's own 4xx when it refused the request (a 200 `status: error` → 400). A
    /// 401/403 from the upstream is 502: the caller's own key is fine, the account's is not.
    static func upstream(_ error: UpstreamError) -> APIError {
        let status: HTTPResponse.Status =
            switch error.kind {
            case .unreachable, .badAnswer: .badGateway
            case .timedOut: .gatewayTimeout
            case .credentials: .serviceUnavailable
            case .refused(let code) where code == 200: .badRequest
            case .refused(let code) where (400..<500).contains(code) && code != 401 && code != 403: HTTPResponse.Status(code: code)
            case .refused: .badGateway
            }
        return APIError(status, message: error.description, extra: ["mode": .string("live"), "account": .string(error.account)])
    }

    /// An upstream's own JSON answer (`funds`, `holdings`), passed on with `"mode": "live"`.
    static func passThrough(_ answer: [UInt8]) throws -> Response {
        guard var object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(answer)) else {
            throw APIError(.badGateway, message: "The upstream's answer is not a JSON object")
        }
        object["mode"] = .string("live")
        return try JSONResponse.make(JSONValue.object(object))
    }
}
