// SPDX-License-Identifier: Apache-2.0
import Hummingbird

/// Lets a middleware decorate error responses too: an error that knows its HTTP response (a 404
/// from the router, an ``APIError``) is rendered here instead of further out, so headers added on
/// the way back reach every response.
enum HTTPErrorRendering {
    static func respond<Context: RequestContext>(
        to request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            return try error.response(from: request, context: context)
        }
    }
}
