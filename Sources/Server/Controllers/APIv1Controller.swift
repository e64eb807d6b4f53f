// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Hummingbird

/// Registers OpenAlgo-style endpoints under `/api/v1/`: POST (the method the official client
/// uses) and a 405 naming the right method for any other. The router matches a path with or
/// without a trailing slash, as OpenAlgo does. Each endpoint is recorded in the
/// ``APIv1RouteRegistry`` bound while the application is built (tests bind one to check the
/// routes against the OpenAPI document).
struct APIv1Routes {
    let router: Router<AppRequestContext>
    private let registry: APIv1RouteRegistry?

    init(router: Router<AppRequestContext>) {
        self.router = router
        registry = APIv1RouteRegistry.current
    }

    func post(_ endpoint: String, _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response) {
        let path = "/api/v1/\(endpoint)"
        registry?.record(.post, path)
        router.post(RouterPath(path), use: handler)
        refuseOtherMethods(on: path, allowing: .post)
    }

    /// Registers a GET endpoint (its parameters come in the query string or the path).
    /// - Parameter refusingOtherMethods: also answer the other methods with 405 naming GET.
    func get(
        _ endpoint: String, refusingOtherMethods: Bool = true, _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) {
        let path = "/api/v1/\(endpoint)"
        registry?.record(.get, path)
        router.get(RouterPath(path), use: handler)
        if refusingOtherMethods { refuseOtherMethods(on: path, allowing: .get) }
    }

    private func refuseOtherMethods(on path: String, allowing allowed: HTTPRequest.Method) {
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] where method != allowed {
            router.on(RouterPath(path), method: method) { request, _ -> Response in
                throw APIError(
                    .methodNotAllowed, message: "Method \(request.method.rawValue) is not allowed on \(path); use \(allowed.rawValue)",
                    headers: [.allow: allowed.rawValue])
            }
        }
    }
}
