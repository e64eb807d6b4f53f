// SPDX-License-Identifier: Apache-2.0
import CSQLite
public import Foundation

/// A value in a query result, typed as SQLite stored it.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// The rows of a read-only query.
public struct QueryResult: Sendable {
    public let columns: [String]
    public let rows: [[SQLValue]]
    /// True when the query had more rows than the row limit allowed.
    public let truncated: Bool

    public init(columns: [String], rows: [[SQLValue]], truncated: Bool) {
        self.columns = columns
        self.rows = rows
        self.truncated = truncated
    }
}

/// Runs people's SQL against the hub without any way to change it.
///
/// Four locks, any one of which is enough: the connection is opened read-only; `query_only` is on;
/// an authorizer allows only reading (no INSERT, UPDATE, DELETE, DDL, ATTACH, transactions or
/// PRAGMAs other than a list of harmless read-only ones); and a statement SQLite does not report as
/// read-only is refused. A progress handler interrupts a query past its time limit, and results
/// stop at the row limit. This runs on its own connection, outside GRDB, because an authorizer
/// replaces the one GRDB installs on its connections.
public enum ReadOnlyQuery {
    public struct Limits: Sendable {
        public var maxRows: Int
        public var timeout: Duration
        /// The longest string or blob a query may build (stops `randomblob(1e12)` and friends, and
        /// bounds how long one function call on one value can run, which no progress handler can
        /// interrupt).
        public var maxValueBytes: Int32
        /// The most bytes of text and blobs a whole result may hold, so many large values cannot
        /// exhaust memory either.
        public var maxResultBytes: Int

        public init(maxRows: Int = 10_000, timeout: Duration = .seconds(10), maxValueBytes: Int32 = 4 << 20, maxResultBytes: Int = 64 << 20) {
            self.maxRows = maxRows
            self.timeout = timeout
            self.maxValueBytes = maxValueBytes
            self.maxResultBytes = maxResultBytes
        }
    }

    /// Pragmas that only report something when called without a value.
    static let readOnlyPragmas: Set<String> = [
        "application_id", "collation_list", "compile_options", "data_version", "database_list", "encoding",
        "foreign_keys", "freelist_count", "function_list", "journal_mode", "module_list", "page_count",
        "page_size", "pragma_list", "schema_version", "table_list", "user_version",
    ]
    /// Pragmas whose argument names a table or index, or bounds a check: reading, never setting.
    static let readOnlyPragmasWithArgument: Set<String> = [
        "foreign_key_check", "foreign_key_list", "index_info", "index_list", "index_xinfo", "integrity_check",
        "quick_check", "table_info", "table_list", "table_xinfo",
    ]

