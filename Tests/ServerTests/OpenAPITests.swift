// SPDX-License-Identifier: Apache-2.0
import Core
import Cryptography
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MarketData
import Prometheus
import Schema
import Testing

@testable import Server

/// The OpenAPI document against the server itself: every registered `/api/v1` route is
/// documented (and nothing else), the served JSON is a well-formed OpenAPI 3.1 document, and the
/// documented request bodies match what the endpoints refuse.
@Suite("OpenAPI document")
struct OpenAPITests {
    /// The module sets `serve` can run with (the broker needs market data for prices).
    static let moduleSets: [Set<AppModule>] = [Set(AppModule.allCases), [.marketData], []]

    @Test("every registered /api/v1 route is documented, and every documented one registered", arguments: moduleSets)
    func registeredRoutesMatchTheDocument(modules: Set<AppModule>) async throws {
        // Registration happens while the application is built: nothing needs to run.
        let registry = try await ModuleServer.build(modules: modules) { _, _, registry in registry }
        let registered = registry.routes
        #expect(registered.count == Set(registered).count, "a route is registered twice: \(registered)")
        let documented = Set(
            OpenAPIDocument.operations.filter { $0.module.map(modules.contains) ?? true }.map { APIv1Route(method: $0.method, path: $0.path) })
        let undocumented = Set(registered).subtracting(documented).sorted()
        let unregistered = documented.subtracting(registered).sorted()
        #expect(undocumented.isEmpty, "registered but missing from the OpenAPI document (Sources/Server/OpenAPI): \(undocumented)")
        #expect(unregistered.isEmpty, "in the OpenAPI document but not registered with modules \(modules.map(\.name).sorted()): \(unregistered)")
    }

    @Test("one operation per method and path, each with its own operationId")
    func operationsAreUnique() {
        let routes = OpenAPIDocument.operations.map { APIv1Route(method: $0.method, path: $0.path) }
        #expect(routes.count == Set(routes).count)
        let ids = OpenAPIDocument.operations.map(\.operationID)
        #expect(ids.count == Set(ids).count, "operationId clash: \(ids)")
    }

