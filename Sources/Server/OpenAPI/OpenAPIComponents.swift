// SPDX-License-Identifier: Apache-2.0

/// The document's shared parts: the error envelopes of docs/API.md ("Conventions"), the common
/// error responses, the `X-Request-Id` header and the answer objects several endpoints return.
enum OpenAPIComponents {
    static func responseRef(_ name: String) -> JSONValue {
        .object(["$ref": .string("#/components/responses/\(name)")])
    }

    static let requestIDHeader: JSONValue = .object(["X-Request-Id": .object(["$ref": .string("#/components/headers/X-Request-Id")])])

    /// An error response in the plain envelope, `{"status":"error","message":"…"}`.
    static func errorResponse(_ description: String, schema: JSONValue = JSONSchema.ref("Error"), example: String? = nil) -> JSONValue {
        var media: [String: JSONValue] = ["schema": schema]
        if let example { media["example"] = .string(example) }
        return .object([
            "description": .string(description), "headers": requestIDHeader,
            "content": .object(["application/json": .object(media)]),
        ])
    }

    static var json: JSONValue {
        .object([
            "schemas": .object(
                errorSchemas.merging(answerSchemas, uniquingKeysWith: { first, _ in first }).merging(
                    strategySchemas, uniquingKeysWith: { first, _ in first })
            ),
            "responses": responses,
            "headers": .object([
                "X-Request-Id": .object([
                    "description": .string("The request's id; the server's log lines for the request carry it too."),
                    "schema": JSONSchema.string(),
                ]),
                "Retry-After": .object([
                    "description": .string("Whole seconds, at least 1, until this client's rate-limit window has room again (RealAlgo's addition)."),
                    "schema": JSONSchema.integer(minimum: 1),
                ]),
            ]),
        ])
    }

    static let errorSchemas: [String: JSONValue] = [
        "Error": JSONSchema.object(
            ["status": JSONSchema.constant("error"), "message": JSONSchema.string()], required: ["status", "message"],
            "OpenAlgo's error envelope. On the order endpoints a field problem's message is the field dictionary as Python prints it."),
        "FieldError": JSONSchema.object(
            [
                "status": JSONSchema.constant("error"),
                "message": JSONValue.object([
                    "type": .string("object"), "additionalProperties": JSONSchema.array(JSONSchema.string()),
                    "description": .string("Each field at fault with its problems."),
                ]),
            ], "A field error in the data endpoints' shape, e.g. `{\"message\":{\"apikey\":[\"Missing data for required field.\"]}}`."),
        "OrderRejection": JSONSchema.object(
            ["status": JSONSchema.constant("error"), "message": JSONSchema.string(), "mode": JSONSchema.constant("analyze")],
            "An order refused by a rule (margin, market hours, lots, holdings…)."),
        "ValidationError": JSONSchema.object(
            [
                "status": JSONSchema.constant("error"), "message": JSONSchema.constant("Validation error"),
                "errors": JSONSchema.object([:], required: [], "Each field at fault with its problems (a leg's under `legs[n]`)."),
            ], "A field error in the options endpoints' shape."),
        "NotFound": JSONSchema.object(
            ["status": JSONSchema.constant("error"), "message": JSONSchema.constant("Not found"), "path": JSONSchema.string()],
            "An unknown path under /api/ (or one whose module is off)."),
        "RateLimited": JSONSchema.object(
            [
                "status": JSONSchema.constant("error"), "message": JSONSchema.constant("Rate limit exceeded. Please slow down your requests."),
                "retry_after": JSONSchema.integer("Always 60, as OpenAlgo sends it; see the Retry-After header."),
            ]),
    ]

    static let responses: JSONValue = .object([
        "DataFieldError": errorResponse(
            "A missing, mistyped or unknown field (the message names it), or a body that is not a JSON object.",
            schema: JSONSchema.anyOf([JSONSchema.ref("FieldError"), JSONSchema.ref("Error")]),
            example: #"{"message":{"apikey":["Missing data for required field."]},"status":"error"}"#),
        "OrderFieldError": errorResponse(
            "A field problem (the Python-printed field dictionary; `apikey` and unknown fields on the books in the data shape), a body "
                + "that is not a JSON object, or an order refused by a rule (with `\"mode\": \"analyze\"`).",
            schema: JSONSchema.anyOf([JSONSchema.ref("Error"), JSONSchema.ref("OrderRejection"), JSONSchema.ref("FieldError")]),
            example: #"{"message":"{'quantity': ['Must be greater than 0.']}","status":"error"}"#),
        "OptionsFieldError": errorResponse(
            "A field problem in the options shape (a missing `apikey` in the data shape), or a body that is not a JSON object.",
            schema: JSONSchema.anyOf([JSONSchema.ref("ValidationError"), JSONSchema.ref("FieldError"), JSONSchema.ref("Error")]),
            example: #"{"errors":{"expiry_date":["Missing data for required field."]},"message":"Validation error","status":"error"}"#),
        "StrategyFieldError": errorResponse(
            "A missing, mistyped or unknown field (the message names it), a body that is not a JSON object, or a strategy source, "
                + "param or start refused (`error_kind`, `field`, `line`).",
            schema: JSONSchema.anyOf([JSONSchema.ref("FieldError"), JSONSchema.ref("StrategyRefusal"), JSONSchema.ref("Error")]),
            example:
                #"{"error_kind":"declaration","field":"strategy.timeframe","message":"strategy.timeframe: on_bar needs a timeframe (\"1m\", \"5m\", …)","status":"error"}"#
        ),
        "InvalidAPIKey": errorResponse(
            "An unknown or revoked key, or a disabled user's.", example: #"{"message":"Invalid openalgo apikey","status":"error"}"#),
        "BodyTooLarge": errorResponse(
            "The body is over the limit (1 MiB by default).",
            example: #"{"message":"Request body too large: the limit is 1048576 bytes","status":"error"}"#),
        "RateLimited": .object([
            "description": .string("Over the client's rate limit for this endpoint's category (OpenAlgo's bytes, keys unsorted)."),
            "headers": .object([
                "X-Request-Id": .object(["$ref": .string("#/components/headers/X-Request-Id")]),
                "Retry-After": .object(["$ref": .string("#/components/headers/Retry-After")]),
            ]),
            "content": .object([
                "application/json": .object([
                    "schema": JSONSchema.ref("RateLimited"),
                    "example": .string(#"{"status":"error","message":"Rate limit exceeded. Please slow down your requests.","retry_after":60}"#),
                ])
            ]),
        ]),
        "UnexpectedError": errorResponse(
            "An unexpected server error; the details are in the server's log under the request id.",
            example: #"{"message":"An unexpected error occurred; the server logged it with request id …","status":"error"}"#),
    ])
}
