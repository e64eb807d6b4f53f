import Cryptography
// SPDX-License-Identifier: Apache-2.0
public import Foundation

/// One schema change: a file of SQL named `NNNN_verb_object.sql`, identified by its name and
/// fingerprinted by the SHA-256 of its text.
public struct Migration: Sendable, Hashable {
    public let name: String
    public let sql: String
    /// Lowercase hex SHA-256 of `sql`.
    public let checksum: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
        self.checksum = Digest.sha256(Array(sql.utf8)).hexString
    }

    /// The migrations compiled into this binary from the repository's `migrations/` folder.
    public static let embedded: [Migration] = embeddedMigrationFiles.map { Migration(name: $0.name, sql: $0.sql) }

    /// The `.sql` files of a folder, in name order (used by tests and by developers iterating on a
    /// new migration with `--migrations-dir`).
    /// - Throws: ``StoreError`` if the folder cannot be read.
    public static func load(from folder: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        } catch {
            throw StoreError(.other, "cannot read migrations from \(folder.path): \(error.localizedDescription)")
        }
        return try names.map { name in
            let url = folder.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw StoreError(.other, "cannot read \(url.path)")
            }
            return Migration(name: name, sql: String(decoding: data, as: UTF8.self))
        }
    }
}