    @Test("GET /api/v1/openapi.json serves an OpenAPI 3.1 document without an API key")
    func servedDocument() async throws {
        try await TestServer.run(modules: []) { client, _ in
            let response = try await client.get("/api/v1/openapi.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let document = try JSONDecoder().decode(JSONValue.self, from: Data(response.text.utf8))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let expected = String(decoding: try encoder.encode(OpenAPIDocument.json), as: UTF8.self)
            #expect(response.text == expected, "the served document is not OpenAPIDocument.json")
            // Foundation parses it too (what a generic client would do).
            #expect(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) is [String: Any])

            #expect(document["openapi"] == .string("3.1.0"))
            #expect(document["info"]?["title"] == .string("RealAlgo"))
            #expect(document["info"]?["version"] == .string(RealAlgoVersion.current))
            let paths = try #require(document["paths"].flatMap(Self.fields))
            #expect(paths["/api/v1/openapi.json"]?["get"] != nil)
            var operations = 0
            for (path, item) in paths {
                #expect(path.hasPrefix("/api/v1/"))
                for (method, operation) in try #require(Self.fields(item)) {
                    operations += 1
                    let name = "\(method.uppercased()) \(path)"
                    #expect(operation["responses"]?["200"] != nil, "\(name) has no 200 response")
                    #expect(operation["summary"] != nil, "\(name) has no summary")
                    if method == "post" {
                        #expect(operation["requestBody"]?["content"]?["application/json"]?["schema"] != nil, "\(name) has no request body")
                        #expect(operation["responses"]?["413"] != nil, "\(name) does not document 413")
                    } else {
                        #expect(method == "get")
                        #expect(operation["requestBody"] == nil, "\(name) has a request body")
                    }
                    if operation["responses"]?["403"] != nil {
                        #expect(operation["responses"]?["400"] != nil, "\(name) takes a key but documents no 400")
                    }
                    #expect(operation["responses"]?["429"] != nil, "\(name) does not document 429")
                    #expect(operation["responses"]?["500"] != nil, "\(name) does not document 500")
                }
            }
            #expect(operations == OpenAPIDocument.operations.count)
            let unresolved = Self.references(in: document).filter { Self.resolve($0, in: document) == nil }
            #expect(unresolved.isEmpty, "unresolved $ref: \(unresolved)")

            let wrongMethod = try await client.execute(uri: "/api/v1/openapi.json", method: .post)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "GET")
        }
    }

    @Test("documented GET parameters: a missing apikey is the documented 401")
    func getEndpointsWithoutKey() async throws {
        try await ModuleServer.run(modules: Set(AppModule.allCases)) { client, _ in
            for operation in OpenAPIDocument.operations where operation.method == .get && operation.needsAPIKey {
                #expect(operation.parameters.contains { $0.name == "apikey" && $0.location == "query" && $0.required })
                let uri = operation.path.replacingOccurrences(of: "{ticker}", with: "NSE:RELIANCE")
                let response = try await client.get(uri)
                #expect(response.status == .unauthorized, "GET \(uri): \(response.status)")
                #expect(operation.otherErrors[401] != nil, "GET \(operation.path) does not document its 401")
            }
        }
    }

    @Test("each documented required field is refused when missing, and nothing else is required")
    func requiredFields() async throws {
        try await ModuleServer.run(modules: Set(AppModule.allCases)) { client, key in
            // The spot check the brief asks for, in OpenAlgo's order-endpoint shape.
            let order = try await client.post(
                "/api/v1/placeorder",
                json: #"{"apikey":"\#(key)","strategy":"s","symbol":"RELIANCE","exchange":"NSE","action":"BUY","pricetype":"MARKET"}"#)
            #expect(order.status == .badRequest)
            #expect(try order.json()["message"] as? String == "{'quantity': ['Missing data for required field.']}")

            // The sign-in calls take no key; SessionTests checks their fields.
            for operation in OpenAPIDocument.operations where operation.method == .post && operation.needsAPIKey {
                let body = try #require(operation.body)
                let required = try #require(body["required"].flatMap(Self.strings))
                #expect(required.first == "apikey")
                let example = try Self.exampleBody(body, apiKey: key, only: nil)
                for field in required {
                    var fields = example
                    fields[field] = nil
                    let response = try await client.post(operation.path, json: try Self.text(.object(fields)))
                    #expect(response.status == .badRequest, "\(operation.path) without \(field): \(response.status) \(response.text)")
                    #expect(Self.names(response.text, field), "\(operation.path) without \(field) does not name it: \(response.text)")
                }
                // Only the required fields: the answer may fail for other reasons (no price, unknown order), but
                // never for a field the document calls optional.
                let minimal = try Self.exampleBody(body, apiKey: key, only: required)
                let response = try await client.post(operation.path, json: try Self.text(.object(minimal)))
                if response.text.contains("Missing data for required field") {
                    // `expiry_date` is documented as required unless the underlying carries its expiry.
                    #expect(Self.names(response.text, "expiry_date"), "\(operation.path) requires an undocumented field: \(response.text)")
                }
            }
        }
    }

    @Test("additionalProperties: false exactly where the endpoint refuses an unknown field")
    func unknownFields() async throws {
        try await ModuleServer.run(modules: Set(AppModule.allCases)) { client, key in
            for operation in OpenAPIDocument.operations where operation.method == .post {
                let body = try #require(operation.body)
                var fields = try Self.exampleBody(body, apiKey: key, only: nil)
                fields["not_a_field"] = .integer(1)
                let response = try await client.post(operation.path, json: try Self.text(.object(fields)))
                if body["additionalProperties"] == .bool(false) {
                    #expect(response.status == .badRequest, "\(operation.path): \(response.status) \(response.text)")
                    #expect(Self.names(response.text, "not_a_field"), "\(operation.path) is documented closed: \(response.text)")
                } else {
                    #expect(!Self.names(response.text, "not_a_field"), "\(operation.path) refuses unknown fields: \(response.text)")
                }
            }
        }
    }

    // MARK: Helpers

    /// A body of each property's first example (`apikey` replaced by a real key), or of the `only` ones.
    static func exampleBody(_ schema: JSONValue, apiKey: String, only: [String]?) throws -> [String: JSONValue] {
        let properties = try #require(schema["properties"].flatMap(fields))
        var body: [String: JSONValue] = [:]
        for (name, property) in properties where only?.contains(name) ?? true {
            if name == "apikey" {
                body[name] = .string(apiKey)
            } else if case .array(let examples)? = property["examples"], let first = examples.first {
                body[name] = first
            } else {
                #expect(only == nil, "required field \(name) has no example")
            }
        }
        return body
    }

    /// Whether an error answer names `field`, in any of the three shapes (`"field"` or `'field'`).
    static func names(_ text: String, _ field: String) -> Bool {
        text.contains("\"\(field)\"") || text.contains("'\(field)'")
    }

    static func text(_ value: JSONValue) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func fields(_ value: JSONValue) -> [String: JSONValue]? {
        if case .object(let fields) = value { return fields }
        return nil
    }

    static func strings(_ value: JSONValue) -> [String]? {
        guard case .array(let items) = value else { return nil }
        return items.compactMap(\.stringValue)
    }

    /// Every `$ref` in the document.
    static func references(in value: JSONValue) -> [String] {
        switch value {
        case .object(let fields):
            return (fields["$ref"]?.stringValue.map { [$0] } ?? []) + fields.values.flatMap(references)
        case .array(let items):
            return items.flatMap(references)
        default:
            return []
        }
    }

    /// The target of a local `#/a/b/c` reference.
    static func resolve(_ reference: String, in document: JSONValue) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: JSONValue? = document
        for part in reference.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
        return node
    }
}

