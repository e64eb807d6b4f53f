// SPDX-License-Identifier: Apache-2.0
import GRDB

/// What RealAlgo knows about an API key: never the key itself, only its keyed hash and prefix.
public struct APIKeyInfo: Sendable, Equatable {
    public let id: Int64
    public let userID: Int64
    public let username: String
    public let name: String
    public let prefix: String
    public let createdAt: String
    public let lastUsedAt: String?
    public let revokedAt: String?

    public var isRevoked: Bool { revokedAt != nil }

    init(row: Row) {
        id = row["id"]
        userID = row["user_id"]
        username = row["username"]
        name = row["name"]
        prefix = row["key_prefix"]
        createdAt = row["created_at"]
        lastUsedAt = row["last_used_at"]
        revokedAt = row["revoked_at"]
    }
}

/// The user a valid API key speaks for.
public struct Principal: Sendable, Equatable {
    public let userID: Int64
    public let username: String
    public let isAdmin: Bool
    public let apiKeyID: Int64
}

/// API keys: one or more per user, stored only as a keyed hash; revocation is immediate and final.
public struct APIKeyRepository: Sendable {
    let store: Store

    private static let selectInfo = """
        SELECT k.id, k.user_id, u.username, k.name, k.key_prefix, k.created_at, k.last_used_at, k.revoked_at
          FROM api_keys k JOIN users u ON u.id = k.user_id
        """

    /// Records a new key for `username`.
    /// - Parameters:
    ///   - keyHash: the HMAC of the key (see `APIKeyGenerator.hash`).
    ///   - prefix: the key's first 8 characters, shown in listings to tell keys apart.
    /// - Throws: ``StoreError`` `.notFound` for an unknown or inactive user.
    public func create(username: String, name: String, keyHash: String, prefix: String, actor: AuditActor) async throws -> APIKeyInfo {
        guard (1...64).contains(name.count) else { throw StoreError(.constraint, "a key name must be 1 to 64 characters") }
        return try await store.write { db in
            guard let userID = try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE username = ? AND is_active = 1", arguments: [username]) else {
                throw StoreError(.notFound, "no active user named '\(username)'")
            }
            try db.execute(
                sql: "INSERT INTO api_keys (user_id, name, key_hash, key_prefix) VALUES (?, ?, ?, ?)",
                arguments: [userID, name, keyHash, prefix])
            let id = db.lastInsertedRowID
            try AuditLog.record(db, actor: actor, userID: userID, action: "apikey.create", entity: "api_keys", entityID: id)
            guard let row = try Row.fetchOne(db, sql: Self.selectInfo + " WHERE k.id = ?", arguments: [id]) else {
                throw StoreError(.other, "the new key vanished inside its own transaction")
            }
            return APIKeyInfo(row: row)
        }
    }

    /// Keys of one user, or of everyone, oldest first.
    public func list(username: String? = nil) async throws -> [APIKeyInfo] {
        try await store.read { db in
            if let username {
                guard try Int.fetchOne(db, sql: "SELECT 1 FROM users WHERE username = ?", arguments: [username]) != nil else {
                    throw StoreError(.notFound, "no user named '\(username)'")
                }
                return try Row.fetchAll(db, sql: Self.selectInfo + " WHERE u.username = ? ORDER BY k.id", arguments: [username]).map(
                    APIKeyInfo.init(row:))
            }
            return try Row.fetchAll(db, sql: Self.selectInfo + " ORDER BY k.id").map(APIKeyInfo.init(row:))
        }
    }

    /// Revokes a key at once. Revoking a revoked key is an error, so scripts notice typos.
    /// - Throws: ``StoreError`` `.notFound` for an unknown id, `.constraint` if already revoked.
    public func revoke(id: Int64, actor: AuditActor) async throws {
        try await store.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT user_id, revoked_at FROM api_keys WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "no API key with id \(id)")
            }
            guard (row["revoked_at"] as String?) == nil else { throw StoreError(.constraint, "API key \(id) is already revoked") }
            try db.execute(sql: "UPDATE api_keys SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?", arguments: [id])
            try AuditLog.record(db, actor: actor, userID: row["user_id"], action: "apikey.revoke", entity: "api_keys", entityID: id)
        }
    }

    /// The principal for a key hash, if the key exists, is not revoked and its user is active.
    public func principal(forKeyHash keyHash: String) async throws -> Principal? {
        try await store.read { db in
            // Cached: every API request runs this, and preparing it each time costs more than the lookup.
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT k.id AS key_id, u.id AS user_id, u.username, u.is_admin
                          FROM api_keys k JOIN users u ON u.id = k.user_id
                         WHERE k.key_hash = ? AND k.revoked_at IS NULL AND u.is_active = 1
                        """),
                arguments: [keyHash]
            ).map { Principal(userID: $0["user_id"], username: $0["username"], isAdmin: $0["is_admin"], apiKeyID: $0["key_id"]) }
        }
    }

    /// Stamps `last_used_at`, at most once a minute per key so busy clients cost no extra writes.
    public func recordUse(keyID: Int64) async throws {
        try await store.write { db in
            try db.execute(
                sql: """
                    UPDATE api_keys SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                     WHERE id = ? AND (last_used_at IS NULL OR last_used_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-60 seconds'))
                    """,
                arguments: [keyID])
        }
    }
}

extension Store {
    public var apiKeys: APIKeyRepository { APIKeyRepository(store: self) }
}
