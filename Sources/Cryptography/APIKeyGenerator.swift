// SPDX-License-Identifier: Apache-2.0

/// API keys as OpenAlgo issues them (32 random bytes, 64 hex characters) and their keyed hash.
///
/// Keys carry 256 bits of entropy, so a fast keyed hash is enough: HMAC-SHA256 under a pepper that
/// never enters the database. Lookup is then one indexed equality, not a scan of slow hashes.
public struct APIKeyGenerator: Sendable {
    private let pepper: [UInt8]

    public init(secretKey: SecretKey) {
        self.pepper = secretKey.subkey(for: "api-key-pepper")
    }

    /// A new random key, shown to its owner once.
    public func generate() throws -> String {
        try SecureRandom.bytes(32).hexString
    }

    /// The stored form of `key`: 64 lowercase hex characters.
    public func hash(_ key: String) -> String {
        Digest.hmacSHA256(key: pepper, message: Array(key.utf8)).hexString
    }
}
