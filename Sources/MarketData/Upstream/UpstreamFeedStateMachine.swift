// SPDX-License-Identifier: Apache-2.0
import Core

/// The reconnect-and-failover logic of the upstream market-data feed, as a pure value: events in,
/// actions out. It does no I/O and owns no timers; the driver performs the ``Action``s in order and
/// reports what the socket and its timers did.
///
/// The rules, and why:
/// - **One connection at a time.** At most one account is `connecting` or `connected`; before the
///   machine opens another socket, the current one has either failed (the driver said so) or been
///   closed by a ``Action/disconnect(generation:reason:)`` earlier in the same action list. Two live
///   sockets would publish every tick twice.
/// - **Generations.** Every socket and every retry timer gets a fresh ``Generation``. Events carry
///   it back, and an event for anything but the current generation is ignored, so a late callback
///   from a socket we already left cannot fail or "connect" the new one.
/// - **Failover.** A failed account cools down for ``Configuration/cooldown``; the feed moves at
///   once to the first account (by ``FeedAccount/precedes(_:)``) that is not cooling down.
/// - **Backoff when all are down.** When no other account is eligible, the machine waits
///   2, 4, 8, … 60 s (``Backoff``) and raises one ``Alert/allAccountsDown(retryIn:)`` per outage. The
///   retry goes to the account whose cooldown ends first, even if it has not ended yet: cooldown
///   orders failover, it does not keep the feed dark, so a lone account that dropped is retried after
///   2 s, not 60 s. The backoff starts again only after a connection stayed up for
///   ``Configuration/healthyAfter``, so a host that accepts and then drops at once cannot make the
///   machine spin.
/// - **No flapping back.** When the primary's cooldown ends while a backup is healthy, the feed
///   stays on the backup: each switch costs a resubscribe and a gap in ticks, and the account that
///   just failed is the likeliest to fail again. The primary is first in line again when the backup
///   fails. Adding or re-prioritising accounts does not move a healthy feed either.
/// - **Resubscribe everything** after each connect, in batches of at most
///   ``Configuration/subscribeBatchSize`` with one mode each (OpenAlgo's subscribe message carries a
///   single mode).
/// - **Silent feed.** See ``checkTimeouts(now:marketOpen:)``.
///
/// Time is a `Duration` since any origin the driver fixes once (`origin.duration(to: clock.now)`
/// with its injected clock), so tests use plain numbers.
///
/// ```swift
/// var machine = UpstreamFeedStateMachine(accounts: accounts)
/// perform(machine.start(now: elapsed()))
/// // socket authenticated:
/// perform(machine.connected(generation: generation, now: elapsed()))
/// ```
public struct UpstreamFeedStateMachine: Sendable {
    /// Where the feed stands.
    public enum State: Sendable, Equatable {
        /// Not started, or stopped.
        case stopped
        /// Started with an empty account list: nothing happens until ``accountsChanged(_:now:)``.
        case noAccounts
        /// A socket to the account is opening and authenticating, since `since`.
        case connecting(FeedAccount, generation: Generation, since: Duration)
        /// Authenticated and subscribed, since `since`.
        case connected(FeedAccount, generation: Generation, since: Duration)
        /// Every account failed; the retry timer of `generation` is due at `until`.
        case waitingToRetry(generation: Generation, until: Duration)
    }

    public let configuration: Configuration
    /// For status reporting.
    public internal(set) var state: State = .stopped
    /// The accounts, in the order they are tried.
    public internal(set) var accounts: [FeedAccount]

    var health: [Int64: AccountHealth] = [:]
    var backoff: Backoff
    /// Set by the ``Alert/allAccountsDown(retryIn:)`` alert, cleared by the next connection, so an
    /// outage alerts once however many retries fail.
    var inOutage = false
    var lastGeneration = Generation(0)
    /// What the hub wants, one mode per instrument.
    var wanted: [Instrument: SubscriptionMode] = [:]
    /// What the current connection has been asked to send; empty unless connected.
    var active: [Instrument: SubscriptionMode] = [:]
    /// Per active instrument, the later of its last tick and the start of its grace period.
    var lastActivity: [Instrument: Duration] = [:]

