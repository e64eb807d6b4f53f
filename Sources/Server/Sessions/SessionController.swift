// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import Schema

/// The browser app's sign-in (RealAlgo's own, not OpenAlgo's):
/// `POST /api/v1/session/login`, `GET /api/v1/session`, `POST /api/v1/session/logout`.
struct SessionController: Sendable {
    let sessions: SessionAuthenticator
    let maxBodyBytes: Int

    static let loginFields: Set<String> = ["username", "password"]
    /// Long enough for any passphrase; short enough that nobody makes the server hash megabytes.
    static let maxPasswordLength = 1024

    func register(on routes: APIv1Routes) {
        routes.post("session/login") { request, context in
            let body = try await APIRequestBody.read(request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: Self.loginFields, alsoRefusingAPIKey: true)
            let username = try body.requiredString("username")
            let password = try Self.password(in: body)
            let (principal, cookie, csrf) = try await sessions.signIn(
                username: username, password: password, request: request, peer: context.remoteAddress)
            var response = try Self.answer(principal, csrf: csrf)
            response.setCookie(cookie)
            return response
        }
        routes.get("session") { request, _ in
            guard let (principal, csrf) = try await sessions.session(of: request, requireCSRF: false) else { throw SessionAuthenticator.notSignedIn }
            return try Self.answer(principal, csrf: csrf)
        }
        routes.post("session/logout") { request, _ in
            let body = try await APIRequestBody.read(request, limit: maxBodyBytes, allowEmpty: true)
            try body.rejectUnknownFields(allowed: [], alsoRefusingAPIKey: true)
            do {
                try await sessions.signOut(request: request)
            } catch let error as APIError where error.status == .unauthorized {
                // The browser may still hold a dead cookie: tell it to drop it with the refusal.
                var headers = error.headers
                headers[values: .setCookie].append(sessions.expiredCookie(request: request).description)
                throw APIError(error.status, message: error.message, headers: headers)
            }
            var response = try JSONResponse.make(JSONValue.object(["status": .string("success"), "message": .string("Signed out")]))
            response.setCookie(sessions.expiredCookie(request: request))
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// `password`: a JSON string of 1 to ``maxPasswordLength`` characters (a number is refused:
    /// reading `1234` as "1234" would be a guess at what the person meant).
    static func password(in body: APIRequestBody) throws -> String {
        guard let value = body.fields["password"], value != .null else {
            throw APIError.invalidField("password", "Missing data for required field.")
        }
        guard case .string(let password) = value, !password.isEmpty else { throw APIError.invalidField("password", "Not a valid string.") }
        guard password.count <= maxPasswordLength else {
            throw APIError.invalidField("password", "Longer than maximum length \(maxPasswordLength).")
        }
        return password
    }

    /// The session as the browser app needs it; never cached by the browser or a proxy.
    static func answer(_ principal: SessionPrincipal, csrf: String) throws -> Response {
        var response = try JSONResponse.make(
            JSONValue.object([
                "status": .string("success"),
                "data": .object([
                    "username": .string(principal.username), "is_admin": .bool(principal.isAdmin), "expires_at": .string(principal.expiresAt),
                    "csrf_token": .string(csrf),
                ]),
            ]))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
