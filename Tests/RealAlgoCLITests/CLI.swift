// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Runs the built `realalgo` binary as a user would: a separate process, arguments, standard
/// input, exit status, standard output and standard error.
enum CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// `REALALGO_BIN`, else the binary next to the test bundle (`.build/<config>/realalgo`).
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["REALALGO_BIN"] { return URL(fileURLWithPath: path) }
        var folder = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("realalgo")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/realalgo")
    }()

    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "REALALGO_DATA_DIR")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting, so a chatty process cannot fill a pipe and stall.
        let stdoutData = output.fileHandleForReading.readDataToEndOfFile()
        let stderrData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

/// A data directory for one test, deleted afterwards.
struct DataFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("realalgo-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }
    var database: URL { url.appendingPathComponent("realalgo.db") }

    /// `realalgo <arguments> --data-dir <this folder>`.
    func run(_ arguments: String..., stdin: String? = nil, environment: [String: String] = [:]) throws -> CLI.Result {
        try CLI.run(arguments + ["--data-dir", path], stdin: stdin, environment: environment)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
