// SPDX-License-Identifier: Apache-2.0
public import Foundation

/// Password hashing with PBKDF2-HMAC-SHA256 and a random 16-byte salt per password.
///
/// Stored form: `pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>`, so the iteration count
/// can rise over the years without invalidating old hashes.
public struct PasswordHasher: Sendable {
    /// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
    public static let recommendedIterations = 600_000

    public let iterations: Int

    public init(iterations: Int = PasswordHasher.recommendedIterations) {
        precondition(iterations >= 1, "PBKDF2 needs at least one iteration")
        self.iterations = iterations
    }

    /// - Throws: ``CryptographyError`` if libcrypto fails.
    public func hash(_ password: String) throws -> String {
        let salt = try SecureRandom.bytes(16)
        let derived = try Digest.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations, length: 32)
        return "pbkdf2-sha256$\(iterations)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// True if `password` matches `stored`; false for a wrong password or a malformed hash.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256",
            let iterations = Int(parts[1]), (1...10_000_000).contains(iterations),
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
            !expected.isEmpty,
            let derived = try? Digest.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations, length: expected.count)
        else { return false }
        return Digest.constantTimeEquals(derived, Array(expected))
    }
}
