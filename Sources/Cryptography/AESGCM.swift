// SPDX-License-Identifier: Apache-2.0
import COpenSSL

/// AES-256-GCM authenticated encryption, for secrets RealAlgo must store and read back (upstream
/// broker credentials). A sealed box is `nonce (12) || ciphertext || tag (16)`.
public enum AESGCM {
    public static let keyLength = 32
    static let nonceLength = 12
    static let tagLength = 16

    /// Encrypts `plaintext` under `key` with a fresh random nonce.
    /// - Parameter associatedData: authenticated but not encrypted (e.g. the account id), so a box
    ///   copied onto another row fails to open.
    /// - Throws: ``CryptographyError`` if the key length is wrong or libcrypto fails.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        guard key.count == keyLength else { throw CryptographyError(.invalidInput, "an AES-256 key is 32 bytes") }
        let nonce = try SecureRandom.bytes(nonceLength)
        guard let context = EVP_CIPHER_CTX_new() else { throw CryptographyError(.library, "cannot allocate a cipher context") }
        defer { EVP_CIPHER_CTX_free(context) }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 16)
        var tag = [UInt8](repeating: 0, count: tagLength)
        var length: Int32 = 0
        var total = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1 else {
            throw CryptographyError(.library, "AES-GCM initialisation failed")
        }
        if !associatedData.isEmpty {
            guard EVP_EncryptUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1 else {
                throw CryptographyError(.library, "AES-GCM associated data failed")
            }
        }
        let updated = ciphertext.withUnsafeMutableBufferPointer { out in
            EVP_EncryptUpdate(context, out.baseAddress, &length, plaintext, Int32(plaintext.count))
        }
        guard updated == 1 else { throw CryptographyError(.library, "AES-GCM encryption failed") }
        total = Int(length)
        let finished = ciphertext.withUnsafeMutableBufferPointer { out in
            EVP_EncryptFinal_ex(context, out.baseAddress.map { $0 + total }, &length)
        }
        guard finished == 1 else { throw CryptographyError(.library, "AES-GCM encryption failed") }
        total += Int(length)
        guard copenssl_gcm_get_tag(context, Int32(tagLength), &tag) == 1 else {
            throw CryptographyError(.library, "AES-GCM tag failed")
        }
        return nonce + ciphertext.prefix(total) + tag
    }

    /// Decrypts and authenticates a box made by ``seal(_:key:associatedData:)``.
    /// - Throws: ``CryptographyError`` with code `.invalidInput` if the box was altered, the key is
    ///   wrong or the associated data differs.
    public static func open(_ box: [UInt8], key: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        guard key.count == keyLength else { throw CryptographyError(.invalidInput, "an AES-256 key is 32 bytes") }
        guard box.count >= nonceLength + tagLength else { throw CryptographyError(.invalidInput, "the sealed box is too short") }
        let nonce = Array(box.prefix(nonceLength))
        var tag = Array(box.suffix(tagLength))
        let ciphertext = Array(box.dropFirst(nonceLength).dropLast(tagLength))
        guard let context = EVP_CIPHER_CTX_new() else { throw CryptographyError(.library, "cannot allocate a cipher context") }
        defer { EVP_CIPHER_CTX_free(context) }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var length: Int32 = 0
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1 else {
            throw CryptographyError(.library, "AES-GCM initialisation failed")
        }
        if !associatedData.isEmpty {
            guard EVP_DecryptUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1 else {
                throw CryptographyError(.library, "AES-GCM associated data failed")
            }
        }
        let updated = plaintext.withUnsafeMutableBufferPointer { out in
            EVP_DecryptUpdate(context, out.baseAddress, &length, ciphertext, Int32(ciphertext.count))
        }
        guard updated == 1 else { throw CryptographyError(.invalidInput, "the sealed box cannot be decrypted") }
        let total = Int(length)
        guard copenssl_gcm_set_tag(context, Int32(tagLength), &tag) == 1 else {
            throw CryptographyError(.library, "AES-GCM tag failed")
        }
        let verified = plaintext.withUnsafeMutableBufferPointer { out in
            EVP_DecryptFinal_ex(context, out.baseAddress.map { $0 + total }, &length)
        }
        guard verified == 1 else { throw CryptographyError(.invalidInput, "the sealed box failed authentication (wrong key or altered data)") }
        return Array(plaintext.prefix(total + Int(length)))
    }
}
