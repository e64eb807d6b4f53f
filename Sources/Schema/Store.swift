import Core
// SPDX-License-Identifier: Apache-2.0
public import Foundation
package import GRDB
import Synchronization

/// The SQLite hub: one writer connection and a pool of read-only readers over one file, in WAL mode.
///
/// Open each database once per process. Writes run in `BEGIN IMMEDIATE` transactions on the
/// writer's own serial queue (never on the cooperative thread pool); reads run concurrently on
/// readers and never see a half-written transaction. After every commit the ``changes`` feed
/// publishes the rows that changed.
///
/// ```swift
/// let store = try Store.open(at: dataDirectory.databaseURL)
/// try MigrationRunner.embedded.migrate(store)
/// let users = try await store.users.list()
/// ```
public final class Store: Sendable {
    /// How hard a commit tries to reach the disk before it returns.
    public enum Durability: String, Sendable, CaseIterable {
        /// `synchronous=NORMAL` in WAL mode: a commit survives a crash of the process (kill -9),
        /// but the last transactions may roll back if the machine loses power.
        case normal
        /// `synchronous=FULL`: every commit waits for fsync and also survives a power loss.
        case full
    }

    public struct Options: Sendable {
        /// Create the file (and its folder) when missing.
        public var create = true
        /// Open without write access (backups, inspection); the writer is never used.
        public var readOnly = false
        public var durability = Durability.normal
        /// How long a connection waits for a lock another connection holds. Finite, so "busy"
        /// surfaces as an error instead of a hang.
        public var busyTimeout: Duration = .seconds(5)
        public var maximumReaders = 4
        /// Page cache of the one writer connection, in KiB (readers keep SQLite's default).
        public var writerCacheKiB = 65_536

        public init() {}
    }

    /// The value of `PRAGMA application_id` in a RealAlgo hub ("RALG").
    static let applicationID: Int32 = 0x5241_4C47

    public let databaseURL: URL
    public let changes: ChangeFeed
    package let pool: DatabasePool
    private let observer: ChangeObserver?
    private let groupCommitter: GroupCommitter
    /// Set once by ``close()``. GRDB answers most accesses to a closed pool with SQLITE_MISUSE,
    /// but not all of them, so the store refuses every access itself once closed.
    private let closed = Mutex(false)

    private init(databaseURL: URL, pool: DatabasePool, changes: ChangeFeed, observer: ChangeObserver?) {
        self.databaseURL = databaseURL
        self.pool = pool
        self.changes = changes
        self.observer = observer
        self.groupCommitter = GroupCommitter(pool: pool)
    }

