// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Testing

private typealias F = UpstreamFeedStateMachineFixture
private typealias Machine = UpstreamFeedStateMachine

/// Connecting, failing over, backing off and cooling down.
@Suite
struct UpstreamFeedStateMachineFailoverTests {
    static let startCases: [(accounts: [FeedAccount], expected: Int64)] = [
        ([F.primary, F.backup, F.third], 1),
        ([F.third, F.backup, F.primary], 1),
        // Equal priorities: the lower id wins, whatever the order given.
        ([FeedAccount(id: 9, name: "b", priority: 5), FeedAccount(id: 4, name: "a", priority: 5)], 4),
        // A duplicated id keeps its first entry.
        ([FeedAccount(id: 7, name: "first", priority: 3), FeedAccount(id: 7, name: "again", priority: 0), F.backup], 2),
    ]

    @Test(arguments: startCases)
    func startConnectsTheHighestPriorityAccount(accounts: [FeedAccount], expected: Int64) {
        var machine = Machine(accounts: accounts)
        let actions = machine.start(now: .zero)
        #expect(actions.count == 1)
        #expect(actions.connect?.account.id == expected)
        #expect(machine.currentAccount?.id == expected)
        #expect(machine.start(now: .seconds(1)).isEmpty, "a second start does nothing")
    }

    @Test func startWithoutAccountsWaitsForThem() {
        var machine = Machine(accounts: [])
        #expect(machine.start(now: .zero).isEmpty)
        #expect(machine.state == .noAccounts)
        let actions = machine.accountsChanged([F.backup], now: .seconds(5))
        #expect(actions.connect?.account == F.backup)
    }

