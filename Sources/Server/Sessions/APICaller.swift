// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import Schema

/// Who is calling one of RealAlgo's own endpoints that a person may also use from the browser
/// app (API keys, strategies): the owner of the body's `apikey` (a program), or the user signed
/// in to the browser app (a person).
struct APICaller: Sendable {
    let userID: Int64
    let username: String
    /// `api` for a key, `web` for a browser session: what the audit log records.
    let actor: AuditActor

    /// Resolves the caller. A body `apikey` wins, so a program never needs a cookie and a page
    /// that cannot know a key gains nothing from one; without it the session cookie counts, and
    /// then only with its CSRF token.
    /// - Throws: ``APIError`` 403 for a bad key or CSRF token, 401 for a dead session cookie, and
    ///   OpenAlgo's 400 for a missing `apikey` when there is no session cookie either.
    static func resolve(
        body: APIRequestBody, request: Request, keys: APIKeyAuthenticator, sessions: SessionAuthenticator
    ) async throws -> APICaller {
        if body.fields["apikey"] != nil {
            let principal = try await keys.authenticate(try body.apiKey())
            return APICaller(userID: principal.userID, username: principal.username, actor: .api)
        }
        if let (principal, _) = try await sessions.session(of: request, requireCSRF: true) {
            return APICaller(userID: principal.userID, username: principal.username, actor: .web)
        }
        _ = try body.apiKey()  // throws the usual "Missing data for required field."
        throw APIError.invalidAPIKey
    }
}

extension APICaller {
    /// Where a strategy version this caller saves comes from: the browser app's editor or the API.
    var sourceOrigin: StrategySourceOrigin { actor == .web ? .web : .api }
}
