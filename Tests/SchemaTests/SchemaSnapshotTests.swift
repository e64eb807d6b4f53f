// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import Testing

@testable import Schema

/// The schema the migrations produce, compared with Fixtures/schema.sql. A change to the schema
/// must come with an updated snapshot (run with REALALGO_UPDATE_SNAPSHOT=1 and review the diff),
/// so nobody changes the hub without seeing it in review.
@Suite("Schema snapshot")
struct SchemaSnapshotTests {
    @Test("sqlite_schema matches the checked-in snapshot")
    func snapshot() async throws {
        let actual = try await withHub { (store: Store) async throws in
            try await store.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT type, name, tbl_name, sql FROM sqlite_schema
                         WHERE name NOT LIKE 'sqlite_%' AND sql IS NOT NULL
                         ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, name
                        """
                ).map { row -> String in
                    let sql: String = row["sql"]
                    return "-- \(row["type"] as String) \(row["name"] as String) on \(row["tbl_name"] as String)\n\(sql);\n"
                }.joined(separator: "\n")
            }
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/schema.sql")
        if ProcessInfo.processInfo.environment["REALALGO_UPDATE_SNAPSHOT"] == "1" {
            try actual.write(to: source, atomically: true, encoding: .utf8)
        }
        let expected = try Fixtures.text("schema.sql")
        if actual != expected {
            let written = FileManager.default.temporaryDirectory.appendingPathComponent("realalgo-schema-actual.sql")
            try? actual.write(to: written, atomically: true, encoding: .utf8)
            Issue.record(
                "the schema differs from Tests/SchemaTests/Fixtures/schema.sql; the actual schema is in \(written.path) (diff them, then rerun with REALALGO_UPDATE_SNAPSHOT=1 if the change is intended)"
            )
        }
    }
}
