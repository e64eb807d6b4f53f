// SPDX-License-Identifier: Apache-2.0
import GRDB

/// Every failure that leaves the Schema module: a clear message for a person, a code for a program.
///
/// Messages never contain statement arguments (orders and keys are sensitive); the SQLite
/// extended result code is kept for matching (`error.sqliteCode == 1811` is a trigger's RAISE).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The database file does not exist and this command does not create it.
        case missingDatabase
        /// The file is not a SQLite database, or it is corrupt.
        case notADatabase
        /// The file is a SQLite database of some other application.
        case notRealAlgo
        /// The file or its folder is not writable.
        case readOnly
        /// The database was migrated by a newer RealAlgo than this binary.
        case newerSchema
        /// An applied migration's file changed after it was applied.
        case migrationChanged
        /// A migration failed to apply (and was rolled back).
        case migrationFailed
        /// A constraint or trigger rejected a write; the message names the rule.
        case constraint
        /// Another connection held a lock for longer than the busy timeout.
        case busy
        /// A query that `realalgo sql` or the SQL API refuses to run (a write, ATTACH, a PRAGMA change).
        case queryDenied
        /// A query ran longer than its time limit and was interrupted.
        case queryTimeout
        /// SQL that does not compile.
        case invalidQuery
        /// A row the caller named does not exist.
        case notFound
        /// The change would duplicate something that must stay unique: a strategy name the user
        /// already has, a second live run of one strategy.
        case conflict
        /// Something else SQLite or the file system reported.
        case other
    }

    public let code: Code
    public let message: String
    /// The SQLite extended result code, when SQLite produced the error.
    public let sqliteCode: Int32?

    public init(_ code: Code, _ message: String, sqliteCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.sqliteCode = sqliteCode
    }

    public var description: String { message }

    /// Translates a GRDB error, keeping SQLite's message (which for a trigger is the rule broken).
    init(_ error: DatabaseError) {
        let extended = error.extendedResultCode.rawValue
        let message = error.message ?? "SQLite error \(extended)"
        switch error.resultCode {
        case .SQLITE_CONSTRAINT: self.init(.constraint, message, sqliteCode: extended)
        case .SQLITE_BUSY, .SQLITE_LOCKED: self.init(.busy, "the database is busy: \(message)", sqliteCode: extended)
        case .SQLITE_READONLY: self.init(.readOnly, "the database is read-only: \(message)", sqliteCode: extended)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            self.init(.notADatabase, "the file is not a SQLite database or is corrupt: \(message)", sqliteCode: extended)
        default: self.init(.other, message, sqliteCode: extended)
        }
    }

    /// Converts any error thrown inside a database access into a StoreError.
    static func wrap(_ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError: error
        case let error as DatabaseError: StoreError(error)
        default: StoreError(.other, String(describing: error))
        }
    }
}
