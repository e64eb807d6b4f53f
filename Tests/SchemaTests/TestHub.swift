// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import GRDB

@testable import Schema

/// A scratch folder that is deleted when the test ends.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("realalgo-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var databaseURL: URL { url.appendingPathComponent("realalgo.db") }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The date every test hub is prepared for: the calendar, expiries and listed contracts depend on it.
let testToday = LocalDate(iso: "2026-11-21")!

/// Opens a fresh hub, applies every migration, rolls the instrument master to `testToday`, runs
/// `body`, and always closes and deletes it.
func withHub<T>(_ body: (Store) async throws -> T) async throws -> T {
    let scratch = try ScratchDirectory()
    defer { scratch.remove() }
    let store = try Store.open(at: scratch.databaseURL)
    do {
        _ = try await HubMaintenance.prepare(store, today: testToday)
        let result = try await body(store)
        try store.close()
        return result
    } catch {
        try? store.close()
        throw error
    }
}

/// Test fixtures shipped as resources.
enum Fixtures {
    static func url(_ name: String) throws -> URL {
        guard let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw StoreError(.other, "the Fixtures folder is missing from the test bundle")
        }
        return folder.appendingPathComponent(name)
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: url(name), encoding: .utf8)
    }
}

extension Store {
    /// Runs SQL with foreign keys on, as every RealAlgo connection has them.
    func execute(_ sql: String) async throws {
        try await write { db in try db.execute(sql: sql) }
    }

    func scalar<T: DatabaseValueConvertible & Sendable>(_ sql: String, as type: T.Type = T.self) async throws -> T? {
        try await read { db in try T.fetchOne(db, sql: sql) }
    }
}

/// A fetched row that can cross from the database queue to the test (GRDB's `Row` cannot).
struct TestRow: Sendable {
    let values: [String: DatabaseValue]

    init(_ row: Row) {
        values = Dictionary(row.map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
    }

    subscript<T: DatabaseValueConvertible>(_ column: String) -> T {
        guard let value = values[column], let converted = T.fromDatabaseValue(value) else {
            preconditionFailure("column \(column) is missing or is not a \(T.self): \(String(describing: values[column]))")
        }
        return converted
    }
}

extension Store {
    func rows(_ sql: String, _ arguments: StatementArguments = []) async throws -> [TestRow] {
        try await read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(TestRow.init) }
    }

    func row(_ sql: String, _ arguments: StatementArguments = []) async throws -> TestRow? {
        try await rows(sql, arguments).first
    }
}
