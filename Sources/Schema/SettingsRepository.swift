// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB

/// The hub's `settings` table: JSON values under dotted keys (`sandbox.futures_leverage`).
public struct SettingsRepository: Sendable {
    let store: Store

    /// Every setting whose key starts with `prefix`, as raw JSON text.
    public func values(prefix: String) async throws -> [String: String] {
        try await store.read { db in
            var values: [String: String] = [:]
            let rows = try Row.fetchAll(
                db, sql: "SELECT key, value FROM settings WHERE key >= ? AND key < ?", arguments: [prefix, prefix + "\u{FFFF}"])
            for row in rows { values[row["key"]] = row["value"] }
            return values
        }
    }

    /// Sets one setting; `json` must be valid JSON (the table's CHECK refuses anything else).
    public func set(_ key: String, json: String) async throws {
        try await store.write { db in
            try db.execute(
                sql: "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [key, json])
        }
    }
}

extension Store {
    public var settings: SettingsRepository { SettingsRepository(store: self) }
}
