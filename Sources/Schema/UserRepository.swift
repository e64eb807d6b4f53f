// SPDX-License-Identifier: Apache-2.0
import GRDB

/// A person (or program owner) who can sign in and own keys, accounts and strategies.
public struct User: Sendable, Equatable {
    public let id: Int64
    public let username: String
    public let isAdmin: Bool
    public let isActive: Bool
    public let createdAt: String
    public let lastLoginAt: String?

    init(row: Row) {
        id = row["id"]
        username = row["username"]
        isAdmin = row["is_admin"]
        isActive = row["is_active"]
        createdAt = row["created_at"]
        lastLoginAt = row["last_login_at"]
    }
}

/// Users: creation (the first becomes admin, every user gets a sandbox account), passwords, listing.
public struct UserRepository: Sendable {
    let store: Store

    /// Letters, digits, `.`, `_` and `-`, 1 to 64 characters (the schema enforces the same rule).
    public static func validate(username: String) throws {
        let allowed = username.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".-_".unicodeScalars.contains(scalar))
        }
        guard (1...64).contains(username.count), allowed else {
            throw StoreError(.constraint, "username must be 1 to 64 characters of letters, digits, '.', '_' or '-'")
        }
    }

    /// Creates a user. The first user of a hub is made admin whatever `isAdmin` says.
    /// - Throws: ``StoreError`` `.constraint` for a bad or taken username.
    public func create(username: String, passwordHash: String, isAdmin: Bool, actor: AuditActor) async throws -> User {
        try Self.validate(username: username)
        return try await store.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM users WHERE username = ?", arguments: [username]) == nil else {
                throw StoreError(.constraint, "a user named '\(username)' already exists")
            }
            try db.execute(
                sql: "INSERT INTO users (username, password_hash, is_admin) VALUES (?, ?, ?)",
                arguments: [username, passwordHash, isAdmin])
            let id = db.lastInsertedRowID
            try AuditLog.record(db, actor: actor, userID: id, action: "user.create", entity: "users", entityID: id)
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id]) else {
                throw StoreError(.other, "the new user vanished inside its own transaction")
            }
            return User(row: row)
        }
    }

    /// Replaces a user's password hash.
    /// - Throws: ``StoreError`` `.notFound` when there is no such user.
    public func setPassword(username: String, passwordHash: String, actor: AuditActor) async throws {
        try await store.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE username = ?", arguments: [username]) else {
                throw StoreError(.notFound, "no user named '\(username)'")
            }
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [passwordHash, id])
            try AuditLog.record(db, actor: actor, userID: id, action: "user.passwd", entity: "users", entityID: id)
        }
    }

    public func list() async throws -> [User] {
        try await store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY id").map(User.init(row:)) }
    }

    public func find(username: String) async throws -> User? {
        try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE username = ?", arguments: [username]).map(User.init(row:))
        }
    }
}

extension Store {
    public var users: UserRepository { UserRepository(store: self) }
}
