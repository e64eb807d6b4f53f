// SPDX-License-Identifier: Apache-2.0
public import Core
import Foundation
import GRDB

/// What a strategy is (`strategies.kind`): a Lua script, or declarative legs run by the engine.
public enum StrategyKind: String, Sendable, CaseIterable, Codable {
    case lua, legs
}

/// Who saved a version of a strategy's source (`strategy_versions.origin`).
public enum StrategySourceOrigin: String, Sendable, CaseIterable, Codable {
    /// The REST API.
    case api
    /// A `strategies/*.lua` file loaded at start-up.
    case file
    /// The `realalgo` command line.
    case cli
    /// The browser app's editor.
    case web
}

/// A strategy's state as its runs show it. Derived from `strategy_runs` on every read, never
/// stored, so it cannot disagree with the runs.
public enum StrategyStatus: String, Sendable, CaseIterable, Codable {
    /// A run is starting, running or stopping.
    case running
    /// No run is live, and the latest run failed.
    case errored
    /// No run is live, and the latest run (if any) did not fail.
    case stopped
}

/// What a strategy's source declares about itself, kept beside it so lists and the engine can
/// show and schedule a strategy without loading its script.
public struct StrategyDeclaredFields: Sendable, Equatable {
    /// `EXCHANGE:SYMBOL` names, as declared.
    public var symbols: [String]
    public var timeframe: Timeframe?
    /// A JSON object, or nil to keep the stored params (the values a user set survive a new
    /// version unless the caller merges them itself).
    public var paramsJSON: String?
    /// nil keeps the stored description.
    public var description: String?

    public init(symbols: [String], timeframe: Timeframe?, paramsJSON: String? = nil, description: String? = nil) {
        self.symbols = symbols
        self.timeframe = timeframe
        self.paramsJSON = paramsJSON
        self.description = description
    }
}

/// A strategy as stored, with its current source and its status.
public struct StrategyRecord: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var name: String
    public var description: String
    public var kind: StrategyKind
    public var product: Product
    public var symbols: [String]
    public var timeframe: Timeframe?
    /// JSON object text.
    public var paramsJSON: String
    /// JSON object text: what the script saved with `ctx.state`.
    public var stateJSON: String
    public var isActive: Bool
    /// Whether live runs are allowed (the schema refuses a live run otherwise).
    public var liveEnabled: Bool
    /// The version that runs; nil for a legs strategy or one without a saved source.
    public var sourceVersion: Int?
    /// The text of `sourceVersion`; nil when there is none or the read left sources out.
    public var source: String?
    /// Lowercase hex SHA-256 of `sourceVersion`'s UTF-8 bytes.
    public var sha256: String?
    public var status: StrategyStatus
    /// The live (starting, running or stopping) run, if any.
    public var currentRunID: Int64?
    public var createdAt: String
    public var updatedAt: String

    /// The columns ``init(row:)`` reads, from `strategies s` with its current version `v`.
    static func selectSQL(includeSource: Bool) -> String {
        """
        SELECT s.id, s.user_id, s.name, s.description, s.kind, s.product, s.symbols, s.timeframe, s.params, s.state,
               s.is_active, s.live_enabled, s.source_version, v.sha256, \(includeSource ? "v.source" : "NULL") AS source,
               live.id AS current_run_id, s.created_at, s.updated_at,
               CASE WHEN live.id IS NOT NULL THEN 'running'
                    WHEN (SELECT r.status FROM strategy_runs r WHERE r.strategy_id = s.id
                           ORDER BY r.started_at DESC, r.id DESC LIMIT 1) = 'failed' THEN 'errored'
                    ELSE 'stopped' END AS derived_status
          FROM strategies s
          LEFT JOIN strategy_versions v ON v.strategy_id = s.id AND v.version = s.source_version
          LEFT JOIN strategy_runs live ON live.strategy_id = s.id AND live.status IN ('starting', 'running', 'stopping')
        """
    }

    init(row: Row) throws {
        func decode<T: RawRepresentable<String>>(_ column: String) throws -> T {
            try StoredText.decode(T.self, row[column], in: "strategies")
        }
        id = row["id"]
        userID = row["user_id"]
        name = row["name"]
        description = row["description"]
        kind = try decode("kind")
        product = try decode("product")
        symbols = try StrategyJSON.strings(row["symbols"], in: "strategies.symbols")
        timeframe = try (row["timeframe"] as String?).map { try StoredText.decode(Timeframe.self, $0, in: "strategies") }
        paramsJSON = row["params"]
        stateJSON = row["state"]
        isActive = row["is_active"]
        liveEnabled = row["live_enabled"]
        sourceVersion = row["source_version"]
        source = row["source"]
        sha256 = row["sha256"]
        status = try decode("derived_status")
        currentRunID = row["current_run_id"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

/// One saved version of a strategy's source.
public struct StrategyVersionRecord: Sendable, Equatable {
    public var strategyID: Int64
    public var version: Int
    /// Lowercase hex SHA-256 of the source's UTF-8 bytes.
    public var sha256: String
    public var origin: StrategySourceOrigin
    /// The file it was loaded from, for origin `file`.
    public var filePath: String?
    /// Size of the source in UTF-8 bytes.
    public var byteCount: Int
    /// The text; nil when the history was read without sources.
    public var source: String?
    public var createdAt: String

    static func selectSQL(includeSource: Bool) -> String {
        """
        SELECT strategy_id, version, sha256, origin, file_path, length(CAST(source AS BLOB)) AS byte_count,
               \(includeSource ? "source" : "NULL") AS source, created_at
          FROM strategy_versions
        """
    }

    init(row: Row) throws {
        strategyID = row["strategy_id"]
        version = row["version"]
        sha256 = row["sha256"]
        origin = try StoredText.decode(StrategySourceOrigin.self, row["origin"], in: "strategy_versions")
        filePath = row["file_path"]
        byteCount = row["byte_count"]
        source = row["source"]
        createdAt = row["created_at"]
    }
}

/// What ``StrategyRepository/upsertFromFile(userID:name:source:filePath:declared:)`` did.
public struct StrategyUpsertResult: Sendable, Equatable {
    public enum Change: String, Sendable {
        /// The file named a new strategy, created at version 1.
        case created
        /// The file's text differed from the current version: a new version now runs.
        case updated
        /// The file's text is the current version's.
        case unchanged
    }

    public var record: StrategyRecord
    public var change: Change

    /// Whether the hub changed.
    public var changed: Bool { change != .unchanged }
}

/// JSON columns the strategy tables keep as text.
enum StrategyJSON {
    static func text(_ strings: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(strings), as: UTF8.self)
    }

    static func strings(_ text: String, in column: String) throws -> [String] {
        do { return try JSONDecoder().decode([String].self, from: Data(text.utf8)) } catch {
            throw StoreError(.other, "\(column): expected a JSON array of strings in the hub")
        }
    }
}
