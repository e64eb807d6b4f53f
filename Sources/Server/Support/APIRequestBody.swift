// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import NIOCore

/// The JSON object an OpenAlgo-style endpoint receives, read with a size limit.
struct APIRequestBody: Sendable {
    let fields: [String: JSONValue]

    /// Reads and parses the body.
    /// - Parameter allowEmpty: an empty body reads as `{}` (for calls that take no fields).
    /// - Throws: ``APIError`` 413 past `limit` bytes, 400 for anything that is not a JSON object.
    static func read(_ request: Request, limit: Int, allowEmpty: Bool = false) async throws -> APIRequestBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, message: "Request body too large: the limit is \(limit) bytes")
        }
        guard buffer.readableBytes > 0 else {
            if allowEmpty { return APIRequestBody(fields: [:]) }
            throw APIError(.badRequest, message: "Invalid JSON: the request body is empty; send a JSON object")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError(.badRequest, message: "Invalid JSON: the request body is not valid JSON")
        }
        guard case .object(let fields) = value else {
            throw APIError(.badRequest, message: "Invalid JSON: the request body must be a JSON object")
        }
        return APIRequestBody(fields: fields)
    }

    /// The `apikey` field: OpenAlgo requires it on every endpoint.
    func apiKey() throws -> String {
        guard let field = fields["apikey"] else { throw APIError.invalidField("apikey", "Missing data for required field.") }
        guard let key = field.stringValue, (1...256).contains(key.count) else {
            throw APIError.invalidField("apikey", "Not a valid string.")
        }
        return key
    }
}
