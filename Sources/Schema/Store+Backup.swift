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
        if files.fileExists(atPath: destination.path), !overwrite {
            throw StoreError(.other, "\(destination.path) already exists; choose another file name or pass --force")
        }
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? files.removeItem(at: temporary)
        do {
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
