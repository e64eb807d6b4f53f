// SPDX-License-Identifier: Apache-2.0
import GRDB

extension StrategyRepository {
    /// The user's strategy with this id, with its current source; nil when the user has none.
    public func strategy(id: Int64, userID: Int64) async throws -> StrategyRecord? {
        try await store.read { db in try Self.fetchOptional(db, where: "s.id = ? AND s.user_id = ?", [id, userID]) }
    }

    /// The user's strategy with this name, with its current source; nil when the user has none.
    public func strategy(name: String, userID: Int64) async throws -> StrategyRecord? {
        try await store.read { db in try Self.fetchOptional(db, where: "s.user_id = ? AND s.name = ?", [userID, name]) }
    }

    /// The user's strategies, newest first.
    /// - Parameters:
    ///   - status: only strategies with this derived status.
    ///   - nameContains: only names containing this text, ignoring ASCII case (no wildcards).
    ///   - includeSource: load each current source too; lists usually leave it out (up to 1 MB each).
    public func list(
        userID: Int64, status: StrategyStatus? = nil, nameContains: String? = nil, includeSource: Bool = false
    ) async throws -> [StrategyRecord] {
        try await store.read { db in
            var conditions = ["s.user_id = ?"]
            var arguments: StatementArguments = [userID]
            if let nameContains, !nameContains.isEmpty {
                conditions.append("instr(lower(s.name), lower(?)) > 0")
                arguments += [nameContains]
            }
            var sql = StrategyRecord.selectSQL(includeSource: includeSource) + " WHERE " + conditions.joined(separator: " AND ")
            if let status {
                sql = "SELECT * FROM (\(sql)) WHERE derived_status = ?"
                arguments += [status.rawValue]
            }
            sql = "SELECT * FROM (\(sql)) ORDER BY created_at DESC, id DESC"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(StrategyRecord.init(row:))
        }
    }

    /// The strategy's saved versions, oldest first.
    /// - Parameter includeSources: load every version's text too.
    /// - Throws: ``StoreError`` `.notFound` when the user has no such strategy.
    public func versions(strategyID: Int64, userID: Int64, includeSources: Bool = false) async throws -> [StrategyVersionRecord] {
        try await store.read { db in
            try Self.requireOwned(db, strategyID: strategyID, userID: userID)
            return try Row.fetchAll(
                db, sql: StrategyVersionRecord.selectSQL(includeSource: includeSources) + " WHERE strategy_id = ? ORDER BY version",
                arguments: [strategyID]
            ).map(StrategyVersionRecord.init(row:))
        }
    }

    /// One version with its text (what a run with this `source_version` ran); nil when the
    /// strategy has no such version. For the host, which has already checked ownership.
    public func source(strategyID: Int64, version: Int) async throws -> StrategyVersionRecord? {
        try await store.read { db in
            try Row.fetchOne(
                db, sql: StrategyVersionRecord.selectSQL(includeSource: true) + " WHERE strategy_id = ? AND version = ?",
                arguments: [strategyID, version]
            ).map(StrategyVersionRecord.init(row:))
        }
    }

    static func fetch(_ db: Database, id: Int64, userID: Int64) throws -> StrategyRecord {
        guard let record = try fetchOptional(db, where: "s.id = ? AND s.user_id = ?", [id, userID]) else {
            throw StoreError(.notFound, "no strategy with id \(id) for this user")
        }
        return record
    }

    private static func fetchOptional(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> StrategyRecord? {
        try Row.fetchOne(db, sql: StrategyRecord.selectSQL(includeSource: true) + " WHERE " + condition, arguments: arguments)
            .map(StrategyRecord.init(row:))
    }
}