    /// Runs one statement.
    /// - Throws: ``StoreError``: `.queryDenied` for anything that is not a read, `.invalidQuery`
    ///   for SQL that does not compile, `.queryTimeout`, `.missingDatabase`.
    /// - Parameter scope: A user whose rows alone the query may see (a strategy's `ctx.sql`); nil
    ///   for the whole hub (the operator's `realalgo sql`).
    public static func run(_ sql: String, databaseURL: URL, limits: Limits = Limits(), scope: UserScope? = nil) throws -> QueryResult {
        guard FileManager.default.fileExists(atPath: databaseURL.path) else {
            throw StoreError(
                .missingDatabase, "no RealAlgo database at \(databaseURL.path); run `realalgo migrate` (or `realalgo serve`) to create it")
        }
        var connection: OpaquePointer?
        // NOMUTEX: this connection lives and dies inside this call, on one thread.
        let openStatus = sqlite3_open_v2(databaseURL.path, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        defer { sqlite3_close_v2(connection) }
        guard openStatus == SQLITE_OK, let db = connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            throw StoreError(.other, "cannot open \(databaseURL.path) read-only: \(message)", sqliteCode: openStatus)
        }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 5000)
        _ = csqlite_disable_dqs(db)
        sqlite3_limit(db, SQLITE_LIMIT_LENGTH, limits.maxValueBytes)
        sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0)
        let scopeViews = try scope?.install(on: db)
        guard sqlite3_exec(db, "PRAGMA query_only = 1", nil, nil, nil) == SQLITE_OK else {
            throw StoreError(.other, "cannot make the connection query-only: \(String(cString: sqlite3_errmsg(db)))")
        }
        try checkIsHub(db, path: databaseURL.path)

        let guardrail = Guardrail(deadline: ContinuousClock.now.advanced(by: limits.timeout), scopeViews: scopeViews)
        let context = Unmanaged.passRetained(guardrail)
        defer { context.release() }
        sqlite3_set_authorizer(db, authorize, context.toOpaque())
        sqlite3_progress_handler(db, 1000, checkDeadline, context.toOpaque())

        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let prepared = sql.withCString { text in
            let status = sqlite3_prepare_v2(db, text, -1, &statement, &tail)
            let rest = tail.map { String(cString: $0) } ?? ""
            return (status, rest)
        }
        defer { sqlite3_finalize(statement) }
        guard prepared.0 == SQLITE_OK else {
            if let denial = guardrail.denial { throw StoreError(.queryDenied, denial, sqliteCode: prepared.0) }
            throw StoreError(.invalidQuery, "SQL error: \(String(cString: sqlite3_errmsg(db)))", sqliteCode: prepared.0)
        }
        guard let statement else { throw StoreError(.invalidQuery, "the query is empty") }
        guard try onlyCommentsRemain(prepared.1, db) else {
            throw StoreError(.invalidQuery, "one statement at a time: remove everything after the first ';'")
        }
        // EXPLAIN's listing could name the scope's views.
        guard scopeViews == nil || sqlite3_stmt_isexplain(statement) == 0 else {
            throw StoreError(.queryDenied, "EXPLAIN is not available in a strategy's query")
        }
        guard sqlite3_stmt_readonly(statement) != 0 else {
            throw StoreError(.queryDenied, "read-only: this statement would change the database, and queries here only read it")
        }

        let columnCount = sqlite3_column_count(statement)
        let columns = (0..<columnCount).map { String(cString: sqlite3_column_name(statement, $0)) }
        var rows: [[SQLValue]] = []
        var truncated = false
        var resultBytes = 0
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else {
                if (status & 0xff) == SQLITE_INTERRUPT {
                    throw StoreError(
                        .queryTimeout, "the query ran longer than \(limits.timeout) and was stopped; narrow it or raise the time limit",
                        sqliteCode: status)
                }
                // Table-valued pragmas consult the authorizer as they run, not when prepared.
                if let denial = guardrail.denial { throw StoreError(.queryDenied, denial, sqliteCode: status) }
                throw StoreError(.invalidQuery, "SQL error: \(String(cString: sqlite3_errmsg(db)))", sqliteCode: status)
            }
            if rows.count == limits.maxRows {
                truncated = true
                break
            }
            resultBytes += (0..<columnCount).reduce(0) { $0 + Int(sqlite3_column_bytes(statement, $1)) }
            guard resultBytes <= limits.maxResultBytes else {
                throw StoreError(.queryTimeout, "the result is larger than \(limits.maxResultBytes >> 20) MiB; select fewer rows or columns")
            }
            if ContinuousClock.now >= guardrail.deadline {
                throw StoreError(.queryTimeout, "the query ran longer than \(limits.timeout) and was stopped; narrow it or raise the time limit")
            }
            rows.append((0..<columnCount).map { value(statement, $0) })
        }
        return QueryResult(columns: columns, rows: rows, truncated: truncated)
    }

    /// Reads the header before running anything, so a corrupt file or another application's
    /// database is reported as such instead of answering `SELECT 1`.
    private static func checkIsHub(_ db: OpaquePointer, path: String) throws {
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        var status = sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &statement, nil)
        if status == SQLITE_OK { status = sqlite3_step(statement) }
        guard status == SQLITE_ROW else {
            let message = String(cString: sqlite3_errmsg(db))
            if (status & 0xff) == SQLITE_NOTADB || (status & 0xff) == SQLITE_CORRUPT {
                throw StoreError(
                    .notADatabase, "\(path) is not a SQLite database or is corrupt (\(message)); restore it from a backup", sqliteCode: status)
            }
            throw StoreError(.other, "cannot read \(path): \(message)", sqliteCode: status)
        }
        guard sqlite3_column_int(statement, 0) == Store.applicationID else {
            throw StoreError(
                .notRealAlgo, "\(path) is not a RealAlgo hub (its application_id is not RealAlgo's); point --data-dir at a RealAlgo data folder")
        }
    }

    private static func value(_ statement: OpaquePointer, _ index: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, index) else { return .null }
            return .text(String(cString: text))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let bytes = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    /// True when what follows the first statement is only white space, semicolons or comments:
    /// SQLite compiles such a tail to no statement at all.
    private static func onlyCommentsRemain(_ tail: String, _ db: OpaquePointer) throws -> Bool {
        var rest = tail
        while !rest.allSatisfy({ $0.isWhitespace || $0 == ";" }) {
            var statement: OpaquePointer?
            var next: UnsafePointer<CChar>?
            let (status, remainder) = rest.withCString { text in
                let status = sqlite3_prepare_v2(db, text, -1, &statement, &next)
                return (status, next.map { String(cString: $0) } ?? "")
            }
            sqlite3_finalize(statement)
            guard status == SQLITE_OK, statement == nil else { return false }
            guard remainder != rest else { return true }
            rest = remainder
        }
        return true
    }

    /// State shared with the C callbacks for one query.
    final class Guardrail {
        let deadline: ContinuousClock.Instant
        /// A scoped query's filter views: owned tables may be read only through them.
        let scopeViews: Set<String>?
        var denial: String?

        init(deadline: ContinuousClock.Instant, scopeViews: Set<String>?) {
            self.deadline = deadline
            self.scopeViews = scopeViews
        }
    }
}

