// SPDX-License-Identifier: Apache-2.0
import COpenSSL

/// SHA-256, HMAC-SHA256 and PBKDF2-HMAC-SHA256 from the system libcrypto.
public enum Digest {
    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        let input = Array(bytes)
        input.withUnsafeBufferPointer { buffer in
            output.withUnsafeMutableBufferPointer { out in
                // EVP_Digest fails only if libcrypto cannot allocate; a zero digest must never pass for a hash.
                let status = EVP_Digest(buffer.baseAddress, buffer.count, out.baseAddress, nil, EVP_sha256(), nil)
                precondition(status == 1, "libcrypto failed to compute SHA-256")
            }
        }
        return output
    }

    /// HMAC-SHA256 of `message` under `key`.
    public static func hmacSHA256(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 32
        let keyBytes = Array(key)
        let messageBytes = Array(message)
        keyBytes.withUnsafeBufferPointer { k in
            messageBytes.withUnsafeBufferPointer { m in
                output.withUnsafeMutableBufferPointer { out in
                    // A failed HMAC would leave 32 zero bytes that every key would "match": stop instead.
                    let result = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.baseAddress, m.count, out.baseAddress, &length)
                    precondition(result != nil && length == 32, "libcrypto failed to compute HMAC-SHA256")
                }
            }
        }
        return output
    }

    /// PBKDF2-HMAC-SHA256 (RFC 8018).
    /// - Throws: ``CryptographyError`` if libcrypto fails.
    public static func pbkdf2SHA256(password: some Collection<UInt8>, salt: some Collection<UInt8>, iterations: Int, length: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        let passwordBytes = Array(password)
        let saltBytes = Array(salt)
        let status = passwordBytes.withUnsafeBufferPointer { p in
            saltBytes.withUnsafeBufferPointer { s in
                output.withUnsafeMutableBufferPointer { out in
                    p.withMemoryRebound(to: CChar.self) { pc in
                        PKCS5_PBKDF2_HMAC(
                            pc.baseAddress, Int32(pc.count), s.baseAddress, Int32(s.count), Int32(iterations), EVP_sha256(), Int32(length),
                            out.baseAddress)
                    }
                }
            }
        }
        guard status == 1 else { throw CryptographyError(.library, "PBKDF2 failed in libcrypto") }
        return output
    }

    /// Compares two byte strings in time that depends only on their lengths.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

extension Collection<UInt8> {
    /// Lowercase hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    /// Parses lowercase or uppercase hexadecimal; nil if the text is not hex of even length.
    public init?(hexString: some StringProtocol) {
        let utf8 = Array(hexString.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self = bytes
    }
}
