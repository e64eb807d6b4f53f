// SPDX-License-Identifier: Apache-2.0
import Cryptography
import Schema
import Synchronization

/// Turns the `apikey` of a request into the user it speaks for.
///
/// Keys are looked up by their keyed hash (one indexed read). `last_used_at` is written at most
/// once a minute per key, so a busy client does not turn every request into a write.
final class APIKeyAuthenticator: Sendable {
    private let store: Store
    private let generator: APIKeyGenerator
    private let lastRecorded = Mutex<[Int64: ContinuousClock.Instant]>([:])

    init(store: Store, generator: APIKeyGenerator) {
        self.store = store
        self.generator = generator
    }

    /// - Throws: ``APIError/invalidAPIKey`` (403) for an unknown, revoked or inactive user's key.
    func authenticate(_ key: String) async throws -> Principal {
        guard let principal = try await store.apiKeys.principal(forKeyHash: generator.hash(key)) else {
            throw APIError.invalidAPIKey
        }
        let now = ContinuousClock.now
        let due = lastRecorded.withLock { recorded in
            guard recorded[principal.apiKeyID].map({ now - $0 >= .seconds(60) }) ?? true else { return false }
            recorded[principal.apiKeyID] = now
            return true
        }
        if due { try await store.apiKeys.recordUse(keyID: principal.apiKeyID) }
        return principal
    }
}