    /// - Parameters:
    ///   - accounts: In any order; for a duplicated id the first wins.
    ///   - configuration: Timeouts, backoff and batch size.
    public init(accounts: [FeedAccount], configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.accounts = Self.ordered(accounts)
        self.backoff = Backoff(base: configuration.backoffBase, cap: configuration.backoffCap)
    }

    /// The account being connected to or connected, if any.
    public var currentAccount: FeedAccount? {
        switch state {
        case .connecting(let account, _, _), .connected(let account, _, _): account
        case .stopped, .noAccounts, .waitingToRetry: nil
        }
    }

    /// The generation of the socket that is connecting or connected, if any.
    public var liveGeneration: Generation? {
        switch state {
        case .connecting(_, let generation, _), .connected(_, let generation, _): generation
        case .stopped, .noAccounts, .waitingToRetry: nil
        }
    }

    /// Starts the feed on the first eligible account. Does nothing unless stopped.
    public mutating func start(now: Duration) -> [Action] {
        guard case .stopped = state else { return [] }
        return moveOn(from: nil, reason: "start", now: now)
    }

    /// Stops the feed: closes the socket, if any, and forgets the pending retry. Cooldowns are kept.
    public mutating func stop(now: Duration) -> [Action] {
        var actions: [Action] = []
        if let generation = liveGeneration {
            actions.append(.disconnect(generation: generation, reason: "stopped"))
        }
        state = .stopped
        dropConnection()
        inOutage = false
        backoff.reset()
        return actions
    }

    /// The socket of `generation` is open and authenticated: subscribes everything the hub wants.
    ///
    /// Every instrument's silence clock starts now, so a reconnect gives a fresh grace period
    /// rather than blaming the new socket for the outage's silence.
    public mutating func connected(generation: Generation, now: Duration) -> [Action] {
        guard case .connecting(let account, let current, _) = state, current == generation else { return [] }
        state = .connected(account, generation: generation, since: now)
        health[account.id, default: AccountHealth()].recordSuccess()
        var actions: [Action] = []
        if inOutage {
            inOutage = false
            actions.append(.alert(.recovered(account)))
        }
        active = wanted
        lastActivity = wanted.mapValues { _ in now }
        let batches = Self.batches(active, size: configuration.subscribeBatchSize)
        if !batches.isEmpty {
            actions.append(.subscribe(batches, generation: generation))
        }
        return actions
    }

    /// The socket of `generation` failed to connect or authenticate, or dropped: cools its account
    /// down and moves to the next eligible account, or waits with backoff when there is none.
    ///
    /// The socket is already gone, so no ``Action/disconnect(generation:reason:)`` is emitted.
    public mutating func connectionFailed(generation: Generation, reason: String, now: Duration) -> [Action] {
        switch state {
        case .connecting(let account, let current, _) where current == generation:
            return fail(account, reason: reason, healthyFor: nil, now: now)
        case .connected(let account, let current, let since) where current == generation:
            return fail(account, reason: reason, healthyFor: now - since, now: now)
        default:
            return []
        }
    }

    /// The retry timer of `generation` fired: connects to the first account not cooling down, or
    /// else to the one whose cooldown ends first.
    public mutating func retryTimerFired(generation: Generation, now: Duration) -> [Action] {
        guard case .waitingToRetry(let current, _) = state, current == generation else { return [] }
        return retry(now: now)
    }

