// SPDX-License-Identifier: Apache-2.0

/// Splits the text of a CSV file into numbered lines and each line into fields.
///
/// RFC 4180's quoting is accepted (`"a,b"`, `"say ""hi"""`) but a quoted field may not span lines:
/// replay files hold numbers, symbols and times, and keeping one record per line keeps every error's
/// line number exact. Fields are trimmed of spaces and tabs outside quotes.
enum ReplayCSVLine {
    /// One physical line: its 1-based number and its text without the line break.
    struct Line {
        var number: Int
        var text: Substring
    }

    /// The lines of `text`, accepting `\n` and `\r\n` breaks and skipping a UTF-8 byte-order mark.
    /// Blank lines are left out (their numbers still count).
    static func lines(of text: String) -> [Line] {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        var lines: [Line] = []
        var number = 0
        for raw in body.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(raw)
            if line.utf8.last == UInt8(ascii: "\r") { line = Substring(line.utf8.dropLast()) }
            if line.utf8.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            lines.append(Line(number: number, text: line))
        }
        return lines
    }

    /// The fields of one line.
    /// - Returns: the fields, or nil when a quote is not closed or text follows a closing quote.
    static func fields(of line: Substring) -> [Substring]? {
        guard line.utf8.contains(UInt8(ascii: "\"")) else {
            return line.split(separator: ",", omittingEmptySubsequences: false).map(trimmed)
        }
        var fields: [Substring] = []
        var bytes = line.utf8[...]
        while true {
            bytes = bytes.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            if bytes.first == UInt8(ascii: "\"") {
                var value: [UInt8] = []
                var index = bytes.index(after: bytes.startIndex)
                var closed = false
                while index < bytes.endIndex {
                    let byte = bytes[index]
                    index = bytes.index(after: index)
                    if byte == UInt8(ascii: "\"") {
                        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") {
                            value.append(byte)
                            index = bytes.index(after: index)
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        value.append(byte)
                    }
                }
                guard closed else { return nil }
                fields.append(Substring(String(decoding: value, as: UTF8.self)))
                bytes = bytes[index...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                guard let next = bytes.first else { return fields }
                guard next == UInt8(ascii: ",") else { return nil }
                bytes = bytes.dropFirst()
            } else {
                let end = bytes.firstIndex(of: UInt8(ascii: ",")) ?? bytes.endIndex
                let field = Substring(bytes[..<end])
                guard !field.utf8.contains(UInt8(ascii: "\"")) else { return nil }
                fields.append(trimmed(field))
                guard end < bytes.endIndex else { return fields }
                bytes = bytes[bytes.index(after: end)...]
            }
        }
    }

    static func trimmed(_ field: Substring) -> Substring {
        var field = field
        while let first = field.utf8.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { field = Substring(field.utf8.dropFirst()) }
        while let last = field.utf8.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { field = Substring(field.utf8.dropLast()) }
        return field
    }
}
