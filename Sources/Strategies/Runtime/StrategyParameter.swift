// SPDX-License-Identifier: Apache-2.0
public import LuaBridge

/// One typed, bounded parameter a strategy declares in `params`, editable from the API and the app.
///
/// ```lua
/// params = {
///   fast = { default = 9, min = 2, max = 50 },          -- integer (the default is one)
///   band = { default = 1.5, min = 0.1, max = 5 },       -- number
///   side = { default = "long", choices = { "long", "short", "both" } },
///   live_only = { default = false },
///   qty = 1,                                             -- shorthand: default only
/// }
/// ```
public struct StrategyParameter: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case integer, number, boolean, string }

    public var name: String
    public var kind: Kind
    public var defaultValue: ParameterValue
    public var minimum: Double?
    public var maximum: Double?
    public var choices: [String]?
    public var description: String

    /// A parameter value as JSON and Lua both hold it.
    public enum ParameterValue: Sendable, Equatable, Codable {
        case integer(Int64), number(Double), boolean(Bool), string(String)

        public var lua: LuaValue {
            switch self {
            case .integer(let value): .integer(value)
            case .number(let value): .number(value)
            case .boolean(let value): .boolean(value)
            case .string(let value): .string(value)
            }
        }
    }

    /// Reads one entry of `strategy.params`.
    /// - Throws: ``StrategyScriptError`` `.declaration` naming the field at fault.
    public init(name: String, spec: LuaValue) throws {
        let field = "strategy.params.\(name)"
        guard name.count <= 64, name.first.map({ $0.isLetter || $0 == "_" }) == true,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { throw StrategyScriptError(.declaration, field: field, "a param name is an identifier of at most 64 characters") }
        self.name = name
        var defaultLua = spec
        var minimum: Double?
        var maximum: Double?
        var choices: [String]?
        var description = ""
        if case .dictionary = spec {
            guard let given = spec["default"] else { throw StrategyScriptError(.declaration, field: field + ".default", "is required") }
            defaultLua = given
            minimum = try Self.bound(spec["min"], field: field + ".min")
            maximum = try Self.bound(spec["max"], field: field + ".max")
            if let list = spec["choices"] {
                guard case .array(let items) = list, !items.isEmpty, let texts = Optional(items.compactMap(\.stringValue)), texts.count == items.count
                else { throw StrategyScriptError(.declaration, field: field + ".choices", "must be a non-empty list of strings") }
                choices = texts
            }
            if let text = spec["description"] {
                guard let string = text.stringValue else {
                    throw StrategyScriptError(.declaration, field: field + ".description", "must be a string")
                }
                description = string
            }
        }
        switch defaultLua {
        case .integer(let value): (kind, defaultValue) = (.integer, .integer(value))
        case .number(let value) where value.isFinite: (kind, defaultValue) = (.number, .number(value))
        case .boolean(let value): (kind, defaultValue) = (.boolean, .boolean(value))
        case .string(let value): (kind, defaultValue) = (.string, .string(value))
        default:
            throw StrategyScriptError(
                .declaration, field: field + ".default", "must be an integer, a finite number, a boolean or a string (got a \(defaultLua.typeName))")
        }
        if let minimum, let maximum, minimum > maximum {
            throw StrategyScriptError(.declaration, field: field, "min (\(minimum)) is above max (\(maximum))")
        }
        if (minimum != nil || maximum != nil) && !(kind == .integer || kind == .number) {
            throw StrategyScriptError(.declaration, field: field, "min and max apply to numbers only")
        }
        if choices != nil && kind != .string {
            throw StrategyScriptError(.declaration, field: field + ".choices", "choices apply to string params only")
        }
        self.minimum = minimum
        self.maximum = maximum
        self.choices = choices
        self.description = description
        defaultValue = try check(defaultLua, field: field + ".default", as: .declaration)
    }

    /// The value `given` for this parameter, converted to its kind and checked against its bounds.
    /// An integer parameter accepts a float with an integral value (JSON clients send `21.0`).
    /// - Throws: ``StrategyScriptError`` `.parameter` naming `params.NAME`.
    public func check(_ given: LuaValue) throws -> ParameterValue {
        try check(given, field: "params.\(name)", as: .parameter)
    }

    private func check(_ given: LuaValue, field: String, as errorKind: StrategyScriptError.Kind) throws -> ParameterValue {
        let value: ParameterValue
        switch (kind, given) {
        case (.integer, _):
            guard let integer = given.integerValue else {
                throw StrategyScriptError(errorKind, field: field, "must be an integer (got \(Self.describe(given)))")
            }
            value = .integer(integer)
        case (.number, _):
            guard let number = given.doubleValue, number.isFinite else {
                throw StrategyScriptError(errorKind, field: field, "must be a finite number (got \(Self.describe(given)))")
            }
            value = .number(number)
        case (.boolean, .boolean(let flag)): value = .boolean(flag)
        case (.string, .string(let text)): value = .string(text)
        default: throw StrategyScriptError(errorKind, field: field, "must be a \(kind.rawValue) (got \(Self.describe(given)))")
        }
        let numeric: Double? =
            switch value {
            case .integer(let integer): Double(integer)
            case .number(let number): number
            default: nil
            }
        if let numeric, let minimum, numeric < minimum {
            throw StrategyScriptError(errorKind, field: field, "must be at least \(Self.format(minimum)) (got \(Self.describe(given)))")
        }
        if let numeric, let maximum, numeric > maximum {
            throw StrategyScriptError(errorKind, field: field, "must be at most \(Self.format(maximum)) (got \(Self.describe(given)))")
        }
        if let choices, case .string(let text) = value, !choices.contains(text) {
            throw StrategyScriptError(errorKind, field: field, "must be one of \(choices.joined(separator: ", ")) (got \(text))")
        }
        return value
    }

    private static func bound(_ value: LuaValue?, field: String) throws -> Double? {
        guard let value else { return nil }
        guard let number = value.doubleValue, number.isFinite else { throw StrategyScriptError(.declaration, field: field, "must be a number") }
        return number
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    static func describe(_ value: LuaValue) -> String {
        switch value {
        case .integer(let integer): String(integer)
        case .number(let number): String(number)
        case .string(let text): "\"\(text.prefix(40))\""
        case .boolean(let flag): String(flag)
        default: "a \(value.typeName)"
        }
    }
}
