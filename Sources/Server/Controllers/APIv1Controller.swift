// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Hummingbird

/// Registers OpenAlgo-style endpoints under `/api/v1/`: POST (the method the official client
/// uses) and a 405 naming the right method for any other. The router matches a path with or
/// without a trailing slash, as OpenAlgo does.
struct APIv1Routes {
    let router: Router<AppRequestContext>

    func post(_ endpoint: String, _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response) {
        let path = "/api/v1/\(endpoint)"
        router.post(RouterPath(path), use: handler)
        for method in [HTTPRequest.Method.get, .put, .delete, .patch] {
            router.on(RouterPath(path), method: method) { request, _ -> Response in
                throw APIError(
                    .methodNotAllowed, message: "Method \(request.method.rawValue) is not allowed on \(path); use POST",
                    headers: [.allow: "POST"])
            }
        }
    }
}
