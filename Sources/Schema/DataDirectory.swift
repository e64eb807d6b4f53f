// SPDX-License-Identifier: Apache-2.0
public import Foundation

/// The folder that holds one RealAlgo installation's state: the hub, its WAL files and the secret key.
public struct DataDirectory: Sendable {
    public static let defaultPath = "./data"
    public static let environmentVariable = "REALALGO_DATA_DIR"
    public static let databaseFileName = "realalgo.db"

    public let url: URL

    public init(path: String) {
        self.url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    /// `--data-dir` if given, else `REALALGO_DATA_DIR`, else `./data`.
    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> DataDirectory {
        DataDirectory(path: flag ?? environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath)
    }

    public var databaseURL: URL { url.appendingPathComponent(Self.databaseFileName) }

    /// Creates the folder (owner-only) if it does not exist.
    public func create() throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(.other, "cannot create the data folder \(url.path): \(error.localizedDescription)")
        }
    }
}
