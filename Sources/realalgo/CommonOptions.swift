// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Schema

/// `--data-dir`, shared by every command.
struct DataDirOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder of the hub database and secret key (env REALALGO_DATA_DIR).", valueName: "path"))
    var dataDir: String?

    var dataDirectory: DataDirectory { DataDirectory.resolve(flag: dataDir) }
}

/// Output formats for listings and query results.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Reads an environment variable for a setting that also has a flag; a bad value is a usage error.
enum EnvironmentSetting {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static func string(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ValidationError("\(name)=\(text) is not a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    static func bool(_ name: String) throws -> Bool? {
        guard let text = string(name)?.lowercased() else { return nil }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ValidationError("\(name)=\(text) is not a boolean (use true or false)")
        }
    }
}

/// Reads a password from standard input: everything up to the end, minus one trailing newline.
enum PasswordInput {
    static let minimumLength = 8

    static func read() throws -> String {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\r\n") { text.removeLast(2) } else if text.hasSuffix("\n") { text.removeLast() }
        guard text.count >= minimumLength else {
            throw ValidationError("the password read from standard input must be at least \(minimumLength) characters")
        }
        return text
    }
}

/// Writes to standard error (messages for people; standard output carries only results).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