    @Test func failureFailsOverAtOnceWithAnAlert() throws {
        var machine = Machine(accounts: [F.primary, F.backup, F.third])
        let first = try machine.startConnected().generation
        let actions = machine.connectionFailed(generation: first, reason: "socket closed", now: .seconds(100))
        let next = try #require(actions.connect)
        #expect(
            actions == [.alert(.failover(from: F.primary, to: F.backup, reason: "socket closed")), .connect(F.backup, generation: next.generation)])
        #expect(next.generation > first)
        #expect(machine.state == .connecting(F.backup, generation: next.generation, since: .seconds(100)))
    }

    @Test func failureWhileAuthenticatingAlsoFailsOver() throws {
        var machine = Machine(accounts: [F.primary, F.backup])
        let first = try #require(machine.start(now: .zero).connect?.generation)
        let actions = machine.connectionFailed(generation: first, reason: "auth rejected", now: .seconds(1))
        #expect(actions.alerts == [.failover(from: F.primary, to: F.backup, reason: "auth rejected")])
        #expect(actions.connect?.account == F.backup)
    }

    /// With a cooldown longer than the test, every account stays cooling down, so the retries show
    /// the backoff sequence and go round the accounts, the one that failed longest ago first.
    @Test(arguments: 1...3)
    func allAccountsDownBacksOffToTheCapWithOneAlert(accountCount: Int) throws {
        let accounts = Array([F.primary, F.backup, F.third].prefix(accountCount))
        var machine = Machine(accounts: accounts, configuration: .init(cooldown: .seconds(3600)))
        var now = Duration.zero
        var actions = machine.start(now: now)
        var all = actions
        // The first round: each account fails in turn, by failover.
        for account in accounts {
            let attempt = try #require(actions.connect)
            #expect(attempt.account == account)
            actions = machine.connectionFailed(generation: attempt.generation, reason: "refused", now: now)
            all += actions
        }
        var retry = actions.retry
        var delays: [Duration] = []
        var retried: [FeedAccount] = []
        for _ in 0..<7 {
            let pending = try #require(retry)
            delays.append(pending.after)
            now += pending.after
            let connect = try #require(machine.retryTimerFired(generation: pending.generation, now: now).connect)
            retried.append(connect.account)
            actions = machine.connectionFailed(generation: connect.generation, reason: "refused", now: now)
            all += actions
            retry = actions.retry
        }
        #expect(delays == [2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) })
        #expect(retried == (0..<7).map { accounts[$0 % accountCount] })
        #expect(all.alerts.filter { if case .allAccountsDown = $0 { true } else { false } } == [.allAccountsDown(retryIn: .seconds(2))])
    }

    @Test func recoveryAlertsAndEndsTheOutage() throws {
        var machine = Machine(accounts: [F.primary])
        let first = try machine.startConnected().generation
        let wait = try #require(machine.connectionFailed(generation: first, reason: "eof", now: .seconds(40)).retry)
        let attempt = try #require(machine.retryTimerFired(generation: wait.generation, now: .seconds(42)).connect)
        #expect(machine.connected(generation: attempt.generation, now: .seconds(43)) == [.alert(.recovered(F.primary))])
        // A later outage alerts again.
        let again = machine.connectionFailed(generation: attempt.generation, reason: "eof", now: .seconds(200))
        #expect(again.alerts == [.allAccountsDown(retryIn: .seconds(2))])
    }

    /// A connection that stayed up `healthyAfter` (30 s) starts the backoff afresh; a shorter one
    /// continues it, so a host that accepts and drops at once cannot make the feed spin.
    @Test(arguments: [
        (Duration.seconds(5), Duration.seconds(16)), (.seconds(29), .seconds(16)), (.seconds(30), .seconds(2)), (.seconds(600), .seconds(2)),
    ])
    func backoffResetsOnlyAfterAHealthyConnection(uptime: Duration, expectedDelay: Duration) throws {
        var machine = Machine(accounts: [F.primary])
        var generation = try machine.startConnected().generation
        var now = Duration.zero
        // A failure and two failed retries: the backoff has handed out 2, 4 and 8 s.
        var wait = try #require(machine.connectionFailed(generation: generation, reason: "eof", now: now).retry)
        for _ in 0..<2 {
            now += wait.after
            generation = try #require(machine.retryTimerFired(generation: wait.generation, now: now).connect?.generation)
            wait = try #require(machine.connectionFailed(generation: generation, reason: "refused", now: now).retry)
        }
        #expect(wait.after == .seconds(8))
        now += wait.after
        generation = try #require(machine.retryTimerFired(generation: wait.generation, now: now).connect?.generation)
        _ = machine.connected(generation: generation, now: now)
        let next = machine.connectionFailed(generation: generation, reason: "eof", now: now + uptime)
        #expect(next.retry?.after == expectedDelay)
    }

    /// The primary fails at 0 s; the backup fails at `backupFailsAt`. The primary is passed over
    /// until its 60 s cooldown ends, then it is first in line again.
    @Test(arguments: [(Duration.seconds(10), false), (.seconds(59), false), (.seconds(60), true), (.seconds(61), true)])
    func aCoolingAccountIsPassedOverUntilItsCooldownEnds(backupFailsAt: Duration, backToPrimary: Bool) throws {
        var machine = Machine(accounts: [F.primary, F.backup])
        _ = try machine.startConnected()
        let onBackup = try #require(try machine.failLive(now: .zero).generation)
        let actions = machine.connectionFailed(generation: onBackup, reason: "eof", now: backupFailsAt)
        if backToPrimary {
            #expect(actions.alerts == [.failover(from: F.backup, to: F.primary, reason: "eof")])
            #expect(actions.connect?.account == F.primary)
        } else {
            // Nobody is eligible: wait, rather than reconnect to the primary at once.
            #expect(actions.connect == nil)
            #expect(actions.retry?.after == .seconds(2))
        }
    }

    @Test func aCoolingPrimaryIsSkippedForTheNextAccount() throws {
        var machine = Machine(accounts: [F.primary, F.backup, F.third])
        _ = try machine.startConnected()
        _ = try machine.failLive(now: .zero)
        let actions = try machine.failLive(now: .seconds(10)).actions
        #expect(actions.alerts == [.failover(from: F.backup, to: F.third, reason: "socket closed")])
        #expect(machine.currentAccount == F.third)
    }

    @Test func aHealthyBackupIsKeptAfterThePrimaryCoolsDown() throws {
        var machine = Machine(accounts: [F.primary, F.backup])
        _ = machine.setSubscriptions(F.subscriptions(3, prefix: "S", mode: .quote), now: .zero)
        _ = try machine.startConnected()
        let onBackup = try #require(try machine.failLive(now: .seconds(1)).generation)
        var actions: [Machine.Action] = []
        for second in stride(from: 5, through: 3600, by: 5) {
            let now = Duration.seconds(second)
            for subscription in F.subscriptions(3, prefix: "S", mode: .quote) {
                machine.tickReceived(subscription.instrument, generation: onBackup, now: now)
            }
            actions += machine.checkTimeouts(now: now) { _ in true }
        }
        // Re-prioritising does not move a healthy feed either.
        actions += machine.accountsChanged([FeedAccount(id: 1, name: "primary", priority: 0), F.backup], now: .seconds(3601))
        #expect(actions.isEmpty)
        #expect(machine.state == .connected(F.backup, generation: onBackup, since: .seconds(1)))
    }

    @Test func staleEventsAreIgnored() throws {
        var machine = Machine(accounts: [F.primary, F.backup])
        let first = try #require(machine.start(now: .zero).connect?.generation)
        let second = try #require(machine.connectionFailed(generation: first, reason: "refused", now: .seconds(1)).connect?.generation)
        let before = machine.state
        #expect(machine.connected(generation: first, now: .seconds(2)).isEmpty)
        #expect(machine.connectionFailed(generation: first, reason: "late", now: .seconds(2)).isEmpty)
        #expect(machine.retryTimerFired(generation: first, now: .seconds(2)).isEmpty)
        #expect(machine.retryTimerFired(generation: second, now: .seconds(2)).isEmpty, "not waiting")
        #expect(machine.state == before)
        // A connected socket ignores a duplicate `connected`.
        _ = machine.connected(generation: second, now: .seconds(3))
        #expect(machine.connected(generation: second, now: .seconds(4)).isEmpty)
    }

    @Test func aRetryTimerIsStaleOnceANewAccountConnects() throws {
        var machine = Machine(accounts: [F.primary])
        let first = try #require(machine.start(now: .zero).connect?.generation)
        let wait = try #require(machine.connectionFailed(generation: first, reason: "refused", now: .zero).retry)
        // A newly added account is eligible at once; the pending timer is then stale.
        let actions = machine.accountsChanged([F.primary, F.backup], now: .seconds(1))
        #expect(actions.connect?.account == F.backup)
        #expect(machine.retryTimerFired(generation: wait.generation, now: .seconds(2)).isEmpty)
        #expect(machine.currentAccount == F.backup)
    }

    @Test func removingTheCurrentAccountMovesOnWithoutCoolingItDown() throws {
        var machine = Machine(accounts: [F.primary, F.backup])
        let first = try machine.startConnected().generation
        let actions = machine.accountsChanged([F.backup], now: .seconds(5))
        let next = try #require(actions.connect)
        #expect(
            actions == [
                .disconnect(generation: first, reason: "account primary removed"),
                .alert(.failover(from: F.primary, to: F.backup, reason: "account primary removed")),
                .connect(F.backup, generation: next.generation),
            ])
        #expect(machine.accountStatuses(now: .seconds(5)).map(\.cooldownRemaining) == [nil])
        // Removing the last account closes the socket and waits for accounts.
        #expect(machine.accountsChanged([], now: .seconds(6)) == [.disconnect(generation: next.generation, reason: "account backup removed")])
        #expect(machine.state == .noAccounts)
    }

    @Test func stopClosesTheSocketAndIgnoresItsCallbacks() throws {
        var machine = Machine(accounts: [F.primary])
        let first = try machine.startConnected().generation
        #expect(machine.stop(now: .seconds(1)) == [.disconnect(generation: first, reason: "stopped")])
        #expect(machine.state == .stopped)
        #expect(machine.connectionFailed(generation: first, reason: "closed", now: .seconds(1)).isEmpty)
        #expect(machine.start(now: .seconds(2)).connect?.account == F.primary)
    }

    @Test func statusShowsCooldownsAndFailures() throws {
        var machine = Machine(accounts: [F.primary, F.backup])
        _ = try machine.startConnected()
        _ = try machine.failLive(reason: "eof", now: .seconds(10))
        let statuses = machine.accountStatuses(now: .seconds(30))
        #expect(
            statuses == [
                .init(account: F.primary, isCurrent: false, cooldownRemaining: .seconds(40), consecutiveFailures: 1, lastFailureReason: "eof"),
                .init(account: F.backup, isCurrent: true, cooldownRemaining: nil, consecutiveFailures: 0, lastFailureReason: nil),
            ])
        #expect(machine.accountStatuses(now: .seconds(70)).first?.cooldownRemaining == nil)
    }

    @Test(arguments: [(0, 2), (1, 4), (4, 32), (5, 60), (6, 60), (200, 60)])
    func backoffDoublesUpToTheCap(attempts: Int, expectedSeconds: Int64) {
        var backoff = Backoff(base: .seconds(2), cap: .seconds(60))
        for _ in 0..<attempts { _ = backoff.next() }
        #expect(backoff.next() == .seconds(expectedSeconds))
        backoff.reset()
        #expect(backoff.nextDelay == .seconds(2))
    }
}
