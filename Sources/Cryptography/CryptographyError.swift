// SPDX-License-Identifier: Apache-2.0

/// A failure in RealAlgo's cryptography: a libcrypto call failed, or input did not verify.
public struct CryptographyError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable {
        /// libcrypto reported an internal failure (out of memory, unsupported algorithm).
        case library
        /// Ciphertext or a stored hash is malformed or failed authentication.
        case invalidInput
        /// The server's secret key is missing, unreadable or malformed.
        case secretKey
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
