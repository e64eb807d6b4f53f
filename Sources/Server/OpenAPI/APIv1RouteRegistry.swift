// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Synchronization

/// One registered `/api/v1` route: its method and its path as OpenAPI writes it
/// (`/api/v1/ticker/{ticker}` for the router's `/api/v1/ticker/:ticker`).
struct APIv1Route: Hashable, Sendable, Comparable, CustomStringConvertible {
    let method: HTTPRequest.Method
    let path: String

    init(method: HTTPRequest.Method, path: String) {
        self.method = method
        self.path = Self.openAPIPath(path)
    }

    var description: String { "\(method.rawValue) \(path)" }

    static func < (lhs: APIv1Route, rhs: APIv1Route) -> Bool {
        (lhs.path, lhs.method.rawValue) < (rhs.path, rhs.method.rawValue)
    }

    /// `:name` path parameters as `{name}`.
    static func openAPIPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            .joined(separator: "/")
    }
}

/// The `/api/v1` routes an application registers (not the 405 refusals of other methods), so a
/// test can check them against the OpenAPI document.
///
/// Recording is opt-in: bind a registry to the task that builds the application.
/// ```swift
/// let registry = APIv1RouteRegistry()
/// let app = registry.recording { buildApplication(configuration, dependencies: dependencies, logger: logger) }
/// registry.routes   // [POST /api/v1/ping, GET /api/v1/instruments, …]
/// ```
/// Unbound (as `serve` runs), registering a route costs one task-local read at startup and
/// nothing per request.
final class APIv1RouteRegistry: Sendable {
    /// The registry ``APIv1Routes`` records into while an application is built, if any.
    @TaskLocal static var current: APIv1RouteRegistry?

    private let recorded = Mutex<[APIv1Route]>([])

    init() {}

    func record(_ method: HTTPRequest.Method, _ path: String) {
        recorded.withLock { $0.append(APIv1Route(method: method, path: path)) }
    }

    /// What was recorded, sorted by path then method (a route registered twice appears twice).
    var routes: [APIv1Route] {
        recorded.withLock { $0 }.sorted()
    }

    /// Runs `build` (which builds an application) with this registry bound, so every route it
    /// registers through ``APIv1Routes`` is recorded here.
    func recording<T>(_ build: () throws -> T) rethrows -> T {
        try Self.$current.withValue(self, operation: build)
    }
}
