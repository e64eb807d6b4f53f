// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import Logging

/// Answers every failure under `/api/` in OpenAlgo's JSON envelope with the right status: unknown
/// paths 404 (with the path, as OpenAlgo does), bodies over the limit 413, unexpected errors 500
/// with a generic message (the details go to the log with the request id, never to the client).
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") || request.uri.path == "/api" else {
            return try await next(request, context)
        }
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            return try translate(error, request: request).response(from: request, context: context)
        } catch is CancellationError {
            // The shutdown grace period ran out while this request was still being handled.
            context.logger.notice("request cancelled by shutdown")
            return try APIError(
                .serviceUnavailable,
                message: "The server is shutting down and cancelled this request before it finished; check its outcome before retrying"
            )
            .response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error in API request", metadata: ["error": "\(String(reflecting: error))"])
            return try APIError(.internalServerError, message: "An unexpected error occurred; the server logged it with request id \(context.id)")
                .response(from: request, context: context)
        }
    }

    private func translate(_ error: HTTPError, request: Request) -> APIError {
        switch error.status {
        case .notFound:
            return APIError(.notFound, message: "Not found", extra: ["path": .string(request.uri.path)])
        case .contentTooLarge:
            return APIError(.contentTooLarge, message: "Request body too large")
        default:
            return APIError(error.status, message: error.body ?? error.status.reasonPhrase, headers: error.headers)
        }
    }
}
