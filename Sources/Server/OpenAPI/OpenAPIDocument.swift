// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import HTTPTypes

/// RealAlgo's OpenAPI 3.1 document: one operation per `/api/v1` endpoint, built from the same
/// constants the controllers validate with, served at `GET /api/v1/openapi.json` and printed by
/// `realalgo openapi`. `OpenAPITests` fails when a registered route is missing from it (or it
/// lists one that is not registered with every module on).
///
/// ```swift
/// let text = try OpenAPIDocument.render()   // pretty-printed, keys sorted
/// ```
public enum OpenAPIDocument {
    /// Every documented endpoint, by area.
    static let operations: [APIOperation] =
        coreOperations + keyOperations + marketDataOperations + feedStatusOperations + optionsOperations + orderOperations
        + exitBracketOperations + gttOperations
        + accountOperations + strategyOperations

    /// The document as a JSON value.
    public static let json: JSONValue = {
        var paths: [String: JSONValue] = [:]
        for operation in operations {
            let method = operation.method.rawValue.lowercased()
            paths[operation.path] = (paths[operation.path] ?? .object([:])).setting(method, operation.json)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("RealAlgo"), "version": .string(RealAlgoVersion.current), "description": .string(description),
                "license": .object(["name": .string("Apache-2.0"), "identifier": .string("Apache-2.0")]),
            ]),
            "servers": .array([.object(["url": .string("http://127.0.0.1:5000"), "description": .string("`realalgo serve` by default")])]),
            "tags": .array(tags.map { .object(["name": .string($0)]) }),
            "paths": .object(paths),
            "components": OpenAPIComponents.json,
        ])
    }()

    /// The document as pretty-printed JSON with sorted keys.
    /// - Throws: an `EncodingError` (none is expected: the document holds no non-finite number).
    public static func render() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(json), as: UTF8.self) + "\n"
    }

    private static let tags = [
        "Account", "API keys", "Session", "Symbols", "Market calendar", "Market data", "Options", "Orders", "GTT", "Accounts", "Strategies",
        "Feed status", "Meta",
    ]

    private static let description = """
        RealAlgo's REST API, following OpenAlgo's v1 wire contract (docs/API.md describes it in prose).

        - Requests are POST with a JSON object body; the API key travels as `apikey` in the body (the GET endpoints take it as a \
        query parameter). A path works with or without a trailing slash; any other method gets 405 naming the right one.
        - A number may arrive as a string (`"quantity": "10"`), as OpenAlgo clients send them; such fields are `oneOf: [number, string]`. \
        A body schema with `additionalProperties: false` belongs to an endpoint that refuses undeclared fields (400 naming the field).
        - Success is 200 with `"status": "success"`; an error is a non-200 status with `{"status": "error", "message": …}`. An unknown \
        path under `/api/` is 404 `{"message": "Not found", "path": …}`; a request cut off by shutdown is 503.
        - `x-realalgo-module` names the module an endpoint needs (`--modules`); with it off, the path is a 404.
        - Every `/api/v1/` path is rate-limited per client IP (429); this document counts against the `api` bucket.
        """
}
