// SPDX-License-Identifier: Apache-2.0

extension UpstreamFeedStateMachine {
    /// Identifies one socket or one retry timer. Every action about a socket names it, and every
    /// event reports it back, so callbacks from a socket the machine has left are ignored.
    public struct Generation: Sendable, Hashable, Comparable, CustomStringConvertible {
        public let rawValue: UInt64

        public init(_ rawValue: UInt64) {
            self.rawValue = rawValue
        }

        public var description: String { "#\(rawValue)" }

        public static func < (lhs: Generation, rhs: Generation) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// What the driver must do, in the order given.
    public enum Action: Sendable, Equatable {
        /// Open a socket to the account and authenticate, then report
        /// ``UpstreamFeedStateMachine/connected(generation:now:)`` or
        /// ``UpstreamFeedStateMachine/connectionFailed(generation:reason:now:)`` with this generation.
        case connect(FeedAccount, generation: Generation)
        /// Send one subscribe message per batch on the socket of `generation`.
        case subscribe([Batch], generation: Generation)
        /// Send one unsubscribe message per batch on the socket of `generation`.
        case unsubscribe([Batch], generation: Generation)
        /// Close the socket of `generation` (or abandon its connection attempt) before performing
        /// the next action. Do not report its closing back.
        case disconnect(generation: Generation, reason: String)
        /// Call ``UpstreamFeedStateMachine/retryTimerFired(generation:now:)`` after this long.
        case scheduleRetry(after: Duration, generation: Generation)
        /// Log and persist the event.
        case alert(Alert)
    }

    /// An event worth an operator's attention: logged, stored and shown.
    public enum Alert: Sendable, Equatable {
        /// The account's socket was up but sent no tick for the silence timeout on these
        /// instruments while their market was open; the feed reconnects.
        case silent(account: FeedAccount, instruments: [Instrument])
        /// The feed moved from one account to another.
        case failover(from: FeedAccount, to: FeedAccount, reason: String)
        /// No account is usable; the first retry is in `retryIn`. Raised once per outage.
        case allAccountsDown(retryIn: Duration)
        /// The feed is back after ``allAccountsDown(retryIn:)``.
        case recovered(FeedAccount)
    }
}
