// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import Server

@Suite("Rate limit middleware")
struct RateLimitMiddlewareTests {
    static let refusal = #"{"status":"error","message":"Rate limit exceeded. Please slow down your requests.","retry_after":60}"#

    /// The middleware as buildApplication wires it (inside the API error envelope), in front of
    /// one route per category and a path outside the API.
    static func withApp(
        _ settings: RateLimitSettings, clock: RateLimitTestClock = RateLimitTestClock(),
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let router = Router(context: RateLimitTestContext.self)
        router.middlewares.add(FakePeerMiddleware())
        router.middlewares.add(APIErrorMiddleware())
        router.middlewares.add(RateLimitMiddleware(settings, clock: clock))
        for endpoint in ["quotes", "intervals", "placeorder", "placesmartorder", "optiongreeks", "telegram/notify", "strategy/list"] {
            router.post(RouterPath("/api/v1/\(endpoint)")) { _, _ in #"{"status":"success"}"# }
        }
        router.get("/health") { _, _ in "ok" }
        try await Application(router: router).test(.router) { client in try await body(client) }
    }

    static func settings(_ limits: [RateLimitCategory: String]) throws -> RateLimitSettings {
        var settings = RateLimitSettings()
        for (category, text) in limits { settings.limits[category] = try RateLimit.parse(text) }
        return settings
    }

    @Test("the call over the limit gets OpenAlgo's 429 body, byte for byte, and a Retry-After header")
    func refusal() async throws {
        let clock = RateLimitTestClock()
        try await Self.withApp(try Self.settings([.api: "5 per second"]), clock: clock) { (client: any TestClientProtocol) async throws in
            for _ in 0..<5 { #expect(try await client.call("/api/v1/quotes").status == .ok) }
            clock.set(.milliseconds(200))
            let refused = try await client.call("/api/v1/quotes")
            #expect(refused.status == .tooManyRequests)
            #expect(String(buffer: refused.body) == Self.refusal)
            #expect(refused.headers[.contentType] == "application/json; charset=utf-8")
            #expect(refused.headers[.retryAfter] == "1")
            // A trailing slash is the same endpoint, and the window slides rather than resets.
            #expect(try await client.call("/api/v1/quotes/").status == .tooManyRequests)
            clock.set(.milliseconds(1_001))
            #expect(try await client.call("/api/v1/quotes/").status == .ok)
        }
    }

    @Test("each category is its own bucket: a client out of orders can still read quotes, and the reverse")
    func categoriesAreIndependent() async throws {
        let settings = try Self.settings([.orders: "3 per second", .api: "5 per second", .smartOrders: "1 per second", .greeks: "1 per minute"])
        try await Self.withApp(settings) { (client: any TestClientProtocol) async throws in
            for _ in 0..<3 { #expect(try await client.call("/api/v1/placeorder").status == .ok) }
            #expect(try await client.call("/api/v1/placeorder").status == .tooManyRequests)
            #expect(try await client.call("/api/v1/placesmartorder").status == .ok)
            #expect(try await client.call("/api/v1/placesmartorder").status == .tooManyRequests)
            for _ in 0..<3 { #expect(try await client.call("/api/v1/quotes").status == .ok) }
            for _ in 0..<2 { #expect(try await client.call("/api/v1/intervals").status == .ok) }
            #expect(try await client.call("/api/v1/intervals").status == .tooManyRequests)
            #expect(try await client.call("/api/v1/optiongreeks").status == .ok)
            #expect(try await client.call("/api/v1/optiongreeks").status == .tooManyRequests)
            #expect(try await client.call("/api/v1/telegram/notify").status == .ok)
            #expect(try await client.call("/api/v1/strategy/list").status == .ok)
        }
    }

    @Test("each client IP is its own bucket, IPv4 and IPv6 alike")
    func clientsAreIndependent() async throws {
        try await Self.withApp(try Self.settings([.api: "2 per second"])) { (client: any TestClientProtocol) async throws in
            for peer in ["203.0.113.7", "203.0.113.8", "2001:db8::1", "2001:db8::2"] {
                for _ in 0..<2 { #expect(try await client.call("/api/v1/quotes", peer: peer).status == .ok) }
                #expect(try await client.call("/api/v1/quotes", peer: peer).status == .tooManyRequests)
            }
            // The same IPv4 client over a dual-stack socket shares its bucket.
            #expect(try await client.call("/api/v1/quotes", peer: "::ffff:203.0.113.7").status == .tooManyRequests)
        }
    }

    @Test("health, metrics, static files and /ws are never limited")
    func outsideTheAPI() async throws {
        try await Self.withApp(try Self.settings([.api: "1 per minute"])) { (client: any TestClientProtocol) async throws in
            #expect(try await client.call("/api/v1/quotes").status == .ok)
            for _ in 0..<50 { #expect(try await client.execute(uri: "/health", method: .get).status == .ok) }
            for path in ["/metrics", "/index.html", "/ws", "/api/v2/quotes"] {
                #expect(try await client.execute(uri: path, method: .get).status == .notFound)
            }
            #expect(try await client.call("/api/v1/quotes").status == .tooManyRequests)
        }
    }

    @Test("an unknown /api/v1 path counts against api and still gets OpenAlgo's 404 when there is room")
    func unknownPath() async throws {
        try await Self.withApp(try Self.settings([.api: "1 per minute"])) { (client: any TestClientProtocol) async throws in
            let missing = try await client.call("/api/v1/nosuchthing")
            #expect(missing.status == .notFound)
            #expect(String(buffer: missing.body).contains(#""path":"/api/v1/nosuchthing""#))
            #expect(try await client.call("/api/v1/quotes").status == .tooManyRequests)
        }
    }

    @Test("lifted limits let everything through: all of them, or one category")
    func lifted() async throws {
        try await Self.withApp(.off) { (client: any TestClientProtocol) async throws in
            for _ in 0..<200 { #expect(try await client.call("/api/v1/placeorder").status == .ok) }
        }
        var settings = try Self.settings([.orders: "1 per minute"])
        settings.limits[.api] = nil
        try await Self.withApp(settings) { (client: any TestClientProtocol) async throws in
            for _ in 0..<200 { #expect(try await client.call("/api/v1/quotes").status == .ok) }
            #expect(try await client.call("/api/v1/placeorder").status == .ok)
            #expect(try await client.call("/api/v1/placeorder").status == .tooManyRequests)
        }
    }

    @Test("X-Forwarded-For is ignored unless the peer is a trusted proxy")
    func forwardedForUntrusted() async throws {
        try await Self.withApp(try Self.settings([.api: "2 per second"])) { (client: any TestClientProtocol) async throws in
            for index in 0..<2 { #expect(try await client.call("/api/v1/quotes", forwardedFor: "198.51.100.\(index)").status == .ok) }
            // A fresh header per request does not buy a fresh bucket.
            #expect(try await client.call("/api/v1/quotes", forwardedFor: "198.51.100.99").status == .tooManyRequests)
        }
    }

    @Test("behind a trusted proxy the client is the rightmost address the proxies did not write")
    func forwardedForTrusted() async throws {
        var settings = try Self.settings([.api: "1 per second"])
        settings.trustedProxies = [try #require(IPAddressRange(parsing: "127.0.0.1")), try #require(IPAddressRange(parsing: "10.0.0.0/8"))]
        try await Self.withApp(settings) { (client: any TestClientProtocol) async throws in
            let proxy = "127.0.0.1"
            #expect(try await client.call("/api/v1/quotes", peer: proxy, forwardedFor: "198.51.100.1").status == .ok)
            #expect(try await client.call("/api/v1/quotes", peer: proxy, forwardedFor: "198.51.100.2").status == .ok)
            #expect(try await client.call("/api/v1/quotes", peer: proxy, forwardedFor: "198.51.100.1").status == .tooManyRequests)
            // Whatever a client writes to the left is its own claim; the proxy chain's own
            // entries (10.x) are skipped.
            #expect(try await client.call("/api/v1/quotes", peer: proxy, forwardedFor: "192.0.2.50, 198.51.100.2").status == .tooManyRequests)
            #expect(try await client.call("/api/v1/quotes", peer: proxy, forwardedFor: "192.0.2.50, 198.51.100.3, 10.1.2.3").status == .ok)
            #expect(try await client.call("/api/v1/quotes", peer: proxy, forwardedFor: "198.51.100.3").status == .tooManyRequests)
            // No usable header: the proxy itself is the client.
            #expect(try await client.call("/api/v1/quotes", peer: proxy).status == .ok)
            #expect(try await client.call("/api/v1/quotes", peer: proxy, forwardedFor: "garbage").status == .tooManyRequests)
        }
    }
}

/// A context with a settable peer address, which ``FakePeerMiddleware`` fills from a header
/// because `.router` tests have no socket.
struct RateLimitTestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    var remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

struct FakePeerMiddleware: RouterMiddleware {
    static let header = HTTPField.Name("X-Test-Peer")!

    func handle(
        _ request: Request, context: RateLimitTestContext, next: (Request, RateLimitTestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let peer = request.headers[Self.header] { context.remoteAddress = try SocketAddress(ipAddress: peer, port: 40_000) }
        return try await next(request, context)
    }
}

extension TestClientProtocol {
    /// POSTs an empty JSON object to `path` as `peer` (203.0.113.7 unless given).
    fileprivate func call(_ path: String, peer: String = "203.0.113.7", forwardedFor: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json", FakePeerMiddleware.header: peer]
        if let forwardedFor { headers[HTTPField.Name("X-Forwarded-For")!] = forwardedFor }
        return try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: "{}"))
    }
}
