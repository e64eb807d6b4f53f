// SPDX-License-Identifier: Apache-2.0
import Cryptography

/// How long a browser session lasts and how sign-in guessing is throttled.
public struct SessionSettings: Sendable {
    /// Absolute lifetime from sign-in (not extended by use): 12 hours, a trading day.
    public var lifetime: Duration = .seconds(12 * 3600)
    /// Failed sign-ins tolerated per address, user and pair (see ``LoginThrottle``).
    var throttle = LoginThrottle.Limits()
    /// PBKDF2 iterations of the decoy checked for an unknown user: what users' hashes cost, so a
    /// refusal takes as long either way. Tests whose users hash with 1 iteration lower it to match.
    public var decoyIterations = PasswordHasher.recommendedIterations

    public init() {}
}
