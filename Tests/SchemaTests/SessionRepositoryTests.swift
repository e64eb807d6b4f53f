// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import Testing

@testable import Schema

/// Browser sessions and the per-user side of API keys, on a real hub file.
@Suite("Sessions and per-user API keys")
struct SessionRepositoryTests {
    static let hashA = String(repeating: "a1", count: 32)
    static let hashB = String(repeating: "b2", count: 32)

    @Test("a session resolves to its user until it is deleted, and sign-in is audited and stamped")
    func lifecycle() async throws {
        try await withHub { (store: Store) async throws in
            let alice = try await store.users.create(username: "alice", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            let credentials = try #require(try await store.sessions.credentials(username: "ALICE"))
            #expect(credentials.userID == alice.id && credentials.username == "alice" && credentials.isActive)
            #expect(try await store.sessions.credentials(username: "nobody") == nil)

            let session = try await store.sessions.create(
                userID: alice.id, tokenHash: Self.hashA, lifetimeSeconds: 3600, ip: "::ffff:127.0.0.1", userAgent: "test", actor: .web)
            #expect(session.username == "alice" && session.userID == alice.id)
            #expect(try await store.sessions.principal(forTokenHash: Self.hashA) == session)
            #expect(try await store.sessions.principal(forTokenHash: Self.hashB) == nil)
            #expect(try await store.users.find(username: "alice")?.lastLoginAt != nil)
            // Expiry is an hour from now, in the hub's UTC form.
            let expires = try #require(ISO8601DateFormatter.withFractionalSeconds.date(from: session.expiresAt))
            #expect(abs(expires.timeIntervalSinceNow - 3600) < 60)

            try await store.sessions.delete(sessionID: session.sessionID, actor: .web)
            #expect(try await store.sessions.principal(forTokenHash: Self.hashA) == nil)
            try await store.sessions.delete(sessionID: session.sessionID, actor: .web)  // already gone: not an error
            let actions = try await store.read { db in
                try String.fetchAll(db, sql: "SELECT action FROM audit_log WHERE entity = 'sessions' ORDER BY id")
            }
            #expect(actions == ["session.login", "session.logout"])
        }
    }

    @Test("an expired session is refused and purged at the next sign-in")
    func expiry() async throws {
        try await withHub { (store: Store) async throws in
            let alice = try await store.users.create(username: "alice", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            try await store.execute(
                """
                INSERT INTO sessions (user_id, token_hash, created_at, expires_at)
                VALUES (\(alice.id), '\(Self.hashA)', '2020-01-01T00:00:00.000Z', '2020-01-01T12:00:00.000Z')
                """)
            #expect(try await store.sessions.principal(forTokenHash: Self.hashA) == nil)
            #expect(try await store.sessions.activeCount() == 0)
            _ = try await store.sessions.create(userID: alice.id, tokenHash: Self.hashB, lifetimeSeconds: 60, ip: nil, userAgent: nil, actor: .web)
            #expect(try await store.scalar("SELECT count(*) FROM sessions", as: Int.self) == 1)
            #expect(try await store.sessions.activeCount() == 1)
        }
    }

    @Test("a deactivated user's sessions stop working at once, and they cannot start one")
    func inactiveUser() async throws {
        try await withHub { (store: Store) async throws in
            _ = try await store.users.create(username: "admin", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: true, actor: .cli)
            let bob = try await store.users.create(username: "bob", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            _ = try await store.sessions.create(userID: bob.id, tokenHash: Self.hashA, lifetimeSeconds: 60, ip: nil, userAgent: nil, actor: .web)
            try await store.execute("UPDATE users SET is_active = 0 WHERE id = \(bob.id)")
            #expect(try await store.sessions.principal(forTokenHash: Self.hashA) == nil)
            #expect(try await store.sessions.credentials(username: "bob")?.isActive == false)
            let error = try await #require(throws: StoreError.self) {
                try await store.sessions.create(userID: bob.id, tokenHash: Self.hashB, lifetimeSeconds: 60, ip: nil, userAgent: nil, actor: .web)
            }
            #expect(error.code == .notFound)
        }
    }

    @Test("the schema refuses changing a session, a reused token and a malformed hash")
    func schemaRules() async throws {
        try await withHub { (store: Store) async throws in
            let alice = try await store.users.create(username: "alice", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            let session = try await store.sessions.create(
                userID: alice.id, tokenHash: Self.hashA, lifetimeSeconds: 60, ip: nil, userAgent: nil, actor: .web)
            let extend = try await #require(throws: StoreError.self) {
                try await store.execute("UPDATE sessions SET expires_at = '2099-01-01T00:00:00.000Z' WHERE id = \(session.sessionID)")
            }
            #expect(extend.message.contains("a session never changes"))
            let reuse = try await #require(throws: StoreError.self) {
                try await store.sessions.create(userID: alice.id, tokenHash: Self.hashA, lifetimeSeconds: 60, ip: nil, userAgent: nil, actor: .web)
            }
            #expect(reuse.message.contains("sessions are never replaced"))
            await #expect(throws: StoreError.self) {
                try await store.sessions.create(userID: alice.id, tokenHash: "not-hex", lifetimeSeconds: 60, ip: nil, userAgent: nil, actor: .web)
            }
            await #expect(throws: StoreError.self) {
                try await store.execute(
                    "INSERT INTO sessions (user_id, token_hash, expires_at) VALUES (999, '\(Self.hashB)', '2099-01-01T00:00:00.000Z')")
            }
        }
    }

    @Test("keys are listed and revoked per user; another user's key looks like a missing one")
    func keysPerUser() async throws {
        try await withHub { (store: Store) async throws in
            let alice = try await store.users.create(username: "alice", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            let bob = try await store.users.create(username: "bob", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            let alicesKey = try await store.apiKeys.create(username: "alice", name: "bot", keyHash: Self.hashA, prefix: "a1a1a1a1", actor: .api)
            let bobsKey = try await store.apiKeys.create(username: "bob", name: "bot", keyHash: Self.hashB, prefix: "b2b2b2b2", actor: .api)
            #expect(try await store.apiKeys.list(userID: alice.id).map(\.id) == [alicesKey.id])
            #expect(try await store.apiKeys.list(userID: bob.id).map(\.id) == [bobsKey.id])

            let stranger = try await #require(throws: StoreError.self) {
                try await store.apiKeys.revoke(id: bobsKey.id, ownerID: alice.id, actor: .web)
            }
            #expect(stranger.code == .notFound && stranger.message == "no API key with id \(bobsKey.id)")
            #expect(try await store.apiKeys.principal(forKeyHash: Self.hashB) != nil)

            let revoked = try await store.apiKeys.revoke(id: alicesKey.id, ownerID: alice.id, actor: .web)
            #expect(revoked.isRevoked && revoked.revokedAt != nil)
            #expect(try await store.apiKeys.principal(forKeyHash: Self.hashA) == nil)
            let actors = try await store.read { db in
                try String.fetchAll(db, sql: "SELECT actor || ' ' || action FROM audit_log WHERE entity = 'api_keys' ORDER BY id")
            }
            #expect(actors == ["api apikey.create", "api apikey.create", "web apikey.revoke"])
        }
    }

    @Test("a user holds at most 100 active keys; revoking one makes room")
    func keyCap() async throws {
        try await withHub { (store: Store) async throws in
            _ = try await store.users.create(username: "alice", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            func hash(_ index: Int) -> String { String(format: "%064x", index) }
            var first: Int64?
            for index in 0..<APIKeyRepository.maxActiveKeysPerUser {
                let key = try await store.apiKeys.create(username: "alice", name: "k\(index)", keyHash: hash(index), prefix: "00000000", actor: .cli)
                first = first ?? key.id
            }
            let full = try await #require(throws: StoreError.self) {
                try await store.apiKeys.create(username: "alice", name: "one more", keyHash: hash(1000), prefix: "00000000", actor: .cli)
            }
            #expect(full.code == .constraint && full.message.contains("revoke one first"))
            try await store.apiKeys.revoke(id: try #require(first), actor: .cli)
            _ = try await store.apiKeys.create(username: "alice", name: "one more", keyHash: hash(1000), prefix: "00000000", actor: .cli)
        }
    }

    @Test("key names are counted as the hub counts them (code points), so the schema never disagrees")
    func keyNameLength() async throws {
        try await withHub { (store: Store) async throws in
            _ = try await store.users.create(username: "alice", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            // 40 characters to Swift, 80 code points to SQLite's length().
            let combining = String(repeating: "e\u{301}", count: 40)
            let error = try await #require(throws: StoreError.self) {
                try await store.apiKeys.create(username: "alice", name: combining, keyHash: Self.hashA, prefix: "a1a1a1a1", actor: .cli)
            }
            #expect(error.message.contains("1 to 64 characters"))
        }
    }
}

extension ISO8601DateFormatter {
    /// The hub's timestamps: `2026-11-21T09:15:00.000Z`.
    static var withFractionalSeconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
