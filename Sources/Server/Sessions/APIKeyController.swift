// SPDX-License-Identifier: Apache-2.0
import Cryptography
import Foundation
import Hummingbird
import Schema

/// API-key management for the caller's own keys (RealAlgo's own endpoints):
/// `POST /api/v1/apikey/create`, `apikey/list` and `apikey/revoke`, authenticated by one of the
/// user's keys or by a browser session (see ``APICaller``).
struct APIKeyController: Sendable {
    let keys: APIKeyAuthenticator
    let sessions: SessionAuthenticator
    let generator: APIKeyGenerator
    let store: Store
    let maxBodyBytes: Int
    /// Called after a key is revoked, to close what was opened with it (market-data WebSockets).
    var onRevoke: @Sendable (Int64) -> Void = { _ in }

    static let createFields: Set<String> = ["name"]
    static let revokeFields: Set<String> = ["id"]
    static let defaultName = "default"

    func register(on routes: APIv1Routes) {
        routes.post("apikey/create") { request, _ in
            let (body, caller) = try await read(request, allowed: Self.createFields)
            let name = try Self.name(in: body)
            let key = try generator.generate()
            let info: APIKeyInfo
            do {
                info = try await store.apiKeys.create(
                    username: caller.username, name: name, keyHash: generator.hash(key), prefix: String(key.prefix(8)), actor: caller.actor)
            } catch let error as StoreError where error.code == .constraint {
                throw APIError(.badRequest, message: error.message)
            }
            var data = Self.json(info)
            data["apikey"] = .string(key)
            return try Self.answer([
                "data": .object(data), "message": .string("Copy this key now: RealAlgo keeps only a keyed hash and cannot show it again."),
            ])
        }
        routes.post("apikey/list") { request, _ in
            let (_, caller) = try await read(request, allowed: [])
            let keys = try await store.apiKeys.list(userID: caller.userID)
            return try Self.answer(["data": .array(keys.map { .object(Self.json($0)) })])
        }
        routes.post("apikey/revoke") { request, _ in
            let (body, caller) = try await read(request, allowed: Self.revokeFields)
            guard let id = try body.optionalInteger("id", in: 1...Int(Int64.max)) else {
                throw APIError.invalidField("id", "Missing data for required field.")
            }
            let info: APIKeyInfo
            do {
                info = try await store.apiKeys.revoke(id: Int64(id), ownerID: caller.userID, actor: caller.actor)
            } catch let error as StoreError where error.code == .notFound {
                throw APIError(.notFound, message: "API key \(id) not found")
            } catch let error as StoreError where error.code == .constraint {
                throw APIError.invalidField("id", "API key \(id) is already revoked.")
            }
            onRevoke(info.id)
            return try Self.answer(["data": .object(Self.json(info)), "message": .string("API key \(id) revoked")])
        }
    }

    /// Reads the body, resolves the caller, then refuses undeclared fields (after authentication,
    /// as every other endpoint does, so an unauthenticated caller learns nothing about the schema).
    private func read(_ request: Request, allowed: Set<String>) async throws -> (APIRequestBody, APICaller) {
        let body = try await APIRequestBody.read(request, limit: maxBodyBytes)
        let caller = try await APICaller.resolve(body: body, request: request, keys: keys, sessions: sessions)
        try body.rejectUnknownFields(allowed: allowed)
        return (body, caller)
    }

    /// `name`: optional, 1 to 64 characters (counted as the hub counts them), no control
    /// characters, surrounding spaces trimmed.
    static func name(in body: APIRequestBody) throws -> String {
        guard let value = body.fields["name"], value != .null else { return defaultName }
        guard case .string(let raw) = value else { throw APIError.invalidField("name", "Not a valid string.") }
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw APIError.invalidField("name", "Must not be empty.") }
        guard name.unicodeScalars.count <= 64 else { throw APIError.invalidField("name", "Longer than maximum length 64.") }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.invalidField("name", "Must not contain control characters.")
        }
        return name
    }

    /// A key as listed: never the key, never its hash.
    static func json(_ info: APIKeyInfo) -> [String: JSONValue] {
        [
            "id": .integer(info.id), "name": .string(info.name), "prefix": .string(info.prefix), "created_at": .string(info.createdAt),
            "last_used_at": info.lastUsedAt.map(JSONValue.string) ?? .null, "revoked_at": info.revokedAt.map(JSONValue.string) ?? .null,
            "status": .string(info.isRevoked ? "revoked" : "active"),
        ]
    }

    /// A success answer; `no-store`, because a new key must not linger in any cache.
    static func answer(_ fields: [String: JSONValue]) throws -> Response {
        var all = fields
        all["status"] = .string("success")
        var response = try JSONResponse.make(JSONValue.object(all))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
