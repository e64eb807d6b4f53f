// SPDX-License-Identifier: Apache-2.0
import Hummingbird

/// `GET /api/v1/openapi.json`: the OpenAPI document, for anyone (no API key: it describes the
/// API, and holds nothing about users or accounts).
struct OpenAPIController: Sendable {
    func register(on routes: APIv1Routes) {
        routes.get("openapi.json") { _, _ in try JSONResponse.make(OpenAPIDocument.json) }
    }
}