/// The authorizer: SQLITE_OK for reading, SQLITE_DENY (with a recorded reason) for anything else.
/// No Swift error can leave this C callback.
private func authorize(
    _ context: UnsafeMutableRawPointer?, _ action: Int32, _ first: UnsafePointer<CChar>?, _ second: UnsafePointer<CChar>?,
    _ database: UnsafePointer<CChar>?, _ trigger: UnsafePointer<CChar>?
) -> Int32 {
    guard let context else { return SQLITE_DENY }
    let guardrail = Unmanaged<ReadOnlyQuery.Guardrail>.fromOpaque(context).takeUnretainedValue()
    let firstText = first.map { String(cString: $0) }
    let secondText = second.map { String(cString: $0) }
    switch action {
    case SQLITE_PRAGMA where guardrail.scopeViews != nil:
        // Table-valued pragmas (pragma_table_list) come here too: they would list the scope's views.
        guardrail.denial = "PRAGMA \((firstText ?? "").lowercased()) is not available in a strategy's query"
        return SQLITE_DENY
    case SQLITE_READ where guardrail.scopeViews != nil:
        let databaseName = database.map { String(cString: $0) }
        if databaseName == "temp", let table = firstText, isSchemaTable(table) {
            guardrail.denial = "the temporary schema is not readable in a strategy's query"
            return SQLITE_DENY
        }
        // An empty column is SQLite noting a table in FROM, with no view context even through a
        // scope view; it reads no values (a bare `count(*)` of main.orders learns the row count,
        // nothing in the rows: any column, in WHERE too, is a read of its own, checked here).
        // `trigger` is the innermost view (or CTE) the read comes through.
        guard let table = firstText, secondText?.isEmpty == false, databaseName == "main", ReadOnlyQuery.UserScope.ownedTables.contains(table)
        else { return SQLITE_OK }
        if let view = trigger.map({ String(cString: $0) }), guardrail.scopeViews?.contains(view) == true { return SQLITE_OK }
        guardrail.denial =
            table == "api_keys" || table == "sessions"
            ? "\(table) is not readable here" : "only your own rows: read \(table) (your rows) rather than main.\(table)"
        return SQLITE_DENY
    case SQLITE_SELECT, SQLITE_READ, SQLITE_FUNCTION, SQLITE_RECURSIVE:
        return SQLITE_OK
    case _ where [SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE].contains(action) && (firstText.map(isSchemaTable) ?? false):
        // SQLite authorizes its own bookkeeping on the schema table (table-valued pragmas such as
        // pragma_table_list do, and DDL does before its CREATE/DROP code). Allowing that is safe:
        // every DDL statement is still refused by its own action code below, and a direct write to
        // the schema table needs PRAGMA writable_schema, which is refused.
        return SQLITE_OK
    case SQLITE_PRAGMA:
        let name = (firstText ?? "").lowercased()
        if secondText == nil, ReadOnlyQuery.readOnlyPragmas.contains(name) || ReadOnlyQuery.readOnlyPragmasWithArgument.contains(name) {
            return SQLITE_OK
        }
        if secondText != nil, ReadOnlyQuery.readOnlyPragmasWithArgument.contains(name) { return SQLITE_OK }
        guardrail.denial =
            "read-only: PRAGMA \(name)\(secondText.map { " = \($0)" } ?? "") is not allowed; only read-only pragmas such as table_info run here"
        return SQLITE_DENY
    case SQLITE_ATTACH, SQLITE_DETACH:
        guardrail.denial = "read-only: ATTACH and DETACH are not allowed; queries here read the RealAlgo hub only"
        return SQLITE_DENY
    default:
        // For BEGIN, COMMIT and SAVEPOINT the arguments are the verb, not a table.
        let names = [SQLITE_TRANSACTION, SQLITE_SAVEPOINT].contains(action) ? [] : [firstText, secondText]
        let target = names.compactMap { $0 }.first { !$0.isEmpty && !$0.hasPrefix("sqlite_") }
        guardrail.denial =
            "read-only: \(actionName(action))\(target.map { " on \($0)" } ?? "") is not allowed; queries here only read the hub (change data through the API or the realalgo commands)"
        return SQLITE_DENY
    }
}

