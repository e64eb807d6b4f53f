// SPDX-License-Identifier: Apache-2.0
import Core
import Hummingbird
import Logging

/// One log line per finished request with its method, path, status and duration (and a debug line
/// when it starts) — never the query string, which clients sometimes use for API keys (`?apikey=`).
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        context.logger.debug("request started", metadata: ["http.method": "\(request.method.rawValue)", "http.path": "\(request.uri.path)"])
        let response = try await HTTPErrorRendering.respond(to: request, context: context, next: next)
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.inSeconds * 1000
        context.logger.info(
            "request",
            metadata: [
                "http.method": "\(request.method.rawValue)", "http.path": "\(request.uri.path)",
                "http.status": "\(response.status.code)", "duration_ms": "\((milliseconds * 100).rounded() / 100)",
            ])
        return response
    }
}
