// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Hummingbird

/// Returns the request id Hummingbird put in the request's logger metadata as `X-Request-Id`, so a
/// client's report and the server's log lines can be matched.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await HTTPErrorRendering.respond(to: request, context: context, next: next)
        response.headers[.requestID] = context.id
        return response
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
}
