// SPDX-License-Identifier: Apache-2.0
import GRDB

/// Who made a change, as recorded in `audit_log.actor`.
public enum AuditActor: String, Sendable {
    case cli, api, web, strategy, system
}

/// Writes audit rows inside the same transaction as the change they describe, so the log and the
/// data can never disagree.
enum AuditLog {
    static func record(
        _ db: Database, actor: AuditActor, userID: Int64?, action: String, entity: String, entityID: Int64?, details: String? = nil
    ) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (actor, user_id, action, entity, entity_id, details) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [actor.rawValue, userID, action, entity, entityID.map(String.init), details])
    }
}