    /// Opens (or creates) the hub at `url`.
    /// - Throws: ``StoreError`` when the file is missing (and `create` is false), not a database,
    ///   another application's database, corrupt or not writable. Never crashes on a bad file.
    public static func open(at url: URL, options: Options = Options()) throws -> Store {
        let path = url.path
        let files = FileManager.default
        let exists = files.fileExists(atPath: path)
        if !exists {
            guard options.create, !options.readOnly else {
                throw StoreError(.missingDatabase, "no RealAlgo database at \(path); run `realalgo migrate` (or `realalgo serve`) to create it")
            }
            let folder = url.deletingLastPathComponent()
            do {
                try files.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError(.other, "cannot create the data folder \(folder.path): \(error.localizedDescription)")
            }
        } else if !options.readOnly {
            let folder = url.deletingLastPathComponent().path
            guard files.isWritableFile(atPath: path), files.isWritableFile(atPath: folder) else {
                throw StoreError(
                    .readOnly,
                    "\(path) is read-only: RealAlgo needs write access to the database file and its folder \(folder) (WAL files live next to it)")
            }
        }

        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.readonly = options.readOnly
        configuration.busyMode = .timeout(options.busyTimeout.inSeconds)
        configuration.maximumReaderCount = options.maximumReaders
        configuration.label = "realalgo"
        configuration.acceptsDoubleQuotedStringLiterals = false

        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            if !options.readOnly {
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = \(options.durability == .full ? "FULL" : "NORMAL")")
                    // A whole market's tick batch touches one leaf of ticks_by_instrument per
                    // instrument; with SQLite's 2 MiB default those pages are re-read from the OS
                    // on every commit (`bench feed`: +30 % sustained ticks at 64 MiB).
                    try db.execute(sql: "PRAGMA cache_size = -\(options.writerCacheKiB)")
                }
            }
            try pool.read { db in try checkOwnership(db, path: path) }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw describeOpenFailure(error, path: path)
        } catch {
            throw StoreError(.other, "cannot open \(path): \(error)")
        }

        let changes = ChangeFeed()
        var observer: ChangeObserver?
        if !options.readOnly {
            let watcher = ChangeObserver(feed: changes)
            pool.add(transactionObserver: watcher, extent: .databaseLifetime)
            observer = watcher
        }
        return Store(databaseURL: url, pool: pool, changes: changes, observer: observer)
    }

    /// Closes every connection. Pending reads and writes finish first.
    ///
    /// A writable store first folds the WAL into the database file and truncates it: GRDB closes
    /// the writer before the read-only readers, and a read-only connection cannot checkpoint, so
    /// otherwise the data would stay in `-wal` after a clean exit (safe, but a copy of the `.db`
    /// file alone would look empty).
    public func close() throws {
        let alreadyClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !alreadyClosed else { return }
        changes.finish()
        if !pool.configuration.readonly {
            // Best effort: a reader still in a transaction only means the WAL stays for next time.
            _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        }
        do { try pool.close() } catch { throw StoreError.wrap(error) }
    }

    func checkOpen() throws {
        if closed.withLock({ $0 }) { throw StoreError(.other, "the database at \(databaseURL.path) is closed") }
    }

    /// Runs `body` in a write transaction on the writer's queue; a throw rolls everything back.
    package func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try checkOpen()
        do { return try await pool.writeWithoutTransaction { db in try Self.inImmediateTransaction(db, body) } } catch {
            throw StoreError.wrap(error)
        }
    }

    /// Like ``write(_:)``, but an error `body` throws that is not the database's own (a rule the
    /// caller checks inside the transaction) reaches the caller unchanged, after the rollback.
    package func writeKeepingErrors<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try checkOpen()
        do { return try await pool.writeWithoutTransaction { db in try Self.inImmediateTransaction(db, body) } } catch let error as DatabaseError {
            throw StoreError(error)
        }
    }

    /// Like ``writeKeepingErrors(_:)``, but `body` may share its commit with other grouped
    /// transactions waiting for the writer (see ``GroupCommitter``). It still returns only after
    /// the commit, and a throw still undoes only what `body` wrote.
    package func writeGrouped<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try checkOpen()
        return try await groupCommitter.submit(body)
    }

    /// Runs `body` in a read transaction on a reader: a consistent snapshot, never blocked by the writer.
    package func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try checkOpen()
        do { return try await pool.read(body) } catch { throw StoreError.wrap(error) }
    }

    /// Blocking write, for command-line tools and benchmarks that own their thread.
    package func writeSynchronously<T>(_ body: (Database) throws -> T) throws -> T {
        try checkOpen()
        do { return try pool.writeWithoutTransaction { db in try Self.inImmediateTransaction(db, body) } } catch {
            throw StoreError.wrap(error)
        }
    }

    /// `BEGIN IMMEDIATE` … `COMMIT` through cached statements. GRDB's own `write` prepares both
    /// statements again for every transaction, which `realalgo bench store` shows costs several
    /// percent of a single-order commit. A throw (or a failed commit) rolls back.
    private static func inImmediateTransaction<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
        do {
            let result = try body(db)
            try db.cachedStatement(sql: "COMMIT").execute()
            return result
        } catch {
            if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK").execute() }
            throw error
        }
    }

    /// Refuses a SQLite file that belongs to another application.
    private static func checkOwnership(_ db: Database, path: String) throws {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if applicationID == Store.applicationID { return }
        guard applicationID == 0 else {
            throw StoreError(
                .notRealAlgo, "\(path) is a SQLite database of another application (application_id \(applicationID)), not a RealAlgo hub")
        }
        let foreignTables = try String.fetchAll(
            db,
            sql: """
                SELECT name FROM sqlite_schema
                 WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('schema_migrations', 'grdb_issue_102')
                 LIMIT 3
                """)
        guard foreignTables.isEmpty else {
            throw StoreError(
                .notRealAlgo,
                "\(path) is a SQLite database but not a RealAlgo hub (it has tables such as \(foreignTables.joined(separator: ", "))); point --data-dir at another folder"
            )
        }
    }

    private static func describeOpenFailure(_ error: DatabaseError, path: String) -> StoreError {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            StoreError(
                .notADatabase,
                "\(path) is not a SQLite database or is corrupt (\(error.message ?? "unreadable")); restore it from a backup (`realalgo backup`) or move it aside",
                sqliteCode: error.extendedResultCode.rawValue)
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            StoreError(
                .readOnly,
                "cannot open \(path) (\(error.message ?? "permission denied")); check that the file and its folder are readable and writable",
                sqliteCode: error.extendedResultCode.rawValue)
        default:
            StoreError(error)
        }
    }
}
