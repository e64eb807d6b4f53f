// SPDX-License-Identifier: Apache-2.0

/// Seals upstream credentials (an upstream API key) for the `accounts.credentials` column with
/// AES-256-GCM under a subkey of the hub's secret key, so a copy of the database alone reveals
/// nothing.
public struct CredentialBox: Sendable {
    private let key: [UInt8]
    private static let associatedData = Array("realalgo:account-credentials:v1".utf8)

    public init(secretKey: SecretKey) {
        key = secretKey.subkey(for: "account-credentials")
    }

    public func seal(_ secret: String) throws -> [UInt8] {
        try AESGCM.seal(Array(secret.utf8), key: key, associatedData: Self.associatedData)
    }

    /// - Throws: ``CryptographyError`` when the box was tampered with or sealed under another key.
    public func open(_ box: [UInt8]) throws -> String {
        String(decoding: try AESGCM.open(box, key: key, associatedData: Self.associatedData), as: UTF8.self)
    }
}
