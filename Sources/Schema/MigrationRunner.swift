// SPDX-License-Identifier: Apache-2.0
import Core
import GRDB

/// Brings a hub up to the schema this binary knows, one migration per transaction.
///
/// Each applied migration is recorded in `schema_migrations` with its checksum. Before anything
/// is applied the runner checks the record: a recorded migration this binary does not know means a
/// newer RealAlgo migrated the file; a recorded migration whose text changed means someone edited
/// a shipped migration. Both stop with a clear error and change nothing.
public struct MigrationRunner: Sendable {
    public enum State: String, Sendable {
        case applied, pending
        /// Applied, but the file's text differs from what was applied.
        case changed
        /// Applied by a newer RealAlgo; this binary does not have the file.
        case unknown
    }

    public struct Status: Sendable {
        public let name: String
        public let state: State
        public let checksum: String
        public let appliedAt: String?
        public let appliedBy: String?
    }

    public let migrations: [Migration]

    public init(migrations: [Migration] = Migration.embedded) {
        self.migrations = migrations.sorted { $0.name < $1.name }
    }

    /// Where each migration stands in `store`.
    public func status(of store: Store) async throws -> [Status] {
        let applied = try await store.read { db in try Self.appliedRecords(db) }
        var result = migrations.map { migration -> Status in
            guard let record = applied[migration.name] else {
                return Status(name: migration.name, state: .pending, checksum: migration.checksum, appliedAt: nil, appliedBy: nil)
            }
            let state: State = record.checksum == migration.checksum ? .applied : .changed
            return Status(name: migration.name, state: state, checksum: record.checksum, appliedAt: record.appliedAt, appliedBy: record.version)
        }
        let known = Set(migrations.map(\.name))
        for (name, record) in applied where !known.contains(name) {
            result.append(Status(name: name, state: .unknown, checksum: record.checksum, appliedAt: record.appliedAt, appliedBy: record.version))
        }
        return result.sorted { $0.name < $1.name }
    }

    /// Applies every pending migration in order, each in its own `BEGIN IMMEDIATE` transaction.
    /// - Returns: the names applied, in order (empty when the hub was up to date).
    /// - Throws: ``StoreError`` (`.newerSchema`, `.migrationChanged`, `.migrationFailed`); a failed
    ///   migration is rolled back and later ones are not attempted.
    @discardableResult
    public func migrate(_ store: Store) async throws -> [String] {
        var appliedNow: [String] = []
        try await store.write { db in try Self.createLedger(db) }
        for migration in migrations {
            let done: Bool = try await store.write { [self] db in
                // Re-read inside the write lock: another process may have migrated meanwhile.
                let applied = try Self.appliedRecords(db)
                try verify(applied)
                if applied[migration.name] != nil { return false }
                do {
                    try db.execute(sql: migration.sql)
                } catch let error as DatabaseError {
                    throw StoreError(
                        .migrationFailed,
                        "migration \(migration.name) failed and was rolled back: \(error.message ?? "SQLite error \(error.extendedResultCode.rawValue)")",
                        sqliteCode: error.extendedResultCode.rawValue)
                }
                let violations = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
                guard violations.isEmpty else {
                    throw StoreError(
                        .migrationFailed, "migration \(migration.name) left \(violations.count) foreign-key violations and was rolled back")
                }
                try db.execute(sql: "PRAGMA application_id = \(Store.applicationID)")
                try db.execute(
                    sql: "INSERT INTO schema_migrations (name, checksum, realalgo_version) VALUES (?, ?, ?)",
                    arguments: [migration.name, migration.checksum, RealAlgoVersion.current])
                return true
            }
            if done { appliedNow.append(migration.name) }
        }
        // A hub whose migrations were all applied elsewhere still gets the integrity check.
        try await store.read { [self] db in try verify(Self.appliedRecords(db)) }
        return appliedNow
    }

    /// True when every migration this binary knows is applied and none changed.
    public func isUpToDate(_ store: Store) async throws -> Bool {
        try await status(of: store).allSatisfy { $0.state == .applied }
    }

    private func verify(_ applied: [String: Record]) throws {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.name, $0) })
        if let newer = applied.keys.sorted().first(where: { known[$0] == nil }) {
            throw StoreError(
                .newerSchema,
                "this database was migrated by a newer RealAlgo (\(applied[newer]?.version ?? "unknown version") applied \(newer), which this \(RealAlgoVersion.current) binary does not have); upgrade realalgo or use a backup made for this version"
            )
        }
        for (name, record) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[name], migration.checksum != record.checksum else { continue }
            throw StoreError(
                .migrationChanged,
                "migration \(name) was changed after it was applied (recorded checksum \(record.checksum.prefix(12))…, the file now hashes to \(migration.checksum.prefix(12))…); never edit a shipped migration: restore the original file and put the change in a new migration"
            )
        }
        let pendingBeforeApplied = migrations.lazy.filter { applied[$0.name] == nil }.first { pending in
            applied.keys.contains { $0 > pending.name }
        }
        if let gap = pendingBeforeApplied {
            throw StoreError(
                .migrationChanged,
                "migration \(gap.name) is pending but a later migration is already applied; migrations must be applied in name order")
        }
    }

    struct Record {
        let checksum: String
        let appliedAt: String
        let version: String
    }

    static func createLedger(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name              TEXT PRIMARY KEY,
                    checksum          TEXT NOT NULL CHECK (length(checksum) = 64),
                    applied_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                    realalgo_version  TEXT NOT NULL
                ) STRICT
                """)
    }

    static func appliedRecords(_ db: Database) throws -> [String: Record] {
        guard try db.tableExists("schema_migrations") else { return [:] }
        var records: [String: Record] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, checksum, applied_at, realalgo_version FROM schema_migrations") {
            records[row[0]] = Record(checksum: row[1], appliedAt: row[2], version: row[3])
        }
        return records
    }
}
