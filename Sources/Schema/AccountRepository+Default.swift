// SPDX-License-Identifier: Apache-2.0
import GRDB

extension AccountRepository {
    /// Makes the user's sandbox (`analyze == true`) or their first active upstream account (by
    /// priority) the default one orders go to. Returns the kind now in force, or nil when the
    /// user has no such account (nothing changes then).
    public func switchDefault(userID: Int64, analyze: Bool) async throws -> String? {
        try await store.write { db in
            let target = try Int64.fetchOne(
                db,
                sql: """
                    SELECT id FROM accounts WHERE user_id = ? AND is_active = 1 AND kind = ? ORDER BY priority, id LIMIT 1
                    """,
                arguments: [userID, analyze ? "sandbox" : "openalgo"])
            guard let target else { return nil }
            try db.execute(sql: "UPDATE accounts SET is_default = 0 WHERE user_id = ? AND is_default = 1 AND id <> ?", arguments: [userID, target])
            try db.execute(sql: "UPDATE accounts SET is_default = 1 WHERE id = ?", arguments: [target])
            try AuditLog.record(
                db, actor: .api, userID: userID, action: analyze ? "analyzer.on" : "analyzer.off", entity: "accounts", entityID: target)
            return analyze ? "sandbox" : "openalgo"
        }
    }

    /// Whether the user's orders go to the sandbox, and how many sandbox orders they have.
    public func analyzerStatus(userID: Int64) async throws -> (analyze: Bool, sandboxOrders: Int) {
        try await store.read { db in
            let kind = try String.fetchOne(db, sql: "SELECT kind FROM accounts WHERE user_id = ? AND is_default = 1", arguments: [userID])
            let count =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM orders o JOIN accounts a ON a.id = o.account_id WHERE a.user_id = ? AND a.kind = 'sandbox'",
                    arguments: [userID]) ?? 0
            return ((kind ?? "sandbox") == "sandbox", count)
        }
    }
}
