// SPDX-License-Identifier: Apache-2.0

/// Browser session tokens, their stored form, and the CSRF token that goes with each.
///
/// A token is 32 random bytes (64 hex characters) sent only in an HttpOnly cookie. The hub stores
/// HMAC-SHA256 of it under a subkey of the server secret, as for API keys, so a copy of the
/// database cannot be replayed as a session. The CSRF token is derived from the session token
/// under a second subkey: the browser app reads it from a same-origin answer and echoes it in a
/// header, which a cross-site page can neither read nor guess, and no extra column is needed.
public struct SessionTokens: Sendable {
    private let storagePepper: [UInt8]
    private let csrfKey: [UInt8]

    public init(secretKey: SecretKey) {
        storagePepper = secretKey.subkey(for: "session-token-pepper")
        csrfKey = secretKey.subkey(for: "session-csrf")
    }

    /// A new random session token.
    /// - Throws: ``CryptographyError`` if the system's random source fails.
    public func generate() throws -> String {
        try SecureRandom.bytes(32).hexString
    }

    /// The stored form of `token`: 64 lowercase hex characters.
    public func hash(_ token: String) -> String {
        Digest.hmacSHA256(key: storagePepper, message: Array(token.utf8)).hexString
    }

    /// The CSRF token of the session whose token is `token`.
    public func csrfToken(for token: String) -> String {
        Digest.hmacSHA256(key: csrfKey, message: Array(token.utf8)).hexString
    }

    /// Whether `presented` is the CSRF token of session `token`, compared in constant time.
    public func isValidCSRFToken(_ presented: String, for token: String) -> Bool {
        Digest.constantTimeEquals(Array(presented.utf8), Array(csrfToken(for: token).utf8))
    }
}
