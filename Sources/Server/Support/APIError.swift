// SPDX-License-Identifier: Apache-2.0
import Foundation
public import HTTPTypes
public import Hummingbird

/// An error answered under `/api/` in OpenAlgo's envelope: `{"status":"error","message":…}` plus
/// any extra fields, with the HTTP status the contract gives for the situation.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let message: JSONValue
    public let extra: [String: JSONValue]
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, message: String, extra: [String: JSONValue] = [:], headers: HTTPFields = [:]) {
        self.init(status, message: .string(message), extra: extra, headers: headers)
    }

    public init(_ status: HTTPResponse.Status, message: JSONValue, extra: [String: JSONValue] = [:], headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.extra = extra
        self.headers = headers
    }

    /// 403, exactly as OpenAlgo words it, for a missing, unknown or revoked key.
    public static let invalidAPIKey = APIError(.forbidden, message: "Invalid openalgo apikey")

    /// 400 for a request field, in the shape OpenAlgo's data endpoints use:
    /// `{"status":"error","message":{"field":["problem"]}}`.
    public static func invalidField(_ field: String, _ problem: String) -> APIError {
        APIError(.badRequest, message: .object([field: .array([.string(problem)])]))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body = extra
        body["status"] = .string("error")
        body["message"] = message
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(body)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
