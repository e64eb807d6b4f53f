// SPDX-License-Identifier: Apache-2.0
import GRDB

/// One mirror: orders placed on the source account are also placed on the target, quantity ×
/// multiplier.
public struct AccountMirror: Sendable, Equatable {
    public var sourceAccountID: Int64
    public var sourceName: String
    public var targetAccountID: Int64
    public var targetName: String
    public var multiplier: Int64
    public var isActive: Bool
}

/// The `account_mirrors` table (the AlgoMirror use case). The schema allows only upstream accounts
/// of one user on both ends, so a sandbox order can never be mirrored to an upstream.
public struct AccountMirrorRepository: Sendable {
    let store: Store

    private static let select = """
        SELECT m.source_account_id, s.name AS source_name, m.target_account_id, t.name AS target_name, m.multiplier, m.is_active
          FROM account_mirrors m JOIN accounts s ON s.id = m.source_account_id JOIN accounts t ON t.id = m.target_account_id
        """

    private static func mirror(_ row: Row) -> AccountMirror {
        AccountMirror(
            sourceAccountID: row["source_account_id"], sourceName: row["source_name"], targetAccountID: row["target_account_id"],
            targetName: row["target_name"], multiplier: row["multiplier"], isActive: row["is_active"])
    }

    /// Adds a mirror, or changes the multiplier of an existing one and makes it active.
    /// - Throws: ``StoreError`` `.constraint` when the accounts are not two upstream accounts of one user.
    public func add(sourceAccountID: Int64, targetAccountID: Int64, multiplier: Int64) async throws {
        try await store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO account_mirrors (source_account_id, target_account_id, multiplier) VALUES (?, ?, ?)
                    ON CONFLICT (source_account_id, target_account_id) DO UPDATE SET multiplier = excluded.multiplier, is_active = 1
                    """,
                arguments: [sourceAccountID, targetAccountID, multiplier])
            try AuditLog.record(
                db, actor: .cli, userID: nil, action: "mirror.add", entity: "account_mirrors", entityID: sourceAccountID,
                details: #"{"target_account_id":\#(targetAccountID),"multiplier":\#(multiplier)}"#)
        }
    }

    /// Removes a mirror. - Throws: ``StoreError`` `.notFound` when there is none.
    public func remove(sourceAccountID: Int64, targetAccountID: Int64) async throws {
        try await store.write { db in
            try db.execute(
                sql: "DELETE FROM account_mirrors WHERE source_account_id = ? AND target_account_id = ?",
                arguments: [sourceAccountID, targetAccountID])
            guard db.changesCount == 1 else {
                throw StoreError(.notFound, "no mirror from account \(sourceAccountID) to account \(targetAccountID)")
            }
            try AuditLog.record(
                db, actor: .cli, userID: nil, action: "mirror.remove", entity: "account_mirrors", entityID: sourceAccountID,
                details: #"{"target_account_id":\#(targetAccountID)}"#)
        }
    }

    /// Every mirror, by source then target.
    public func all() async throws -> [AccountMirror] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "\(Self.select) ORDER BY m.source_account_id, m.target_account_id").map(Self.mirror)
        }
    }

    /// The active targets of `sourceAccountID` whose accounts are active too.
    public func activeTargets(of sourceAccountID: Int64) async throws -> [AccountMirror] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: "\(Self.select) WHERE m.source_account_id = ? AND m.is_active = 1 AND t.is_active = 1 ORDER BY m.target_account_id",
                arguments: [sourceAccountID]
            ).map(Self.mirror)
        }
    }
}

extension Store {
    public var accountMirrors: AccountMirrorRepository { AccountMirrorRepository(store: self) }
}
