// SPDX-License-Identifier: Apache-2.0
public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The server's master secret, kept outside the database: a copy of the hub alone can neither
/// forge API keys nor read upstream credentials.
///
/// It comes from `REALALGO_SECRET_KEY` (64 hex characters) when set, otherwise from
/// `<data-dir>/realalgo.key`, created with mode 0600 on first use. Purpose-specific keys are
/// derived from it with HMAC, so one leaked subkey reveals nothing about the others.
public struct SecretKey: Sendable {
    public static let environmentVariable = "REALALGO_SECRET_KEY"
    public static let fileName = "realalgo.key"

    private let master: [UInt8]

    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw CryptographyError(.secretKey, "the secret key must be 32 bytes (64 hex characters)") }
        self.master = bytes
    }

    /// Checks `REALALGO_SECRET_KEY`, if set, without touching the disk (for validating settings early).
    public static func validateEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let text = environment[environmentVariable], !text.isEmpty else { return }
        guard let bytes = [UInt8](hexString: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw CryptographyError(.secretKey, "\(environmentVariable) must be 64 hexadecimal characters (32 bytes)")
        }
    }

    /// Loads the key from the environment or the data directory, creating the file if neither exists.
    /// - Parameter create: when false, a missing key file is an error instead of being created.
    /// - Throws: ``CryptographyError`` with code `.secretKey` and a message naming the file.
    public static func load(dataDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment, create: Bool = true) throws
        -> SecretKey
    {
        if let text = environment[environmentVariable], !text.isEmpty {
            guard let bytes = [UInt8](hexString: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
                throw CryptographyError(.secretKey, "\(environmentVariable) must be 64 hexadecimal characters (32 bytes)")
            }
            return try SecretKey(bytes: bytes)
        }
        let file = dataDirectory.appendingPathComponent(fileName)
        if let contents = FileManager.default.contents(atPath: file.path) {
            let text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let bytes = [UInt8](hexString: text), bytes.count == 32 else {
                throw CryptographyError(.secretKey, "\(file.path) is not a RealAlgo secret key (expected 64 hexadecimal characters)")
            }
            return try SecretKey(bytes: bytes)
        }
        if FileManager.default.fileExists(atPath: file.path) {
            throw CryptographyError(.secretKey, "\(file.path) exists but cannot be read; check its owner and permissions")
        }
        guard create else {
            throw CryptographyError(.secretKey, "no secret key: \(file.path) does not exist and \(environmentVariable) is not set")
        }
        // Two processes starting on a fresh folder must end up with one key: write a complete
        // temporary file, then link it into place, which fails if another process got there first.
        let bytes = try SecureRandom.bytes(32)
        let temporary = dataDirectory.appendingPathComponent(".\(fileName).\(ProcessInfo.processInfo.processIdentifier).\(bytes.prefix(4).hexString)")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: Data((bytes.hexString + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw CryptographyError(.secretKey, "cannot create \(file.path); check that the folder is writable") }
        defer { try? FileManager.default.removeItem(at: temporary) }
        if link(temporary.path, file.path) != 0 {
            guard errno == EEXIST else { throw CryptographyError(.secretKey, "cannot create \(file.path): \(String(cString: strerror(errno)))") }
            return try load(dataDirectory: dataDirectory, environment: [:], create: false)  // another process won the race
        }
        return try SecretKey(bytes: bytes)
    }

    /// A 32-byte key for one purpose, e.g. `"api-key-pepper"` or `"credentials"`.
    public func subkey(for purpose: String) -> [UInt8] {
        Digest.hmacSHA256(key: master, message: Array("realalgo/\(purpose)".utf8))
    }
}
