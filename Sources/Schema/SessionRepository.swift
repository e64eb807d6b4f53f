// SPDX-License-Identifier: Apache-2.0
import GRDB

/// The user a valid browser session speaks for.
public struct SessionPrincipal: Sendable, Equatable {
    public let sessionID: Int64
    public let userID: Int64
    public let username: String
    public let isAdmin: Bool
    /// UTC, `2026-11-21T21:15:00.000Z`.
    public let expiresAt: String
}

/// The stored credentials of one user, for checking a password at sign-in.
public struct UserCredentials: Sendable {
    public let userID: Int64
    public let username: String
    public let passwordHash: String
    public let isActive: Bool
}

/// Browser sign-in sessions, stored only as a keyed hash of their token (migration 0016).
public struct SessionRepository: Sendable {
    let store: Store

    /// The user's id, canonical username, password hash and whether they may sign in; nil when no
    /// user has this name (ignoring case, as usernames are unique).
    public func credentials(username: String) async throws -> UserCredentials? {
        try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT id, username, password_hash, is_active FROM users WHERE username = ?", arguments: [username]).map {
                UserCredentials(userID: $0["id"], username: $0["username"], passwordHash: $0["password_hash"], isActive: $0["is_active"])
            }
        }
    }

    /// Starts a session for an active user, stamps their `last_login_at`, writes the audit row, and
    /// drops every expired session of the hub in the same transaction (sign-ins are rare, so the
    /// purge costs nothing worth a timer).
    /// - Parameters:
    ///   - tokenHash: the keyed hash of the session token (the token itself never reaches the hub).
    ///   - lifetimeSeconds: how long the session lasts from now.
    /// - Throws: ``StoreError`` `.notFound` when the user does not exist or is inactive.
    public func create(
        userID: Int64, tokenHash: String, lifetimeSeconds: Int, ip: String?, userAgent: String?, actor: AuditActor
    ) async throws -> SessionPrincipal {
        precondition(lifetimeSeconds > 0, "a session must last some time")
        return try await store.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM users WHERE id = ? AND is_active = 1", arguments: [userID]) != nil else {
                throw StoreError(.notFound, "no active user with id \(userID)")
            }
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now')")
            try db.execute(
                sql: """
                    INSERT INTO sessions (user_id, token_hash, expires_at, ip, user_agent)
                    VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?), ?, ?)
                    """,
                arguments: [
                    userID, tokenHash, "+\(lifetimeSeconds) seconds", ip.map { String($0.prefix(64)) }, userAgent.map { String($0.prefix(256)) },
                ])
            let id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE users SET last_login_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?", arguments: [userID])
            try AuditLog.record(db, actor: actor, userID: userID, action: "session.login", entity: "sessions", entityID: id)
            guard let principal = try Self.principal(db, where: "s.id = ?", id) else {
                throw StoreError(.other, "the new session vanished inside its own transaction")
            }
            return principal
        }
    }

    /// The principal of a session token's hash: nil when no such session exists, it has expired,
    /// or its user is no longer active. Reads the hub every time, so a sign-out or a deactivation
    /// applies to the very next request.
    public func principal(forTokenHash tokenHash: String) async throws -> SessionPrincipal? {
        try await store.read { db in
            try Self.principal(db, where: "s.token_hash = ? AND s.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", tokenHash)
        }
    }

    /// Ends a session (sign-out). Ending one that is already gone is not an error.
    public func delete(sessionID: Int64, actor: AuditActor) async throws {
        try await store.write { db in
            guard let userID = try Int64.fetchOne(db, sql: "SELECT user_id FROM sessions WHERE id = ?", arguments: [sessionID]) else { return }
            try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [sessionID])
            try AuditLog.record(db, actor: actor, userID: userID, action: "session.logout", entity: "sessions", entityID: sessionID)
        }
    }

    /// Sessions not yet expired (all users), for tests and operators.
    public func activeCount() async throws -> Int {
        try await store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sessions WHERE expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')") ?? 0
        }
    }

    private static func principal(_ db: Database, where condition: String, _ argument: some DatabaseValueConvertible) throws -> SessionPrincipal? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT s.id, s.user_id, u.username, u.is_admin, s.expires_at
                  FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE \(condition) AND u.is_active = 1
                """,
            arguments: [argument]
        ).map {
            SessionPrincipal(
                sessionID: $0["id"], userID: $0["user_id"], username: $0["username"], isAdmin: $0["is_admin"], expiresAt: $0["expires_at"])
        }
    }
}

extension Store {
    public var sessions: SessionRepository { SessionRepository(store: self) }
}
