// SPDX-License-Identifier: Apache-2.0
import Cryptography
import Foundation
import Testing

@Suite("Cryptography")
struct CryptographyTests {
    @Test("SHA-256 and HMAC-SHA256 match published vectors")
    func digests() {
        #expect(Digest.sha256(Array("abc".utf8)).hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // RFC 4231, test case 2.
        #expect(
            Digest.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)).hexString
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("PBKDF2-HMAC-SHA256 matches RFC 7914's vector")
    func pbkdf2() throws {
        let derived = try Digest.pbkdf2SHA256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64)
        #expect(derived.hexString.hasPrefix("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"))
    }

    @Test("passwords verify only with the right password, and hashes are salted")
    func passwords() throws {
        let hasher = PasswordHasher(iterations: 1000)
        let first = try hasher.hash("correct horse")
        let second = try hasher.hash("correct horse")
        #expect(first != second)
        #expect(first.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(PasswordHasher.verify("correct horse", against: first))
        #expect(!PasswordHasher.verify("correct horsE", against: first))
        for malformed in ["", "plain", "pbkdf2-sha256$x$y$z", "pbkdf2-sha256$0$AA==$AA==", "md5$1$a$b"] {
            #expect(!PasswordHasher.verify("anything", against: malformed))
        }
        #expect(PasswordHasher.recommendedIterations >= 600_000)
    }

    @Test("AES-256-GCM round-trips and refuses altered data, a wrong key and wrong associated data")
    func aesGCM() throws {
        let key = try SecureRandom.bytes(32)
        let secret = Array("upstream api key 123".utf8)
        let box = try AESGCM.seal(secret, key: key, associatedData: Array("account:7".utf8))
        #expect(box.count == 12 + secret.count + 16)
        #expect(try AESGCM.open(box, key: key, associatedData: Array("account:7".utf8)) == secret)
        #expect(try AESGCM.seal(secret, key: key) != AESGCM.seal(secret, key: key))

        var altered = box
        altered[14] ^= 1
        #expect(throws: CryptographyError.self) { try AESGCM.open(altered, key: key, associatedData: Array("account:7".utf8)) }
        #expect(throws: CryptographyError.self) { try AESGCM.open(box, key: try SecureRandom.bytes(32), associatedData: Array("account:7".utf8)) }
        #expect(throws: CryptographyError.self) { try AESGCM.open(box, key: key, associatedData: Array("account:8".utf8)) }
        #expect(throws: CryptographyError.self) { try AESGCM.open([1, 2, 3], key: key) }
        #expect(throws: CryptographyError.self) { try AESGCM.seal(secret, key: [1, 2, 3]) }
        #expect(try AESGCM.open(try AESGCM.seal([], key: key), key: key) == [])
    }

    @Test("the secret key is created once with owner-only permissions and then reused")
    func secretKeyFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("realalgo-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        #expect(throws: CryptographyError.self) { try SecretKey.load(dataDirectory: folder, environment: [:], create: false) }
        let created = try SecretKey.load(dataDirectory: folder, environment: [:])
        let file = folder.appendingPathComponent(SecretKey.fileName)
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(permissions?.intValue == 0o600)
        let reloaded = try SecretKey.load(dataDirectory: folder, environment: [:])
        #expect(created.subkey(for: "x") == reloaded.subkey(for: "x"))
        #expect(created.subkey(for: "x") != created.subkey(for: "y"))

        try Data("not a key\n".utf8).write(to: file)
        let error = try #require(throws: CryptographyError.self) { try SecretKey.load(dataDirectory: folder, environment: [:]) }
        #expect(error.message.contains("not a RealAlgo secret key"))
    }

    @Test("REALALGO_SECRET_KEY overrides the file and must be 64 hex characters")
    func secretKeyEnvironment() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("realalgo-key-\(UUID().uuidString)")
        let hex = String(repeating: "0f", count: 32)
        let key = try SecretKey.load(dataDirectory: folder, environment: [SecretKey.environmentVariable: hex], create: false)
        #expect(key.subkey(for: "p") == (try SecretKey(bytes: [UInt8](hexString: hex)!)).subkey(for: "p"))
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        #expect(throws: CryptographyError.self) { try SecretKey.load(dataDirectory: folder, environment: [SecretKey.environmentVariable: "abc"]) }
    }

    @Test("API keys are 64 hex characters, and their hash depends on the server's secret")
    func apiKeys() throws {
        let generator = APIKeyGenerator(secretKey: try SecretKey(bytes: Array(repeating: 1, count: 32)))
        let other = APIKeyGenerator(secretKey: try SecretKey(bytes: Array(repeating: 2, count: 32)))
        let key = try generator.generate()
        #expect(key.count == 64 && key.allSatisfy(\.isHexDigit))
        #expect(try generator.generate() != key)
        #expect(generator.hash(key) == generator.hash(key))
        #expect(generator.hash(key) != other.hash(key))
        #expect(generator.hash(key).count == 64)
    }

    @Test("hex parsing")
    func hex() {
        #expect([UInt8](hexString: "00ff10") == [0, 255, 16])
        #expect([UInt8](hexString: "ABcd") == [0xab, 0xcd])
        #expect([UInt8](hexString: "abc") == nil)
        #expect([UInt8](hexString: "zz") == nil)
    }
}
