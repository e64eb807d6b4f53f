// SPDX-License-Identifier: Apache-2.0
import Cryptography
import Foundation
import Schema

/// Renders query results as an aligned text table, RFC 4180 CSV or a JSON array of objects.
enum QueryResultFormatter {
    static func render(_ result: QueryResult, as format: OutputFormat) -> String {
        switch format {
        case .table: table(result)
        case .csv: csv(result)
        case .json: json(result)
        }
    }

    static func table(_ result: QueryResult) -> String {
        let cells = result.rows.map { $0.map(text) }
        var widths = result.columns.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ values: [String], numeric: [Bool]) -> String {
            values.enumerated().map { index, value in
                let padding = String(repeating: " ", count: widths[index] - value.count)
                return numeric[index] ? padding + value : value + padding
            }.joined(separator: " | ").trimmingTrailingSpaces()
        }
        let numeric = result.columns.indices.map { column in
            !result.rows.isEmpty
                && result.rows.allSatisfy {
                    switch $0[column] {
                    case .integer, .real, .null: true
                    default: false
                    }
                }
        }
        var output = [line(result.columns, numeric: Array(repeating: false, count: result.columns.count))]
        output.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-"))
        output += cells.map { line($0, numeric: numeric) }
        output.append("(\(result.rows.count) row\(result.rows.count == 1 ? "" : "s"))")
        return output.joined(separator: "\n") + "\n"
    }

    static func csv(_ result: QueryResult) -> String {
        func field(_ text: String) -> String {
            // Scalars, not Characters: "\r\n" is one Character in Swift and matches neither "\r" nor "\n".
            guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var lines = [result.columns.map(field).joined(separator: ",")]
        lines += result.rows.map { row in row.map { value in value == .null ? "" : field(text(value)) }.joined(separator: ",") }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func json(_ result: QueryResult) -> String {
        let objects = result.rows.map { row in
            "{" + zip(result.columns, row).map { column, value in jsonString(column) + ":" + jsonValue(value) }.joined(separator: ",") + "}"
        }
        return "[" + objects.joined(separator: ",\n ") + "]\n"
    }

    private static func text(_ value: SQLValue) -> String {
        switch value {
        case .null: "NULL"
        case .integer(let number): String(number)
        case .real(let number): realText(number)
        case .text(let string): string
        case .blob(let bytes): "x'" + bytes.hexString + "'"
        }
    }

    private static func jsonValue(_ value: SQLValue) -> String {
        switch value {
        case .null: "null"
        case .integer(let number): String(number)
        case .real(let number): number.isFinite ? realText(number) : "null"
        case .text(let string): jsonString(string)
        case .blob(let bytes): jsonString(Data(bytes).base64EncodedString())
        }
    }

    /// The shortest text that reads back as the same double; whole numbers keep their ".0" so a
    /// REAL column stays recognisably real.
    private static func realText(_ number: Double) -> String {
        String(number)
    }

    private static func jsonString(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20: output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
