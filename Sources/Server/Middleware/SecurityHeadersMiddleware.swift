// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Hummingbird

/// Headers every response carries: no MIME sniffing, no framing, no referrer leaks, and a content
/// security policy that allows only RealAlgo's own scripts and styles (the SPA has no third-party code).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await HTTPErrorRendering.respond(to: request, context: context, next: next)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "no-referrer"
        // connect-src 'self' covers the app's own ws:/wss: origin (CSP Level 3, every current
        // browser); listing bare ws: wss: would let a script reach any socket on any host.
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
