// SPDX-License-Identifier: Apache-2.0

/// How long a browser session lasts and how sign-in guessing is throttled.
public struct SessionSettings: Sendable {
    /// Absolute lifetime from sign-in (not extended by use): 12 hours, a trading day.
    public var lifetime: Duration = .seconds(12 * 3600)
    /// Failed sign-ins tolerated per address, user and pair (see ``LoginThrottle``).
    var throttle = LoginThrottle.Limits()

    public init() {}
}
