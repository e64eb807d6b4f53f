// SPDX-License-Identifier: Apache-2.0
import Broker
import Hummingbird
import Schema

/// What every order-path controller shares: reading an authenticated body, turning the broker's
/// refusals into OpenAlgo answers, and the sandbox's success envelope.
enum SandboxReplies {
    /// The request's JSON body (size-limited) and the user its `apikey` speaks for.
    static func read(_ request: Request, limit: Int, authenticator: APIKeyAuthenticator) async throws -> (APIRequestBody, Principal) {
        let body = try await APIRequestBody.read(request, limit: limit)
        return (body, try await authenticator.authenticate(try body.apiKey()))
    }

    /// Runs a broker call, answering an ``OrderRejection`` with its 400/404.
    static func answeringRejections<T>(_ action: () async throws -> T) async throws -> T {
        do { return try await action() } catch let rejection as OrderRejection { throw APIError.rejected(rejection) }
    }

    /// `{"status":"success","mode":"analyze",…}`.
    static func success(_ fields: [String: JSONValue]) throws -> Response {
        var body = fields
        body["status"] = .string("success")
        body["mode"] = .string("analyze")
        return try JSONResponse.make(JSONValue.object(body))
    }
}