/// A server with the chosen modules, as `serve` builds them (market data without a feed, the
/// sandbox broker over its hub, rate limits off), with its `/api/v1` routes recorded. NIFTY has a
/// price, so options orders resolve their contract; the hub's clock is Monday 23 Nov 2026, 10:00 IST.
enum ModuleServer {
    /// Builds the application, not started, and hands it over with an API key and the routes it registered.
    static func build<T>(
        modules: Set<AppModule>, _ body: (any ApplicationProtocol, String, APIv1RouteRegistry) async throws -> T
    ) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("realalgo-openapi-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = DataDirectory(path: folder.path)
        try directory.create()
        let store = try Store.open(at: directory.databaseURL)
        defer { try? store.close() }
        _ = try await HubMaintenance.prepare(store, today: try #require(LocalDate(iso: "2026-11-21")))
        let secretKey = try SecretKey(bytes: Array(repeating: 7, count: 32))
        let generator = APIKeyGenerator(secretKey: secretKey)
        _ = try await store.users.create(
            username: "trader", passwordHash: try PasswordHasher(iterations: 1).hash("password"), isAdmin: false, actor: .cli)
        let apiKey = try generator.generate()
        _ = try await store.apiKeys.create(
            username: "trader", name: "test", keyHash: generator.hash(apiKey), prefix: String(apiKey.prefix(8)), actor: .cli)

        var configuration = AppConfiguration(dataDirectory: directory)
        configuration.port = 0
        configuration.modules = modules
        configuration.alwaysOpen = true
        configuration.marketData.feed = .none
        configuration.rateLimits = .off
        var logger = Logger(label: "realalgo-test")
        logger.logLevel = .warning

        var marketData: MarketDataService?
        var broker: BrokerService?
        if modules.contains(.marketData) {
            let nowNanos = (Int64(try #require(LocalDate(iso: "2026-11-23")).daysSinceEpoch) * 86_400 - 19_800 + 36_000) * 1_000_000_000
            let service = try await MarketDataService.prepare(
                store: store, configuration: configuration, secretKey: secretKey, clock: ManualWallClock(nanos: nowNanos), logger: logger)
            let nifty = try #require(service.hub.directory.instrument(symbol: "NIFTY", exchange: "NSE_INDEX"))
            service.hub.prime([Tick(instrumentID: nifty.id, timestampNanos: nowNanos, lastPrice: 26_020)])
            if modules.contains(.broker) {
                broker = try await BrokerService.prepare(
                    store: store, hub: service.hub, alwaysOpen: true, secretKey: secretKey, logger: logger)
            }
            marketData = service
        }
        let dependencies = AppDependencies(
            store: store, secretKey: secretKey, metrics: PrometheusCollectorRegistry(), marketData: marketData, broker: broker, logger: logger)
        let registry = APIv1RouteRegistry()
        let app = registry.recording { buildApplication(configuration, dependencies: dependencies, logger: logger) }
        return try await body(app, apiKey, registry)
    }

    /// Runs `body` against the application served live on a free port, with the API key.
    static func run(modules: Set<AppModule>, _ body: @escaping @Sendable (any TestClientProtocol, String) async throws -> Void) async throws {
        try await build(modules: modules) { app, apiKey, _ in
            try await app.test(.live) { client in try await body(client, apiKey) }
        }
    }
}
