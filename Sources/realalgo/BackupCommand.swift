// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Schema

/// `realalgo backup <file>`: a consistent copy of the live hub, safe while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the live hub to a file (online: the server may keep running).",
        discussion: "Keep the secret key (data/realalgo.key or REALALGO_SECRET_KEY) with the backup: API keys and upstream credentials need it.")

    @OptionGroup var data: DataDirOptions
    @Argument(help: "The file to write; it must not exist unless --force is given.") var file: String
    @Flag(help: "Replace the file if it exists.") var force = false

    func run() async throws {
        var options = Store.Options()
        options.create = false
        options.readOnly = true
        let store = try Store.open(at: data.dataDirectory.databaseURL, options: options)
        defer { try? store.close() }
        let destination = URL(fileURLWithPath: file).standardizedFileURL
        try store.backup(to: destination, overwrite: force)
        let size = ((try? FileManager.default.attributesOfItem(atPath: destination.path))?[.size] as? NSNumber)?.int64Value ?? 0
        print("backed up \(data.dataDirectory.databaseURL.path) to \(destination.path) (\(size) bytes)")
    }
}
