// SPDX-License-Identifier: Apache-2.0
public import Core
import Cryptography
import GRDB

/// Strategies and the versioned Lua source they run (migrations 0003 and 0018).
///
/// Every save of a source becomes a row of `strategy_versions`, numbered 1, 2, 3… and never
/// changed, and `strategies.source_version` names the one that runs; so a run's version always
/// names the exact text that ran. A save whose text hashes the same as the current version adds
/// nothing, so reloading an unchanged file costs one read.
///
/// ```swift
/// let strategy = try await store.strategies.create(userID: 1, name: "ema-cross", source: text, origin: .web)
/// let saved = try await store.strategies.saveSource(strategyID: strategy.id, userID: 1, source: edited, origin: .web)
/// ```
public struct StrategyRepository: Sendable {
    let store: Store

    /// The largest source the hub keeps, in UTF-8 bytes (the CHECK on `strategy_versions.source`).
    public static let maximumSourceBytes = 1_000_000

    /// Creates a Lua strategy with `source` as its version 1, which is also the version that runs.
    /// - Parameters:
    ///   - paramsJSON: a JSON object: the parameter values the strategy starts with.
    ///   - filePath: the file the source came from, for origin `.file`.
    /// - Returns: the new strategy (status `stopped`, live mode off).
    /// - Throws: ``StoreError`` `.conflict` when the user already has a strategy of this name;
    ///   `.constraint` for a name, source, timeframe or params the schema refuses.
    public func create(
        userID: Int64, name: String, source: String, origin: StrategySourceOrigin, filePath: String? = nil, symbols: [String] = [],
        timeframe: Timeframe? = nil, paramsJSON: String = "{}", description: String = ""
    ) async throws -> StrategyRecord {
        let declared = StrategyDeclaredFields(symbols: symbols, timeframe: timeframe, paramsJSON: paramsJSON, description: description)
        let digest = try Self.checkedDigest(source)
        return try await store.write { db in
            let id = try Self.insert(db, userID: userID, name: name, source: source, sha256: digest, origin: origin, filePath: filePath, declared)
            return try Self.fetch(db, id: id, userID: userID)
        }
    }

    /// Saves `source` as the strategy's new current version, unless its text is the current
    /// version's (then nothing changes). Declared fields, when given, are stored in the same
    /// transaction, so the strategy never shows a new source with an old declaration.
    /// - Returns: the strategy as saved; its `sourceVersion` tells whether a version was added.
    /// - Throws: ``StoreError`` `.notFound` when the user has no such strategy; `.constraint` for a
    ///   legs strategy (it has no source) or a source the schema refuses.
    public func saveSource(
        strategyID: Int64, userID: Int64, source: String, origin: StrategySourceOrigin, filePath: String? = nil,
        declared: StrategyDeclaredFields? = nil
    ) async throws -> StrategyRecord {
        let digest = try Self.checkedDigest(source)
        return try await store.write { db in
            try Self.requireOwned(db, strategyID: strategyID, userID: userID)
            _ = try Self.appendVersion(db, strategyID: strategyID, userID: userID, source: source, sha256: digest, origin: origin, filePath: filePath)
            if let declared { try Self.store(db, declared, strategyID: strategyID) }
            return try Self.fetch(db, id: strategyID, userID: userID)
        }
    }

    /// Stores what a source declares (symbols, timeframe, and params and description when given).
    /// - Throws: ``StoreError`` `.notFound` when the user has no such strategy.
    public func updateDeclaration(strategyID: Int64, userID: Int64, declared: StrategyDeclaredFields) async throws -> StrategyRecord {
        try await store.write { db in
            try Self.requireOwned(db, strategyID: strategyID, userID: userID)
            try Self.store(db, declared, strategyID: strategyID)
            return try Self.fetch(db, id: strategyID, userID: userID)
        }
    }