private func isSchemaTable(_ name: String) -> Bool {
    ["sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"].contains(name)
}

/// Interrupts the statement once its deadline has passed.
private func checkDeadline(_ context: UnsafeMutableRawPointer?) -> Int32 {
    guard let context else { return 1 }
    let guardrail = Unmanaged<ReadOnlyQuery.Guardrail>.fromOpaque(context).takeUnretainedValue()
    return ContinuousClock.now >= guardrail.deadline ? 1 : 0
}

private func actionName(_ action: Int32) -> String {
    switch action {
    case SQLITE_INSERT: "INSERT"
    case SQLITE_UPDATE: "UPDATE"
    case SQLITE_DELETE: "DELETE"
    case SQLITE_TRANSACTION: "BEGIN/COMMIT"
    case SQLITE_SAVEPOINT: "SAVEPOINT"
    case SQLITE_ALTER_TABLE: "ALTER TABLE"
    case SQLITE_REINDEX: "REINDEX"
    case SQLITE_ANALYZE: "ANALYZE"
    case SQLITE_CREATE_INDEX, SQLITE_CREATE_TEMP_INDEX: "CREATE INDEX"
    case SQLITE_CREATE_TABLE, SQLITE_CREATE_TEMP_TABLE: "CREATE TABLE"
    case SQLITE_CREATE_TRIGGER, SQLITE_CREATE_TEMP_TRIGGER: "CREATE TRIGGER"
    case SQLITE_CREATE_VIEW, SQLITE_CREATE_TEMP_VIEW: "CREATE VIEW"
    case SQLITE_CREATE_VTABLE: "CREATE VIRTUAL TABLE"
    case SQLITE_DROP_INDEX, SQLITE_DROP_TEMP_INDEX: "DROP INDEX"
    case SQLITE_DROP_TABLE, SQLITE_DROP_TEMP_TABLE: "DROP TABLE"
    case SQLITE_DROP_TRIGGER, SQLITE_DROP_TEMP_TRIGGER: "DROP TRIGGER"
    case SQLITE_DROP_VIEW, SQLITE_DROP_TEMP_VIEW: "DROP VIEW"
    case SQLITE_DROP_VTABLE: "DROP VIRTUAL TABLE"
    default: "this statement"
    }
}
