// SPDX-License-Identifier: Apache-2.0

/// Builders for the JSON Schema (2020-12, as OpenAPI 3.1 uses it) fragments of the OpenAPI
/// document, so each endpoint's description reads as a list of fields rather than nested JSON.
enum JSONSchema {
    /// `{"$ref": "#/components/schemas/<name>"}`.
    static func ref(_ name: String) -> JSONValue {
        .object(["$ref": .string("#/components/schemas/\(name)")])
    }

    static func string(
        _ description: String? = nil, enum values: [String]? = nil, format: String? = nil, pattern: String? = nil, maxLength: Int? = nil
    ) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string("string")]
        if let values { schema["enum"] = .array(values.map(JSONValue.string)) }
        if let format { schema["format"] = .string(format) }
        if let pattern { schema["pattern"] = .string(pattern) }
        if let maxLength { schema["maxLength"] = .integer(Int64(maxLength)) }
        return JSONValue.object(schema).described(description)
    }

    /// A text field that also takes a JSON integer (read as its digits), as OpenAlgo clients send
    /// symbols and ids either way.
    static func text(_ description: String? = nil, maxLength: Int = 64) -> JSONValue {
        JSONValue.object(["type": .array([.string("string"), .string("integer")]), "maxLength": .integer(Int64(maxLength))]).described(description)
    }

    /// A fixed string value, such as `"status": "success"`.
    static func constant(_ value: String) -> JSONValue {
        .object(["const": .string(value)])
    }

    static func constant(_ value: Bool) -> JSONValue {
        .object(["const": .bool(value)])
    }

    static func integer(_ description: String? = nil, minimum: Int64? = nil, maximum: Int64? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string("integer")]
        if let minimum { schema["minimum"] = .integer(minimum) }
        if let maximum { schema["maximum"] = .integer(maximum) }
        return JSONValue.object(schema).described(description)
    }

    static func number(_ description: String? = nil, minimum: Double? = nil, maximum: Double? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string("number")]
        if let minimum { schema["minimum"] = .number(minimum) }
        if let maximum { schema["maximum"] = .number(maximum) }
        return JSONValue.object(schema).described(description)
    }

    static func boolean(_ description: String? = nil) -> JSONValue {
        JSONValue.object(["type": .string("boolean")]).described(description)
    }

    /// A request number that may also arrive as a string holding one (`"quantity": "10"`), as
    /// OpenAlgo clients send numbers: `oneOf: [number, string]`.
    static func numeric(_ description: String? = nil, minimum: Double? = nil, maximum: Double? = nil) -> JSONValue {
        JSONValue.object([
            "oneOf": .array([number(minimum: minimum, maximum: maximum), string("A number written as a string, e.g. \"10\".")])
        ]).described(description)
    }

    /// A whole request number that may also arrive as a string: `oneOf: [integer, string]`.
    static func numericInteger(_ description: String? = nil, minimum: Int64? = nil, maximum: Int64? = nil) -> JSONValue {
        JSONValue.object([
            "oneOf": .array([integer(minimum: minimum, maximum: maximum), string("A whole number written as a string, e.g. \"5\".")])
        ]).described(description)
    }

    /// A request flag that may also arrive as the string `"true"` or `"false"` (any case).
    static func flag(_ description: String? = nil) -> JSONValue {
        JSONValue.object([
            "oneOf": .array([boolean(), string(pattern: "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$")])
        ]).described(description)
    }

    static func array(_ items: JSONValue, _ description: String? = nil, minItems: Int? = nil, maxItems: Int? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string("array"), "items": items]
        if let minItems { schema["minItems"] = .integer(Int64(minItems)) }
        if let maxItems { schema["maxItems"] = .integer(Int64(maxItems)) }
        return JSONValue.object(schema).described(description)
    }

    /// An object schema.
    /// - Parameters:
    ///   - required: the keys that must be present; nil means every key in `properties`.
    ///   - closed: `additionalProperties: false`, for bodies whose endpoint refuses unknown fields.
    static func object(
        _ properties: [String: JSONValue], required: [String]? = nil, closed: Bool = false, _ description: String? = nil
    ) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
        let keys = required ?? properties.keys.sorted()
        if !keys.isEmpty { schema["required"] = .array(keys.map(JSONValue.string)) }
        if closed { schema["additionalProperties"] = .bool(false) }
        return JSONValue.object(schema).described(description)
    }

    static func anyOf(_ schemas: [JSONValue], _ description: String? = nil) -> JSONValue {
        JSONValue.object(["anyOf": .array(schemas)]).described(description)
    }

    /// `schema` or `null`.
    static func nullable(_ schema: JSONValue) -> JSONValue {
        .object(["anyOf": .array([schema, .object(["type": .string("null")])])])
    }

    /// A success answer: `"status": "success"` plus `properties` (all required unless `required` says).
    static func success(_ properties: [String: JSONValue], required: [String]? = nil) -> JSONValue {
        var all = properties
        all["status"] = constant("success")
        return object(all, required: required.map { ["status"] + $0 })
    }

    /// A sandbox broker's success answer: `"status": "success"`, `"mode": "analyze"` plus `properties`.
    static func sandbox(_ properties: [String: JSONValue], required: [String]? = nil) -> JSONValue {
        var all = properties
        all["mode"] = constant("analyze")
        return success(all, required: required.map { ["mode"] + $0 })
    }
}

extension JSONValue {
    /// The schema with `key` set (schemas are objects; anything else is returned unchanged).
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var fields) = self else { return self }
        fields[key] = value
        return .object(fields)
    }

    /// The schema with a `description`, when one is given.
    func described(_ description: String?) -> JSONValue {
        description.map { setting("description", .string($0)) } ?? self
    }

    /// The schema with `examples: [value]`; request fields carry one so a test can build a valid body.
    func example(_ value: JSONValue) -> JSONValue {
        setting("examples", .array([value]))
    }

    /// `example(.string(value))`.
    func example(_ value: String) -> JSONValue {
        example(.string(value))
    }

    /// A key of an object value.
    subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields[key]
    }
}
