// SPDX-License-Identifier: Apache-2.0
import Foundation
public import LuaBridge

/// Converts between Lua values and JSON text, for params and state kept in the hub.
///
/// JSON objects become dictionaries and arrays arrays; integers stay integers. Encoding sorts keys,
/// so the same value always gives the same text (the hub and backtest hashes rely on it).
public enum LuaJSON {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Parses JSON text into a Lua value.
    /// - Throws: ``Failure`` for text that is not JSON.
    public static func decode(_ text: String) throws -> LuaValue {
        do {
            return try JSONDecoder().decode(Decoded.self, from: Data(text.utf8)).value
        } catch {
            throw Failure(message: "not valid JSON: \(error)")
        }
    }

    /// JSON text for a Lua value.
    /// - Throws: ``Failure`` for values JSON cannot hold: functions, non-UTF-8 strings, NaN and
    ///   infinities, and dictionary keys that are not strings or integers.
    public static func encode(_ value: LuaValue) throws -> String {
        var text = ""
        try write(value, to: &text)
        return text
    }

    /// Decodes any JSON value; a number without a fraction that fits `Int64` stays an integer.
    private struct Decoded: Decodable {
        let value: LuaValue

        init(from decoder: any Decoder) throws {
            if var list = try? decoder.unkeyedContainer() {
                var items: [LuaValue] = []
                while !list.isAtEnd { items.append(try list.decode(Decoded.self).value) }
                value = .array(items)
                return
            }
            if let object = try? decoder.container(keyedBy: AnyKey.self) {
                var fields: [LuaValue: LuaValue] = [:]
                for key in object.allKeys { fields[.string(key.stringValue)] = try object.decode(Decoded.self, forKey: key).value }
                value = .dictionary(fields)
                return
            }
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                value = .nil
            } else if let flag = try? single.decode(Bool.self) {
                value = .boolean(flag)
            } else if let integer = try? single.decode(Int64.self) {
                value = .integer(integer)
            } else if let number = try? single.decode(Double.self) {
                value = .number(number)
            } else {
                value = .string(try single.decode(String.self))
            }
        }
    }

    private struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static func write(_ value: LuaValue, to text: inout String) throws {
        switch value {
        case .nil: text += "null"
        case .boolean(let flag): text += flag ? "true" : "false"
        case .integer(let number): text += String(number)
        case .number(let number):
            guard number.isFinite else { throw Failure(message: "JSON has no NaN or infinity (got \(number))") }
            text += number == number.rounded() && abs(number) < 1e15 ? String(format: "%.1f", number) : "\(number)"
        case .string(let string): writeString(string, to: &text)
        case .bytes: throw Failure(message: "a string that is not UTF-8 cannot be stored as JSON")
        case .function: throw Failure(message: "a function cannot be stored as JSON")
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                try write(item, to: &text)
            }
            text += "]"
        case .dictionary(let fields):
            var keyed: [(String, LuaValue)] = []
            for (key, item) in fields {
                switch key {
                case .string(let name): keyed.append((name, item))
                case .integer(let number): keyed.append((String(number), item))
                default: throw Failure(message: "JSON object keys must be strings or integers (got a \(key.typeName))")
                }
            }
            text += "{"
            for (index, (key, item)) in keyed.sorted(by: { $0.0 < $1.0 }).enumerated() {
                if index > 0 { text += "," }
                writeString(key, to: &text)
                text += ":"
                try write(item, to: &text)
            }
            text += "}"
        }
    }

    private static func writeString(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
