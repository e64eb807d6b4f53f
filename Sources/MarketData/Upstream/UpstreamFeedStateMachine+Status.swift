// SPDX-License-Identifier: Apache-2.0

extension UpstreamFeedStateMachine {
    /// One account as the status endpoint shows it.
    public struct AccountStatus: Sendable, Equatable {
        public var account: FeedAccount
        /// Whether the feed is connecting to or connected to this account.
        public var isCurrent: Bool
        /// How long failover still passes this account over; `nil` when it does not.
        public var cooldownRemaining: Duration?
        /// Failures since its last successful connection.
        public var consecutiveFailures: Int
        /// Why it last failed, if it ever did.
        public var lastFailureReason: String?

        public init(
            account: FeedAccount, isCurrent: Bool, cooldownRemaining: Duration?, consecutiveFailures: Int, lastFailureReason: String?
        ) {
            self.account = account
            self.isCurrent = isCurrent
            self.cooldownRemaining = cooldownRemaining
            self.consecutiveFailures = consecutiveFailures
            self.lastFailureReason = lastFailureReason
        }
    }

    /// Every account, in the order they are tried.
    public func accountStatuses(now: Duration) -> [AccountStatus] {
        let current = currentAccount?.id
        return accounts.map { account in
            let health = health[account.id] ?? AccountHealth()
            let remaining = health.coolingDownUntil.map { $0 - now }
            return AccountStatus(
                account: account, isCurrent: account.id == current, cooldownRemaining: remaining.flatMap { $0 > .zero ? $0 : nil },
                consecutiveFailures: health.consecutiveFailures, lastFailureReason: health.lastFailureReason
            )
        }
    }

    /// What the machine remembers about one account between connections.
    struct AccountHealth: Sendable {
        var coolingDownUntil: Duration?
        var consecutiveFailures = 0
        var lastFailureReason: String?

        mutating func recordFailure(reason: String, coolingDownUntil until: Duration) {
            coolingDownUntil = until
            consecutiveFailures += 1
            lastFailureReason = reason
        }

        /// A working connection proves the account: its cooldown and failure streak end.
        mutating func recordSuccess() {
            coolingDownUntil = nil
            consecutiveFailures = 0
        }
    }
}
