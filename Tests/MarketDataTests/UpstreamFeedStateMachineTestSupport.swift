// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Testing

/// Accounts and instruments shared by the upstream feed state machine's tests.
enum UpstreamFeedStateMachineFixture {
    typealias Machine = UpstreamFeedStateMachine

    static let primary = FeedAccount(id: 1, name: "primary", priority: 1)
    static let backup = FeedAccount(id: 2, name: "backup", priority: 2)
    static let third = FeedAccount(id: 3, name: "third", priority: 3)

    static func instrument(_ symbol: String, _ exchange: String = "NSE") -> Machine.Instrument {
        Machine.Instrument(exchange: exchange, symbol: symbol)
    }

    /// `count` distinct instruments named `prefix0`, `prefix1`, … in one mode.
    static func subscriptions(_ count: Int, prefix: String, mode: SubscriptionMode, exchange: String = "NSE") -> [Machine.Subscription] {
        (0..<count).map { Machine.Subscription(exchange: exchange, symbol: "\(prefix)\($0)", mode: mode) }
    }
}

extension Array where Element == UpstreamFeedStateMachine.Action {
    /// The account and generation of the `connect` among these actions, if any.
    var connect: (account: FeedAccount, generation: UpstreamFeedStateMachine.Generation)? {
        for action in self {
            if case .connect(let account, let generation) = action { return (account, generation) }
        }
        return nil
    }

    /// The delay and generation of the `scheduleRetry` among these actions, if any.
    var retry: (after: Duration, generation: UpstreamFeedStateMachine.Generation)? {
        for action in self {
            if case .scheduleRetry(let after, let generation) = action { return (after, generation) }
        }
        return nil
    }

    var alerts: [UpstreamFeedStateMachine.Alert] {
        compactMap { action in
            if case .alert(let alert) = action { return alert }
            return nil
        }
    }

    var subscribedBatches: [UpstreamFeedStateMachine.Batch] {
        flatMap { action -> [UpstreamFeedStateMachine.Batch] in
            if case .subscribe(let batches, _) = action { return batches }
            return []
        }
    }
}

extension UpstreamFeedStateMachine {
    /// Starts the machine and reports the first connection as authenticated.
    /// - Returns: The live generation and the actions of `connected`.
    mutating func startConnected(now: Duration = .zero) throws -> (generation: Generation, actions: [Action]) {
        let generation = try #require(start(now: now).connect?.generation)
        return (generation, connected(generation: generation, now: now))
    }

    /// Reports a failure of the live socket and, if the machine moved to another account, that
    /// account's connection as authenticated.
    /// - Returns: The new live generation, if connected, and all actions.
    mutating func failLive(reason: String = "socket closed", now: Duration) throws -> (generation: Generation?, actions: [Action]) {
        let live = try #require(liveGeneration)
        var actions = connectionFailed(generation: live, reason: reason, now: now)
        guard let next = actions.connect?.generation else { return (nil, actions) }
        actions += connected(generation: next, now: now)
        return (next, actions)
    }
}
