// SPDX-License-Identifier: Apache-2.0
import Core
import Cryptography
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Schema

/// Browser sessions: sign-in with a username and password, the session cookie, its CSRF token,
/// and sign-out.
///
/// - The cookie (``cookieName``) holds a random token and is `HttpOnly` (no script reads it),
///   `SameSite=Strict` (no other site's page makes the browser send it), `Path=/`, and `Secure`
///   when the request arrived over HTTPS through a proxy (`X-Forwarded-Proto: https`).
/// - The hub stores only the token's keyed hash (``SessionTokens``) and an absolute expiry; every
///   request reads the row, so sign-out and deactivating a user apply to the next request.
/// - Every cookie-authenticated call must carry the session's CSRF token in ``csrfHeader``.
///   SameSite already keeps other sites' requests cookie-less; the token also covers a hostile
///   page on a sibling subdomain (same site, different origin), which SameSite does not.
final class SessionAuthenticator: Sendable {
    static let cookieName = "realalgo_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    /// The one answer to every refused password, so it reveals nothing about which part was wrong.
    static let refusal = APIError(.unauthorized, message: "Invalid username or password")
    static let notSignedIn = APIError(.unauthorized, message: "Not signed in: sign in again (the session ended, expired or never existed)")

    private let store: Store
    private let tokens: SessionTokens
    private let throttle: LoginThrottle
    private let clients: ClientResolver
    private let lifetimeSeconds: Int
    private let verifier: PasswordVerifier
    private let logger: Logger

    init(store: Store, secretKey: SecretKey, settings: SessionSettings, trustedProxies: [IPAddressRange], logger: Logger) {
        self.store = store
        tokens = SessionTokens(secretKey: secretKey)
        throttle = LoginThrottle(limits: settings.throttle)
        clients = ClientResolver(trustedProxies: trustedProxies)
        lifetimeSeconds = max(60, Int(settings.lifetime.components.seconds))
        verifier = PasswordVerifier(decoyIterations: settings.decoyIterations)
        self.logger = logger
    }

    /// Checks a password and starts a session.
    /// - Returns: the new session and the cookie that carries it.
    /// - Throws: ``APIError`` 429 while the throttle refuses this client or user (no password is
    ///   checked), 401 ``refusal`` for a wrong password, an unknown or an inactive user.
    func signIn(username: String, password: String, request: Request, peer: SocketAddress?) async throws -> (SessionPrincipal, Cookie, csrf: String) {
        let client = clients.client(of: request, peer: peer)
        if let wait = throttle.wait(client: client, username: username) {
            let seconds = max(1, Int((wait.totalNanoseconds + 999_999_999) / 1_000_000_000))
            logger.notice("sign-in throttled", metadata: ["client": "\(client)", "retry_after": "\(seconds)"])
            throw APIError(
                .tooManyRequests, message: "Too many failed sign-in attempts; try again in \(seconds) seconds",
                headers: [.retryAfter: String(seconds)])
        }
        let credentials = try await store.sessions.credentials(username: username)
        let matches = await verifier.verify(password, against: credentials.flatMap { $0.isActive ? $0.passwordHash : nil })
        guard matches, let credentials else {
            throttle.recordFailure(client: client, username: username)
            // Never the password; the username is what the client typed, which operators need to see attacks.
            logger.notice("sign-in refused", metadata: ["client": "\(client)", "username": "\(username)"])
            throw Self.refusal
        }
        throttle.recordSuccess(client: client, username: username)
        let token = try tokens.generate()
        let principal = try await store.sessions.create(
            userID: credentials.userID, tokenHash: tokens.hash(token), lifetimeSeconds: lifetimeSeconds, ip: "\(client)",
            userAgent: request.headers[.userAgent], actor: .web)
        return (principal, cookie(token, maxAge: lifetimeSeconds, request: request), tokens.csrfToken(for: token))
    }

    /// The session the request's cookie names.
    /// - Parameter requireCSRF: refuse the request unless it carries the session's CSRF token
    ///   (every call that acts; reading the session itself is the one exception, because that is
    ///   how the browser app learns the token after a reload).
    /// - Returns: nil when the request has no session cookie at all.
    /// - Throws: ``APIError`` 401 for a cookie naming no live session, 403 for a missing or
    ///   wrong CSRF token.
    func session(of request: Request, requireCSRF: Bool) async throws -> (principal: SessionPrincipal, csrf: String)? {
        guard let token = request.cookies[Self.cookieName]?.value, !token.isEmpty else { return nil }
        guard token.utf8.count == 64, let principal = try await store.sessions.principal(forTokenHash: tokens.hash(token)) else {
            throw Self.notSignedIn
        }
        if requireCSRF {
            guard let presented = request.headers[Self.csrfHeader], tokens.isValidCSRFToken(presented, for: token) else {
                throw APIError(.forbidden, message: "Missing or wrong \(Self.csrfHeader.rawName) header: send the csrf_token of GET /api/v1/session")
            }
        }
        return (principal, tokens.csrfToken(for: token))
    }

    /// Ends the request's session.
    /// - Throws: as ``session(of:requireCSRF:)`` with the CSRF check; 401 without a session.
    func signOut(request: Request) async throws {
        guard let (principal, _) = try await session(of: request, requireCSRF: true) else { throw Self.notSignedIn }
        try await store.sessions.delete(sessionID: principal.sessionID, actor: .web)
    }

    /// A cookie that tells the browser to forget the session at once.
    func expiredCookie(request: Request) -> Cookie {
        cookie("", maxAge: 0, request: request)
    }

    private func cookie(_ value: String, maxAge: Int, request: Request) -> Cookie {
        // Marking the cookie Secure when a client claims HTTPS can only make it stricter, so the
        // header is believed from anyone.
        let secure = request.headers[Self.forwardedProto]?.lowercased() == "https"
        return Cookie(name: Self.cookieName, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}
