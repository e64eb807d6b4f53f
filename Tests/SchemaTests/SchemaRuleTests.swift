// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import Testing

@testable import Schema

/// One rule of the hub and a statement that tries to break it.
struct SchemaRule: Sendable, Codable, CustomTestStringConvertible {
    let table: String
    let rule: String
    let setup: [String]
    let attempt: String
    let error: String

    var testDescription: String { "\(table): \(rule)" }
}

struct SchemaRuleTable: Codable {
    let fixture: String
    let cases: [SchemaRule]

    static let shared: SchemaRuleTable = {
        do {
            return try JSONDecoder().decode(SchemaRuleTable.self, from: Data(contentsOf: Fixtures.url("schema-rules.json")))
        } catch {
            preconditionFailure("Fixtures/schema-rules.json does not load: \(error)")
        }
    }()
}

/// Every rule in Fixtures/schema-rules.json, tried through GRDB on a hub with the shared fixture
/// rows. The end-to-end suite tries the same table through the sqlite3 shell.
@Suite("Schema rules")
struct SchemaRuleTests {
    @Test("the fixture rows satisfy every rule")
    func fixtureLoads() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(Fixtures.text(SchemaRuleTable.shared.fixture))
            #expect(try await store.scalar("SELECT status FROM orders WHERE orderid = 'O-COMPLETE'", as: String.self) == "complete")
        }
    }

    @Test("every trigger of the hub is tried by at least one rule")
    func everyTriggerIsCovered() async throws {
        let triggers = try await withHub { (store: Store) async throws in
            try await store.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'trigger'") }
        }
        // Triggers that do work rather than refuse it are covered by the books and repository tests.
        let working: Set<String> = ["trades_apply", "users_first_is_admin", "users_get_sandbox_account", "accounts_get_funds"]
        let tables = Set(SchemaRuleTable.shared.cases.map(\.table))
        for trigger in triggers where !working.contains(trigger) && !trigger.hasSuffix("_updated_at") {
            #expect(tables.contains { trigger.hasPrefix($0 + "_") }, "no rule case for the table of trigger \(trigger)")
        }
    }

    @Test("a statement that breaks a rule fails with the rule's message and changes nothing", arguments: SchemaRuleTable.shared.cases)
    func ruleHolds(_ rule: SchemaRule) async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(Fixtures.text(SchemaRuleTable.shared.fixture))
            for statement in rule.setup { try await store.execute(statement) }
            let before = try await fingerprint(store)

            let error = try await #require(throws: StoreError.self) { try await store.execute(rule.attempt) }

            #expect(error.message.contains(rule.error), "got: \(error.message)")
            #expect(error.code == .constraint)
            #expect(try await fingerprint(store) == before)
        }
    }

    @Test("updated_at is stamped on every change")
    func updatedAtStamps() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(Fixtures.text(SchemaRuleTable.shared.fixture))
            try await store.execute("UPDATE orders SET updated_at = '2000-01-01T00:00:00.000Z' WHERE orderid = 'O-OPEN'")
            #expect(try await store.scalar("SELECT updated_at FROM orders WHERE orderid = 'O-OPEN'", as: String.self) == "2000-01-01T00:00:00.000Z")
            try await store.execute("UPDATE orders SET price = 111 WHERE orderid = 'O-OPEN'")
            let stamped = try #require(try await store.scalar("SELECT updated_at FROM orders WHERE orderid = 'O-OPEN'", as: String.self))
            #expect(stamped > "2026-01-01")
        }
    }

    @Test("a trailing stop can be reset by deactivating it, then ratchets again from a new peak")
    func trailingStopReset() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(Fixtures.text(SchemaRuleTable.shared.fixture))
            try await store.execute("UPDATE strategies SET trailing_sl_peak_pnl = 1500, trailing_sl_current_stop = 1000 WHERE id = 1")
            try await store.execute(
                "UPDATE strategies SET trailing_sl_active = 0, trailing_sl_peak_pnl = NULL, trailing_sl_initial_stop = NULL, trailing_sl_current_stop = NULL WHERE id = 1"
            )
            try await store.execute(
                "UPDATE strategies SET trailing_sl_active = 1, trailing_sl_peak_pnl = 0, trailing_sl_initial_stop = -500, trailing_sl_current_stop = -500 WHERE id = 1"
            )
            #expect(try await store.scalar("SELECT trailing_sl_peak_pnl FROM strategies WHERE id = 1", as: Double.self) == 0)
        }
    }

    /// Every row of every table, so a test can tell that a refused statement changed nothing.
    private func fingerprint(_ store: Store) async throws -> [String] {
        try await store.read { db in
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            return try tables.map { table in
                try "\(table): " + Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map(\.description).joined(separator: "|")
            }
        }
    }
}