    /// The configured accounts changed. A connection to an account that is still listed is kept
    /// (see "No flapping back"); one to a removed account is closed and the feed moves on, without
    /// cooling anyone down. While waiting, a newly eligible account is connected at once.
    public mutating func accountsChanged(_ newAccounts: [FeedAccount], now: Duration) -> [Action] {
        accounts = Self.ordered(newAccounts)
        let ids = Set(accounts.map(\.id))
        health = health.filter { ids.contains($0.key) }
        switch state {
        case .stopped:
            return []
        case .noAccounts:
            return moveOn(from: nil, reason: "accounts configured", now: now)
        case .waitingToRetry:
            if accounts.isEmpty {
                state = .noAccounts
                return []
            }
            guard let next = accounts.first(where: { !isCoolingDown($0, now: now) }) else { return [] }
            return [beginConnecting(to: next, now: now)]
        case .connecting(let account, let generation, let since), .connected(let account, let generation, let since):
            if let updated = accounts.first(where: { $0.id == account.id }) {
                if case .connecting = state {
                    state = .connecting(updated, generation: generation, since: since)
                } else {
                    state = .connected(updated, generation: generation, since: since)
                }
                return []
            }
            let reason = "account \(account.name) removed"
            dropConnection()
            return [.disconnect(generation: generation, reason: reason)] + moveOn(from: account, reason: reason, now: now)
        }
    }

    // MARK: Transitions shared by the events

    /// Records the failure of the current account, then moves on.
    /// - Parameter healthyFor: How long the connection worked; `nil` if it never did.
    mutating func fail(_ account: FeedAccount, reason: String, healthyFor: Duration?, now: Duration) -> [Action] {
        health[account.id, default: AccountHealth()].recordFailure(reason: reason, coolingDownUntil: now + configuration.cooldown)
        if let healthyFor, healthyFor >= configuration.healthyAfter {
            backoff.reset()
        }
        dropConnection()
        return moveOn(from: account, reason: reason, now: now)
    }

    /// Connects to the first eligible account other than `previous`, or waits with backoff.
    ///
    /// `previous` is skipped even when its cooldown is zero, so a failing account is never
    /// reconnected without a delay.
    mutating func moveOn(from previous: FeedAccount?, reason: String, now: Duration) -> [Action] {
        if accounts.isEmpty {
            state = .noAccounts
            return []
        }
        if let next = accounts.first(where: { $0.id != previous?.id && !isCoolingDown($0, now: now) }) {
            var actions: [Action] = []
            if let previous, !inOutage {
                actions.append(.alert(.failover(from: previous, to: next, reason: reason)))
            }
            actions.append(beginConnecting(to: next, now: now))
            return actions
        }
        let delay = backoff.next()
        let generation = nextGeneration()
        state = .waitingToRetry(generation: generation, until: now + delay)
        var actions: [Action] = []
        if !inOutage {
            inOutage = true
            actions.append(.alert(.allAccountsDown(retryIn: delay)))
        }
        actions.append(.scheduleRetry(after: delay, generation: generation))
        return actions
    }

    /// The end of a backoff wait: the first account not cooling down, else the one that failed
    /// longest ago.
    mutating func retry(now: Duration) -> [Action] {
        let eligible = accounts.first { !isCoolingDown($0, now: now) }
        let soonest = accounts.min { lhs, rhs in
            let lhsEnd = health[lhs.id]?.coolingDownUntil ?? .zero
            let rhsEnd = health[rhs.id]?.coolingDownUntil ?? .zero
            return lhsEnd == rhsEnd ? lhs.precedes(rhs) : lhsEnd < rhsEnd
        }
        guard let account = eligible ?? soonest else {
            state = .noAccounts
            return []
        }
        return [beginConnecting(to: account, now: now)]
    }

    mutating func beginConnecting(to account: FeedAccount, now: Duration) -> Action {
        let generation = nextGeneration()
        state = .connecting(account, generation: generation, since: now)
        return .connect(account, generation: generation)
    }

    /// Forgets what the closed socket was subscribed to; the next connection resubscribes all.
    mutating func dropConnection() {
        active = [:]
        lastActivity = [:]
    }

    mutating func nextGeneration() -> Generation {
        lastGeneration = Generation(lastGeneration.rawValue &+ 1)
        return lastGeneration
    }

    func isCoolingDown(_ account: FeedAccount, now: Duration) -> Bool {
        guard let until = health[account.id]?.coolingDownUntil else { return false }
        return now < until
    }

    /// Priority order, first occurrence of each id.
    static func ordered(_ accounts: [FeedAccount]) -> [FeedAccount] {
        var seen = Set<Int64>()
        return accounts.filter { seen.insert($0.id).inserted }.sorted { $0.precedes($1) }
    }
}
