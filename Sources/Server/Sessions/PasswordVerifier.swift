// SPDX-License-Identifier: Apache-2.0
import Cryptography
import Dispatch

/// Checks sign-in passwords without stalling the server.
///
/// PBKDF2 at 600,000 iterations is deliberately slow (a few hundred milliseconds of one core).
/// Run on Swift's cooperative pool it would hold a thread every request and order needs, so each
/// check runs on one serial queue of its own instead: at most one core ever hashes passwords,
/// however many sign-ins arrive, and the rest queue behind it.
struct PasswordVerifier: Sendable {
    /// One queue per server, not per process: two servers in one process (the test suite) must not
    /// queue behind each other's sign-ins.
    private let queue = DispatchQueue(label: "realalgo.password-verification", qos: .userInitiated)

    /// A well-formed hash no password matches, at the users' cost: checked for an unknown or
    /// inactive user, so a refusal takes as long whether or not the username exists.
    private let decoyHash: String

    init(decoyIterations: Int = PasswordHasher.recommendedIterations) {
        decoyHash = "pbkdf2-sha256$\(max(1, decoyIterations))$cmVhbGFsZ28tZGVjb3k=$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    }

    /// Whether `password` matches `stored`; with no stored hash the decoy is checked and the answer
    /// is always false.
    func verify(_ password: String, against stored: String?) async -> Bool {
        let decoy = decoyHash
        return await withCheckedContinuation { continuation in
            queue.async {
                let matches = PasswordHasher.verify(password, against: stored ?? decoy)
                continuation.resume(returning: stored != nil && matches)
            }
        }
    }
}
