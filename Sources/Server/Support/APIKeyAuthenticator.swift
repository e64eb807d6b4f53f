// SPDX-License-Identifier: Apache-2.0
import Cryptography
import Hummingbird
import Logging
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
    private let logger: Logger

    init(store: Store, generator: APIKeyGenerator, logger: Logger) {
        self.store = store
        self.generator = generator
        self.logger = logger
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
        if due {
            // Bookkeeping only: a busy writer must not turn a valid key into a failed request.
            do { try await store.apiKeys.recordUse(keyID: principal.apiKeyID) } catch {
                logger.notice("could not record API key use", metadata: ["error": "\(error)"])
            }
        }
        return principal
    }

    /// Reads an OpenAlgo-style request body (size-limited JSON object) and checks its `apikey`.
    func authenticatedBody(of request: Request, limit: Int) async throws -> APIRequestBody {
        let body = try await APIRequestBody.read(request, limit: limit)
        _ = try await authenticate(try body.apiKey())
        return body
    }
}
