// SPDX-License-Identifier: Apache-2.0

/// A Lua value copied into Swift, or to be copied into Lua.
///
/// Lua strings are bytes: one that is valid UTF-8 (NUL bytes included) arrives as ``string(_:)``,
/// any other as ``bytes(_:)``; both go back as the same bytes. A table whose keys are exactly
/// `1...n` arrives as ``array(_:)`` (the empty table as `.array([])`), any other as
/// ``dictionary(_:)``; keys of a dictionary are booleans, numbers or strings. Lua keeps integers
/// and floats apart, and so does this type: `1` is ``integer(_:)``, `1.0` is ``number(_:)``.
///
/// Lossy corners, all from Lua itself: a `nil` inside an array leaves a hole, so the table comes
/// back as a dictionary without that key; a float key with an integral value (`2.0`) becomes the
/// integer key `2`; `nil` and NaN cannot be keys.
public enum LuaValue: Sendable, Hashable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    /// A Lua string that is valid UTF-8.
    case string(String)
    /// A Lua string that is not valid UTF-8.
    case bytes([UInt8])
    /// A table whose keys are `1...n`, in order.
    case array([LuaValue])
    /// Any other table.
    case dictionary([LuaValue: LuaValue])
    /// A Lua function (or a Swift function made with ``LuaVM/makeFunction(named:_:)``), usable only
    /// with the VM it came from.
    case function(LuaFunctionRef)
}

extension LuaValue {
    /// The Lua type name (`"nil"`, `"boolean"`, `"number"`, `"string"`, `"table"`, `"function"`).
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string, .bytes: "string"
        case .array, .dictionary: "table"
        case .function: "function"
        }
    }

    /// The text of a string value; `nil` for other types and for strings that are not UTF-8.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value of an integer, or of a float with an integral value that fits in `Int64`.
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value): Int64(exactly: value)
        default: nil
        }
    }

    /// The value of any number, as a `Double`.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// The value of a boolean; `nil` for other types (Lua's truthiness is ``isTruthy``).
    public var boolValue: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    /// Lua's truth: everything except `nil` and `false`.
    public var isTruthy: Bool {
        switch self {
        case .nil, .boolean(false): false
        default: true
        }
    }

    /// The field `key` of a dictionary table; `nil` if absent or if this is not a dictionary.
    public subscript(key: String) -> LuaValue? {
        if case .dictionary(let fields) = self { return fields[.string(key)] }
        return nil
    }
}

extension LuaValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: LuaValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (LuaValue, LuaValue)...) {
        self = .dictionary(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
