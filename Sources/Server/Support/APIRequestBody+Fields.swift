import Foundation
// SPDX-License-Identifier: Apache-2.0
import HTTPTypes

/// Field readers for OpenAlgo-style bodies: numbers may arrive as strings and strings as
/// numbers, and every problem names its field in the 400 answer.
extension APIRequestBody {
    /// Refuses fields the endpoint does not declare, as OpenAlgo's schemas do.
    /// - Parameter alsoRefusingAPIKey: `apikey` is undeclared too (the sign-in calls, which take none).
    func rejectUnknownFields(
        allowed: Set<String>, alsoRefusingAPIKey: Bool = false, error: (String, String) -> APIError = APIError.invalidField
    ) throws {
        if let unknown = fields.keys.sorted().first(where: { ($0 != "apikey" || alsoRefusingAPIKey) && !allowed.contains($0) }) {
            throw error(unknown, "Unknown field.")
        }
    }

    func requiredString(_ name: String, maxLength: Int = 64, error: (String, String) -> APIError = APIError.invalidField) throws -> String {
        guard let value = fields[name], value != .null else { throw error(name, "Missing data for required field.") }
        guard let text = Self.text(value), !text.isEmpty else { throw error(name, "Not a valid string.") }
        guard text.count <= maxLength else { throw error(name, "Longer than maximum length \(maxLength).") }
        return text
    }

    func optionalString(_ name: String, maxLength: Int = 64, error: (String, String) -> APIError = APIError.invalidField) throws -> String? {
        guard let value = fields[name], value != .null else { return nil }
        return try requiredString(name, maxLength: maxLength, error: error)
    }

    func optionalInteger(_ name: String, in range: ClosedRange<Int>, error: (String, String) -> APIError = APIError.invalidField) throws -> Int? {
        guard let value = fields[name], value != .null else { return nil }
        let number: Int? =
            switch value {
            case .integer(let integer): Int(exactly: integer)
            case .number(let double): Int(exactly: double)
            case .string(let text): Int(text.trimmingCharacters(in: .whitespaces))
            default: nil
            }
        guard let number else { throw error(name, "Not a valid integer.") }
        guard range.contains(number) else { throw error(name, "Must be between \(range.lowerBound) and \(range.upperBound).") }
        return number
    }

    func optionalDouble(_ name: String, in range: ClosedRange<Double>, error: (String, String) -> APIError = APIError.invalidField) throws -> Double?
    {
        guard let value = fields[name], value != .null else { return nil }
        let number: Double? =
            switch value {
            case .integer(let integer): Double(integer)
            case .number(let double): double
            case .string(let text): Double(text.trimmingCharacters(in: .whitespaces))
            default: nil
            }
        guard let number, number.isFinite else { throw error(name, "Not a valid number.") }
        guard range.contains(number) else { throw error(name, "Must be between \(range.lowerBound) and \(range.upperBound).") }
        return number
    }

    func optionalBool(_ name: String, error: (String, String) -> APIError = APIError.invalidField) throws -> Bool? {
        guard let value = fields[name], value != .null else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .string(let text) where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
        default: throw error(name, "Not a valid boolean.")
        }
    }

    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        default: nil
        }
    }
}

extension APIError {
    /// 400 in the shape OpenAlgo's options endpoints use:
    /// `{"status":"error","message":"Validation error","errors":{"field":["problem"]}}`.
    static func validation(_ field: String, _ problem: String) -> APIError {
        APIError(.badRequest, message: "Validation error", extra: ["errors": .object([field: .array([.string(problem)])])])
    }
}
