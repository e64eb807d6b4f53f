// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore

/// Refuses `/api/v1/` requests over the client's limit with OpenAlgo's 429, before any routing,
/// authentication or body parsing is spent on them. Each ``RateLimitCategory`` has its own
/// moving window per client IP; paths outside `/api/v1` pass untouched.
///
/// The client is the connection's peer address. `X-Forwarded-For` counts only when the peer is
/// one of ``RateLimitSettings/trustedProxies``: anyone can write the header, and believing it
/// from anyone would let a client pick a fresh bucket per request.
struct RateLimitMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    private let buckets: [RateLimitCategory: Bucket]
    private let clients: ClientResolver

    private struct Bucket: Sendable {
        let limiter: MovingWindowLimiter
        let refusals: Counter
    }

    /// - Parameter settings: `configuration.rateLimits`; with limits lifted the middleware only
    ///   checks one empty table per request.
    init(_ settings: RateLimitSettings) {
        self.init(settings, clock: ContinuousClock())
    }

    /// - Parameters:
    ///   - settings: the limits.
    ///   - clock: where the windows' time comes from; tests pass a manual one.
    init(_ settings: RateLimitSettings, clock: some Clock<Duration>) {
        let limits = settings.enabled ? settings.limits : [:]
        buckets = limits.reduce(into: [:]) { buckets, entry in
            buckets[entry.key] = Bucket(
                limiter: MovingWindowLimiter(limit: entry.value, maxClients: settings.maxClients, clock: clock),
                refusals: Counter(label: "realalgo_rate_limited_total", dimensions: [("category", entry.key.rawValue)]))
        }
        clients = ClientResolver(trustedProxies: settings.trustedProxies)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !buckets.isEmpty, let category = RateLimitPolicy.category(forPath: request.uri.path), let bucket = buckets[category] else {
            return try await next(request, context)
        }
        guard let wait = bucket.limiter.acquire(clients.client(of: request, peer: context.remoteAddress)) else {
            return try await next(request, context)
        }
        bucket.refusals.increment()
        return RateLimitRefusal.response(retryAfter: wait)
    }
}
