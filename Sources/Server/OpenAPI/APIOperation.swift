// SPDX-License-Identifier: Apache-2.0
import HTTPTypes

/// One `/api/v1` endpoint as the OpenAPI document describes it: what it takes, what it answers,
/// and which module must be on for it to be registered.
struct APIOperation: Sendable {
    /// How the endpoint words a 400 for a bad field (docs/API.md, "Conventions").
    enum FieldErrors: Sendable {
        /// `{"message": {"field": ["problem"]}}`: market data, symbols, calendar, feed status.
        case data
        /// `{"message": "{'field': ['problem']}"}`, and rule refusals with `"mode": "analyze"`.
        case order
        /// `{"message": "Validation error", "errors": {"field": ["problem"]}}`.
        case options
        /// The data shape for a bad field; a refused strategy source or param is
        /// `{"message": "…", "error_kind": …, "field": …, "line": …}`.
        case strategy
    }

    /// A GET endpoint's query or path parameter.
    struct Parameter: Sendable {
        var name: String
        var location = "query"
        var required = false
        var schema: JSONValue
        var description: String
    }

    var method: HTTPRequest.Method = .post
    /// The part after `/api/v1/`, with path parameters as `{name}`.
    var endpoint: String
    var summary: String
    var description: String?
    var tag: String
    /// The module that registers it; nil for the core server.
    var module: AppModule?
    /// The JSON body's schema (POST endpoints).
    var body: JSONValue?
    var parameters: [Parameter] = []
    /// The 200 answer's JSON schema.
    var success: JSONValue
    /// Other media types the 200 may come as (`text/csv` for `instruments?format=csv`).
    var otherSuccessTypes: [String: JSONValue] = [:]
    var fieldErrors: FieldErrors = .data
    /// Statuses beyond the common ones, with when they happen: 404, 401, 503.
    var otherErrors: [Int: String] = [:]
    /// False only for the document itself.
    var needsAPIKey = true

    var path: String { "/api/v1/\(endpoint)" }

    /// `operationId`: the endpoint with `/`, `-` and `.` as `_`, prefixed by the method for GETs.
    var operationID: String {
        let name = String(endpoint.map { "/-.{}:".contains($0) ? "_" : $0 }).split(separator: "_").joined(separator: "_")
        return method == .post ? name : "\(method.rawValue.lowercased())_\(name)"
    }

    /// The OpenAPI operation object.
    var json: JSONValue {
        var operation: [String: JSONValue] = [
            "operationId": .string(operationID), "summary": .string(summary), "tags": .array([.string(tag)]), "responses": responses,
        ]
        if let description { operation["description"] = .string(description) }
        if let body {
            operation["requestBody"] = .object([
                "required": .bool(true), "content": .object(["application/json": .object(["schema": body])]),
            ])
        }
        if !parameters.isEmpty {
            operation["parameters"] = .array(
                parameters.map { parameter in
                    .object([
                        "name": .string(parameter.name), "in": .string(parameter.location), "required": .bool(parameter.required),
                        "schema": parameter.schema, "description": .string(parameter.description),
                    ])
                })
        }
        if let module { operation["x-realalgo-module"] = .string(module.name) }
        return .object(operation)
    }

    private var responses: JSONValue {
        var content: [String: JSONValue] = ["application/json": .object(["schema": success])]
        for (type, schema) in otherSuccessTypes { content[type] = .object(["schema": schema]) }
        var responses: [String: JSONValue] = [
            "200": .object(["description": .string("Success."), "headers": OpenAPIComponents.requestIDHeader, "content": .object(content)]),
            "429": OpenAPIComponents.responseRef("RateLimited"),
            "500": OpenAPIComponents.responseRef("UnexpectedError"),
        ]
        if needsAPIKey {
            let fieldErrorResponse =
                switch fieldErrors {
                case .data: "DataFieldError"
                case .order: "OrderFieldError"
                case .options: "OptionsFieldError"
                case .strategy: "StrategyFieldError"
                }
            responses["400"] = OpenAPIComponents.responseRef(fieldErrorResponse)
            responses["403"] = OpenAPIComponents.responseRef("InvalidAPIKey")
        }
        if method == .post { responses["413"] = OpenAPIComponents.responseRef("BodyTooLarge") }
        for (status, description) in otherErrors {
            responses[String(status)] = OpenAPIComponents.errorResponse(description)
        }
        return .object(responses)
    }
}
