// SPDX-License-Identifier: Apache-2.0
import Core
import Cryptography
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Schema
import Server

/// A real server on a free loopback port over a fresh hub, with one user and API key.
struct TestServer {
    let store: Store
    let apiKey: String
    let revokedKey: String
    let app: any ApplicationProtocol

    static let webRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("web").path

    /// Runs `body` against a live server, then stops it and deletes its hub.
    static func run<T: Sendable>(
        modules: Set<AppModule> = Set(AppModule.allCases), maxBodyBytes: Int = 1 << 20,
        _ body: @escaping @Sendable (any TestClientProtocol, TestServer) async throws -> T
    ) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("realalgo-server-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = DataDirectory(path: folder.path)
        try directory.create()
        let store = try Store.open(at: directory.databaseURL)
        defer { try? store.close() }
        _ = try await HubMaintenance.prepare(store, today: LocalDate(iso: "2026-11-21")!)

        let secretKey = try SecretKey(bytes: Array(repeating: 7, count: 32))
        let generator = APIKeyGenerator(secretKey: secretKey)
        _ = try await store.users.create(
            username: "trader", passwordHash: try PasswordHasher(iterations: 1).hash("password"), isAdmin: false, actor: .cli)
        let apiKey = try generator.generate()
        _ = try await store.apiKeys.create(
            username: "trader", name: "test", keyHash: generator.hash(apiKey), prefix: String(apiKey.prefix(8)), actor: .cli)
        let revokedKey = try generator.generate()
        let revoked = try await store.apiKeys.create(
            username: "trader", name: "old", keyHash: generator.hash(revokedKey), prefix: String(revokedKey.prefix(8)), actor: .cli)
        try await store.apiKeys.revoke(id: revoked.id, actor: .cli)

        var configuration = AppConfiguration(dataDirectory: directory)
        configuration.port = 0
        configuration.modules = modules
        configuration.webRoot = webRoot
        configuration.maxRequestBodyBytes = maxBodyBytes
        // The test user hashes with 1 iteration; an unknown user's decoy should cost the same.
        configuration.sessions.decoyIterations = 1
        var logger = Logger(label: "realalgo-test")
        logger.logLevel = .warning
        let app = buildApplication(
            configuration, dependencies: AppDependencies(store: store, secretKey: secretKey, metrics: PrometheusCollectorRegistry()), logger: logger)
        let server = TestServer(store: store, apiKey: apiKey, revokedKey: revokedKey, app: app)
        return try await app.test(.live) { client in try await body(client, server) }
    }
}

extension TestClientProtocol {
    /// POSTs a JSON body (given as text, so tests can send malformed JSON too).
    func post(_ uri: String, json: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw TestServerError(message: "not a JSON object: \(text)")
        }
        return object
    }
}

struct TestServerError: Error {
    let message: String
}
