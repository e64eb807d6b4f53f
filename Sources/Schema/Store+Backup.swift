// SPDX-License-Identifier: Apache-2.0
public import Foundation
import GRDB

extension Store {
    /// Writes a consistent copy of the live hub to `destination` with SQLite's online backup API,
    /// while other connections (a running server) keep reading and writing.
    ///
    /// The copy is written next to the destination under a temporary name, checked with
    /// `PRAGMA quick_check`, then renamed into place, so `destination` is either complete or absent.
    /// - Throws: ``StoreError`` if `destination` exists (unless `overwrite`), or the copy fails.
    public func backup(to destination: URL, overwrite: Bool = false) throws {
        try checkOpen()
        let files = FileManager.default
        let target = destination.resolvingSymlinksInPath().standardizedFileURL.path
        let live = databaseURL.resolvingSymlinksInPath().standardizedFileURL.path
        guard ![live, live + "-wal", live + "-shm"].contains(target) else {
            throw StoreError(.other, "\(destination.path) is the live database (or one of its WAL files); back up to another file")
        }
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: destination.path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw StoreError(.other, "\(destination.path) is a folder; give the backup a file name inside it")
            }
            guard overwrite else {
                throw StoreError(.other, "\(destination.path) already exists; choose another file name or pass --force")
            }
        }
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? files.removeItem(at: temporary)
        do {
            // Owner-only from the start: the copy holds password hashes and the audit trail.
            guard files.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreError(.other, "cannot create \(temporary.path); check that the folder exists and is writable")
            }
            let copy = try DatabaseQueue(path: temporary.path)
            try pool.backup(to: copy)
            let check = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            try copy.close()
            guard check == ["ok"] else {
                throw StoreError(.notADatabase, "the backup failed its integrity check: \(check.prefix(3).joined(separator: "; "))")
            }
            if overwrite { try? files.removeItem(at: destination) }
            try files.moveItem(at: temporary, to: destination)
        } catch {
            try? files.removeItem(at: temporary)
            if let error = error as? StoreError { throw error }
            let reason = (error as? DatabaseError)?.message ?? error.localizedDescription
            throw StoreError(.other, "cannot write the backup to \(destination.path): \(reason); check that its folder exists and is writable")
        }
    }
}
