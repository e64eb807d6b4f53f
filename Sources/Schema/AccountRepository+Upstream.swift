// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB

/// An OpenAlgo-compatible upstream account: where its REST API and market-data WebSocket are,
/// and its sealed API key.
public struct UpstreamAccount: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var name: String
    public var broker: String
    public var hostURL: String
    public var webSocketURL: String?
    /// AES-256-GCM box of the upstream API key (see `Cryptography.AESGCM`).
    public var sealedCredentials: [UInt8]
    public var priority: Int
    public var isActive: Bool
}

extension AccountRepository {
    /// Adds an upstream account for `username`. Never replaces one: a taken name is an error.
    public func addUpstream(
        username: String, name: String, broker: String, hostURL: String, webSocketURL: String?, sealedCredentials: [UInt8], priority: Int
    ) async throws -> Int64 {
        try await store.write { db in
            guard let userID = try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE username = ? AND is_active = 1", arguments: [username])
            else { throw StoreError(.notFound, "no active user named '\(username)'") }
            try db.execute(
                sql: """
                    INSERT INTO accounts (user_id, name, kind, broker, host_url, ws_url, credentials, priority)
                    VALUES (?, ?, 'openalgo', ?, ?, ?, ?, ?)
                    """,
                arguments: [userID, name, broker, hostURL, webSocketURL, Data(sealedCredentials), priority])
            return db.lastInsertedRowID
        }
    }

    /// Every upstream account, failover order first (priority, then id).
    public func upstreamAccounts(activeOnly: Bool = true) async throws -> [UpstreamAccount] {
        try await store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, user_id, name, broker, host_url, ws_url, credentials, priority, is_active FROM accounts
                     WHERE kind = 'openalgo' \(activeOnly ? "AND is_active = 1" : "") ORDER BY priority, id
                    """
            ).map { row in
                UpstreamAccount(
                    id: row["id"], userID: row["user_id"], name: row["name"], broker: row["broker"], hostURL: row["host_url"],
                    webSocketURL: row["ws_url"], sealedCredentials: [UInt8]((row["credentials"] as Data?) ?? Data()), priority: row["priority"],
                    isActive: row["is_active"])
            }
        }
    }

    /// Activates or deactivates an account; a deactivated upstream is not used for failover.
    public func setActive(accountID: Int64, _ active: Bool) async throws {
        try await store.write { db in
            try db.execute(sql: "UPDATE accounts SET is_active = ? WHERE id = ?", arguments: [active, accountID])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no account with id \(accountID)") }
        }
    }
}
