// SPDX-License-Identifier: Apache-2.0

extension UpstreamFeedStateMachine {
    /// Timeouts, backoff and batch size. The defaults are the issue's: 2 s backoff doubling to 60 s,
    /// a 60 s cooldown per failed account and subscribe batches of 50.
    public struct Configuration: Sendable, Equatable {
        /// The first wait once every account has failed.
        public var backoffBase: Duration
        /// The longest wait between retries.
        public var backoffCap: Duration
        /// How long a failed account is passed over by failover.
        public var cooldown: Duration
        /// How long an open market may go without a tick before the feed counts as silent.
        public var silenceTimeout: Duration
        /// How long connecting and authenticating may take.
        public var authTimeout: Duration
        /// How long a connection must stay up before its failure starts the backoff afresh.
        public var healthyAfter: Duration
        /// The most instruments per subscribe or unsubscribe message; at least 1.
        public var subscribeBatchSize: Int

        public init(
            backoffBase: Duration = .seconds(2), backoffCap: Duration = .seconds(60), cooldown: Duration = .seconds(60),
            silenceTimeout: Duration = .seconds(30), authTimeout: Duration = .seconds(10), healthyAfter: Duration = .seconds(30),
            subscribeBatchSize: Int = 50
        ) {
            self.backoffBase = backoffBase
            self.backoffCap = backoffCap
            self.cooldown = cooldown
            self.silenceTimeout = silenceTimeout
            self.authTimeout = authTimeout
            self.healthyAfter = healthyAfter
            self.subscribeBatchSize = max(1, subscribeBatchSize)
        }
    }
}
