// SPDX-License-Identifier: Apache-2.0

/// Why replay data could not be used. Bad input in a CSV names its file, line and column, so the
/// message alone is enough to find and fix the row; `serve` prints it and exits.
public struct ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The file cannot be read (missing, a folder, not UTF-8).
        case unreadable
        /// The header row is missing, has an unknown or repeated column, or lacks a required one.
        case badHeader
        /// A data row has a bad field: see ``line`` and ``column``.
        case badRow
        /// There is nothing to replay (an empty file, or no ticks between the bounds).
        case empty
    }

    public var code: Code
    /// The file's name as given, for CSV input.
    public var file: String?
    /// 1-based line number in the file.
    public var line: Int?
    /// 1-based column number, and its header name.
    public var column: Int?
    public var columnName: String?
    /// What is wrong, and where useful what is expected instead.
    public var message: String

    public init(_ code: Code, file: String? = nil, line: Int? = nil, column: Int? = nil, columnName: String? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.message = message
    }

    /// `ticks.csv line 7, column 4 (ltp): "abc" is not a number`.
    public var description: String {
        var place = file ?? ""
        if let line { place += (place.isEmpty ? "line " : " line ") + "\(line)" }
        if let column {
            place += ", column \(column)"
            if let columnName { place += " (\(columnName))" }
        }
        return place.isEmpty ? message : place + ": " + message
    }
}