    /// Loads a `strategies/*.lua` file at start-up: creates the strategy named `name` for the
    /// user, or saves the file as a new version when its text differs from the current one.
    /// - Throws: ``StoreError`` `.constraint` when the name belongs to a legs strategy, or the
    ///   schema refuses the source.
    public func upsertFromFile(
        userID: Int64, name: String, source: String, filePath: String, declared: StrategyDeclaredFields? = nil
    ) async throws -> StrategyUpsertResult {
        let digest = try Self.checkedDigest(source)
        return try await store.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM strategies WHERE user_id = ? AND name = ?", arguments: [userID, name])
            else {
                let fields = declared ?? StrategyDeclaredFields(symbols: [], timeframe: nil)
                let id = try Self.insert(db, userID: userID, name: name, source: source, sha256: digest, origin: .file, filePath: filePath, fields)
                return StrategyUpsertResult(record: try Self.fetch(db, id: id, userID: userID), change: .created)
            }
            let added = try Self.appendVersion(db, strategyID: id, userID: userID, source: source, sha256: digest, origin: .file, filePath: filePath)
            if added != nil, let declared { try Self.store(db, declared, strategyID: id) }
            return StrategyUpsertResult(record: try Self.fetch(db, id: id, userID: userID), change: added == nil ? .unchanged : .updated)
        }
    }

    /// Lets the strategy start live runs (real money), or stops letting it. A live run already
    /// going is not stopped here; the host does that.
    public func setLiveEnabled(strategyID: Int64, userID: Int64, enabled: Bool, actor: AuditActor) async throws {
        try await store.write { db in
            try Self.update(db, "live_enabled = ?", [enabled], strategyID: strategyID, userID: userID)
            try AuditLog.record(
                db, actor: actor, userID: userID, action: "strategy.live_enabled", entity: "strategies", entityID: strategyID,
                details: enabled ? #"{"live_enabled":true}"# : #"{"live_enabled":false}"#)
        }
    }

    /// Replaces the strategy's parameter values (a JSON object).
    public func setParams(strategyID: Int64, userID: Int64, paramsJSON: String) async throws {
        try await store.write { db in try Self.update(db, "params = ?", [paramsJSON], strategyID: strategyID, userID: userID) }
    }

    /// Activates or deactivates the strategy (a deactivated one keeps its history).
    public func setActive(strategyID: Int64, userID: Int64, isActive: Bool) async throws {
        try await store.write { db in try Self.update(db, "is_active = ?", [isActive], strategyID: strategyID, userID: userID) }
    }

    /// Saves what the script keeps in `ctx.state` (a JSON object). Called often by a running
    /// strategy, so it is one cached UPDATE that shares its commit with other grouped writes, and
    /// stamps `updated_at` itself so the `strategies_updated_at` trigger has nothing to do.
    /// - Throws: ``StoreError`` `.notFound` for an unknown strategy.
    public func saveState(strategyID: Int64, stateJSON: String) async throws {
        try await store.writeGrouped { db in
            let statement = try db.cachedStatement(
                sql: "UPDATE strategies SET state = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?")
            try statement.execute(arguments: [stateJSON, strategyID])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no strategy with id \(strategyID)") }
        }
    }

    /// Deletes a strategy that never ran, with its versions, legs and account links; its
    /// backtests stay, named by `strategy_name`.
    /// - Throws: ``StoreError`` `.notFound`; `.constraint` when it has runs, orders, logs or
    ///   events (set it inactive instead).
    public func delete(strategyID: Int64, userID: Int64, actor: AuditActor) async throws {
        try await store.write { db in
            try Self.requireOwned(db, strategyID: strategyID, userID: userID)
            try db.execute(sql: "DELETE FROM strategies WHERE id = ?", arguments: [strategyID])
            try AuditLog.record(db, actor: actor, userID: userID, action: "strategy.delete", entity: "strategies", entityID: strategyID)
        }
    }

    // MARK: Inside a transaction

    /// Lowercase hex SHA-256 of the source's UTF-8 bytes, after checking its size.
    static func checkedDigest(_ source: String) throws -> String {
        let bytes = source.utf8.count
        guard (1...maximumSourceBytes).contains(bytes) else {
            throw StoreError(.constraint, "strategy_versions: a source is 1 to \(maximumSourceBytes) bytes of UTF-8 (this one is \(bytes))")
        }
        return Digest.sha256(Array(source.utf8)).hexString
    }

    private static func insert(
        _ db: Database, userID: Int64, name: String, source: String, sha256: String, origin: StrategySourceOrigin, filePath: String?,
        _ declared: StrategyDeclaredFields
    ) throws -> Int64 {
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM strategies WHERE user_id = ? AND name = ?", arguments: [userID, name]) == nil else {
            throw StoreError(.conflict, "a strategy named '\(name)' already exists; pick another name or save a new version of it")
        }
        try db.execute(
            sql: "INSERT INTO strategies (user_id, name, description, kind, symbols, timeframe, params) VALUES (?, ?, ?, 'lua', ?, ?, ?)",
            arguments: [
                userID, name, declared.description ?? "", try StrategyJSON.text(declared.symbols), declared.timeframe?.rawValue,
                declared.paramsJSON ?? "{}",
            ])
        let id = db.lastInsertedRowID
        _ = try appendVersion(db, strategyID: id, userID: userID, source: source, sha256: sha256, origin: origin, filePath: filePath)
        try AuditLog.record(db, actor: origin.auditActor, userID: userID, action: "strategy.create", entity: "strategies", entityID: id)
        return id
    }

    /// Adds `source` as the next version and makes it current, unless it is the current version.
    /// - Returns: the new version number, or nil when nothing changed.
    static func appendVersion(
        _ db: Database, strategyID: Int64, userID: Int64, source: String, sha256: String, origin: StrategySourceOrigin, filePath: String?
    ) throws -> Int? {
        let current = try Row.fetchOne(
            db,
            sql: """
                SELECT s.kind, v.sha256, (SELECT MAX(version) FROM strategy_versions WHERE strategy_id = s.id) AS latest
                  FROM strategies s LEFT JOIN strategy_versions v ON v.strategy_id = s.id AND v.version = s.source_version
                 WHERE s.id = ?
                """, arguments: [strategyID])
        guard let current else { throw StoreError(.notFound, "no strategy with id \(strategyID)") }
        guard (current["kind"] as String) == StrategyKind.lua.rawValue else {
            throw StoreError(.constraint, "strategies: strategy \(strategyID) is made of legs and has no Lua source")
        }
        if (current["sha256"] as String?) == sha256 { return nil }
        let version = ((current["latest"] as Int?) ?? 0) + 1
        try db.execute(
            sql: "INSERT INTO strategy_versions (strategy_id, version, source, sha256, origin, file_path) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [strategyID, version, source, sha256, origin.rawValue, filePath])
        try db.execute(sql: "UPDATE strategies SET source_version = ? WHERE id = ?", arguments: [version, strategyID])
        if version > 1 {
            try AuditLog.record(
                db, actor: origin.auditActor, userID: userID, action: "strategy.source", entity: "strategies", entityID: strategyID,
                details: #"{"version":\#(version)}"#)
        }
        return version
    }

    private static func store(_ db: Database, _ declared: StrategyDeclaredFields, strategyID: Int64) throws {
        try db.execute(
            sql: """
                UPDATE strategies SET symbols = ?, timeframe = ?, params = COALESCE(?, params), description = COALESCE(?, description)
                 WHERE id = ?
                """,
            arguments: [try StrategyJSON.text(declared.symbols), declared.timeframe?.rawValue, declared.paramsJSON, declared.description, strategyID])
    }

    static func requireOwned(_ db: Database, strategyID: Int64, userID: Int64) throws {
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM strategies WHERE id = ? AND user_id = ?", arguments: [strategyID, userID]) != nil else {
            throw StoreError(.notFound, "no strategy with id \(strategyID) for this user")
        }
    }

    private static func update(_ db: Database, _ assignment: String, _ arguments: StatementArguments, strategyID: Int64, userID: Int64) throws {
        try db.execute(sql: "UPDATE strategies SET \(assignment) WHERE id = ? AND user_id = ?", arguments: arguments + [strategyID, userID])
        guard db.changesCount == 1 else { throw StoreError(.notFound, "no strategy with id \(strategyID) for this user") }
    }
}

extension StrategySourceOrigin {
    /// Who the audit log names for a save: a file loaded at start-up is the system's doing.
    var auditActor: AuditActor {
        switch self {
        case .api: .api
        case .file: .system
        case .cli: .cli
        case .web: .web
        }
    }
}

extension Store {
    /// Strategies and their versioned source.
    public var strategies: StrategyRepository { StrategyRepository(store: self) }
}
