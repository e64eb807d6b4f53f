// SPDX-License-Identifier: Apache-2.0
import COpenSSL

/// Cryptographically secure random bytes from libcrypto's CSPRNG.
public enum SecureRandom {
    /// - Throws: ``CryptographyError`` if the generator cannot produce bytes (it has no entropy).
    public static func bytes(_ count: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        let status = output.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        guard status == 1 else { throw CryptographyError(.library, "the secure random generator failed") }
        return output
    }
}
