// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Schema
import Server

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

    static func double(_ name: String) throws -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite else { throw ValidationError("\(name)=\(text) is not a number") }
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
        let text = withoutTrailingNewline(String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self))
        guard text.count >= minimumLength else {
            throw ValidationError("the password read from standard input must be at least \(minimumLength) characters")
        }
        return text
    }

    /// Removes one trailing "\n" or "\r\n". (Working on bytes: in Swift "\r\n" is a single
    /// Character, so character-based trimming would also eat the password's last character.)
    static func withoutTrailingNewline(_ text: String) -> String {
        var bytes = Array(text.utf8)
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") && text.utf8.last == UInt8(ascii: "\n") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Writes to standard error (messages for people; standard output carries only results).
func printError(_ message: String) {
    StandardOutput.write(message + "\n", toStandardError: true)
}
