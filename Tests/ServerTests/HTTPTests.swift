// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Schema
import Server
import Testing

@Suite("HTTP over a real socket")
struct HTTPTests {
    @Test("/health reports the database, Lua, modules and uptime, with security and request-id headers")
    func health() async throws {
        try await TestServer.run { client, _ in
            let response = try await client.get("/health")
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["status"] as? String == "ok")
            #expect(body["service"] as? String == "RealAlgo")
            #expect(body["version"] as? String == "0.1.0")
            #expect((body["lua"] as? String)?.hasPrefix("Lua 5.4") == true)
            #expect(body["modules"] as? [String] == ["broker", "market-data", "strategies"])
            #expect((body["uptime_seconds"] as? Double ?? -1) >= 0)
            let database = try #require(body["database"] as? [String: Any])
            #expect(database["status"] as? String == "ok")
            #expect(database["schema"] as? String == "up to date")
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.headers[.xContentTypeOptionsField] == "nosniff")
            #expect(response.headers[.requestIDField]?.isEmpty == false)
            #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
        }
    }

    @Test("a server built with some modules lists only those")
    func modules() async throws {
        try await TestServer.run(modules: [.broker]) { (client: any TestClientProtocol, _: TestServer) async throws in
            #expect(try await client.get("/health").json()["modules"] as? [String] == ["broker"])
        }
    }

    @Test("/health answers 503 when the database cannot be read")
    func unhealthy() async throws {
        try await TestServer.run { client, server in
            try server.store.close()
            let response = try await client.get("/health")
            #expect(response.status == .serviceUnavailable)
            let body = try response.json()
            #expect(body["status"] as? String == "error")
            #expect((body["database"] as? [String: Any])?["status"] as? String == "unreachable")
        }
    }

    @Test("/api/v1/ping answers pong for a valid key, as OpenAlgo does")
    func ping() async throws {
        try await TestServer.run { client, server in
            let response = try await client.post("/api/v1/ping", json: #"{"apikey":"\#(server.apiKey)"}"#)
            #expect(response.status == .ok)
            #expect(response.text == #"{"data":{"broker":"sandbox","message":"pong"},"status":"success"}"#)
            let trailing = try await client.post("/api/v1/ping/", json: #"{"apikey":"\#(server.apiKey)"}"#)
            #expect(trailing.status == .ok)
            let keys = try await server.store.apiKeys.list(username: "trader")
            #expect(keys.first { $0.name == "test" }?.lastUsedAt != nil)
        }
    }

    /// Bad requests under /api/: each gets OpenAlgo's envelope with the right code.
    static let badRequests: [(body: String?, method: HTTPRequest.Method, path: String, status: HTTPResponse.Status, message: String)] = [
        (#"{"apikey":"0000"}"#, .post, "/api/v1/ping", .forbidden, #""message":"Invalid openalgo apikey""#),
        ("{}", .post, "/api/v1/ping", .badRequest, #""message":{"apikey":["Missing data for required field."]}"#),
        (#"{"apikey":42}"#, .post, "/api/v1/ping", .badRequest, #""apikey":["Not a valid string."]"#),
        (#"{"apikey":"#, .post, "/api/v1/ping", .badRequest, "Invalid JSON: the request body is not valid JSON"),
        (#"["apikey"]"#, .post, "/api/v1/ping", .badRequest, "must be a JSON object"),
        ("", .post, "/api/v1/ping", .badRequest, "the request body is empty"),
        (nil, .get, "/api/v1/ping", .methodNotAllowed, "Method GET is not allowed on /api/v1/ping; use POST"),
        (nil, .delete, "/api/v1/ping", .methodNotAllowed, "use POST"),
        ("{}", .post, "/api/v1/nonexistent", .notFound, #"{"message":"Not found","path":"/api/v1/nonexistent","status":"error"}"#),
        (nil, .get, "/api/v2/anything", .notFound, #""path":"/api/v2/anything""#),
    ]

    @Test("bad requests get the right status and a JSON error naming the problem", arguments: badRequests.indices)
    func badRequest(_ index: Int) async throws {
        let request = Self.badRequests[index]
        try await TestServer.run { client, _ in
            let response = try await client.execute(
                uri: request.path, method: request.method, headers: [.contentType: "application/json"],
                body: request.body.map { ByteBuffer(string: $0) })
            #expect(response.status == request.status)
            #expect(response.text.contains(request.message), "\(response.text)")
            #expect(response.text.contains(#""status":"error""#))
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        }
    }

    @Test("a revoked key is refused at once")
    func revokedKey() async throws {
        try await TestServer.run { client, server in
            let response = try await client.post("/api/v1/ping", json: #"{"apikey":"\#(server.revokedKey)"}"#)
            #expect(response.status == .forbidden)
        }
    }

    @Test("a body over the limit is refused with 413")
    func tooLarge() async throws {
        try await TestServer.run(maxBodyBytes: 1024) { client, server in
            let padding = String(repeating: "x", count: 4096)
            let response = try await client.post("/api/v1/ping", json: #"{"apikey":"\#(server.apiKey)","pad":"\#(padding)"}"#)
            #expect(response.status == .contentTooLarge)
            #expect(response.text.contains("Request body too large"))
        }
    }

    @Test("/metrics is Prometheus text with RealAlgo's gauges")
    func metrics() async throws {
        try await TestServer.run { client, _ in
            let response = try await client.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(response.text.contains(#"realalgo_build_info{version="0.1.0"} 1"#))
            #expect(response.text.contains("# TYPE realalgo_uptime_seconds gauge"))
            #expect(response.text.contains("realalgo_database_bytes"))
        }
    }

    @Test("the browser app is served from web/, and unknown pages outside /api are plain 404s")
    func staticFiles() async throws {
        try await TestServer.run { client, _ in
            let index = try await client.get("/")
            #expect(index.status == .ok)
            #expect(index.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(index.text.contains("<title>RealAlgo</title>"))
            #expect(try await client.get("/app.js").status == .ok)
            let missing = try await client.get("/no-such-page")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.xContentTypeOptionsField] == "nosniff")
        }
    }
}

extension HTTPField.Name {
    static let xContentTypeOptionsField = HTTPField.Name("X-Content-Type-Options")!
    static let requestIDField = HTTPField.Name("X-Request-Id")!
}
