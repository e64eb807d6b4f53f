// SPDX-License-Identifier: Apache-2.0

/// How `/api/v1/` is rate-limited: a limit per ``RateLimitCategory``, per client IP.
///
/// `serve` reads OpenAlgo's variables (`ORDER_RATE_LIMIT`, `API_RATE_LIMIT`, …) into it, and
/// `REALALGO_RATE_LIMITS=off` lifts everything (benchmarks).
public struct RateLimitSettings: Sendable, Equatable {
    /// False lifts every limit: the middleware then hands requests straight on.
    public var enabled = true
    /// Each category's limit; a category missing from the table is not limited.
    public var limits: [RateLimitCategory: RateLimit] = Dictionary(
        uniqueKeysWithValues: RateLimitCategory.allCases.map { ($0, $0.defaultLimit) })
    /// Peers allowed to name the client in `X-Forwarded-For` (a reverse proxy on the same host,
    /// say). Empty by default: the header is ignored, because anyone can send it.
    public var trustedProxies: [IPAddressRange] = []
    /// Most clients each category remembers at once (see ``MovingWindowLimiter``).
    public var maxClients = 10_000

    public init() {}

    /// Settings with every limit lifted.
    public static let off: RateLimitSettings = {
        var settings = RateLimitSettings()
        settings.enabled = false
        return settings
    }()

    /// The limits in force, for a startup log line: `orders=10 per second, api=off, …`, or `off`.
    public var summary: String {
        guard enabled else { return "off" }
        return RateLimitCategory.allCases.map { "\($0.rawValue)=\(limits[$0]?.description ?? "off")" }.joined(separator: ", ")
    }
}
