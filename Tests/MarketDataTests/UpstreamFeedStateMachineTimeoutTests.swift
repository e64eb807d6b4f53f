// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Testing

private typealias F = UpstreamFeedStateMachineFixture
private typealias Machine = UpstreamFeedStateMachine

/// Silent-feed detection, the authentication timeout and overdue retries.
@Suite
struct UpstreamFeedStateMachineTimeoutTests {
    private static let sbin = F.instrument("SBIN")

    /// A machine on the primary (backup available) subscribed to SBIN, whose last tick was at 10 s.
    private static func tickingMachine() throws -> (machine: Machine, generation: Machine.Generation) {
        var machine = Machine(accounts: [F.primary, F.backup])
        _ = machine.setSubscriptions([.init(sbin, mode: .quote)], now: .zero)
        let generation = try machine.startConnected().generation
        machine.tickReceived(sbin, generation: generation, now: .seconds(10))
        return (machine, generation)
    }

    @Test(arguments: [(Duration.seconds(39), true, false), (.seconds(40), true, true), (.seconds(40), false, false), (.seconds(4000), false, false)])
    func silenceIsDetectedOnlyWhileTheMarketIsOpen(checkAt: Duration, marketOpen: Bool, silent: Bool) throws {
        var (machine, generation) = try Self.tickingMachine()
        let actions = machine.checkTimeouts(now: checkAt) { _ in marketOpen }
        guard silent else {
            #expect(actions.isEmpty)
            #expect(machine.currentAccount == F.primary)
            return
        }
        let reason = "no tick for 30.0 seconds on NSE"
        let next = try #require(actions.connect)
        #expect(
            actions == [
                .alert(.silent(account: F.primary, instruments: [Self.sbin])),
                .disconnect(generation: generation, reason: reason),
                .alert(.failover(from: F.primary, to: F.backup, reason: "silent feed: \(reason)")),
                .connect(F.backup, generation: next.generation),
            ])
        #expect(machine.accountStatuses(now: checkAt).first?.cooldownRemaining == .seconds(60), "silence counts as a failure")
    }

    @Test func theOpenGetsAFullGracePeriodAfterAClosedMarket() throws {
        var (machine, _) = try Self.tickingMachine()
        for minute in 1...60 {
            #expect(machine.checkTimeouts(now: .seconds(minute * 60)) { _ in false }.isEmpty)
        }
        // The market opens just after 3600 s.
        #expect(machine.checkTimeouts(now: .seconds(3629)) { _ in true }.isEmpty)
        #expect(machine.checkTimeouts(now: .seconds(3630)) { _ in true }.alerts.first == .silent(account: F.primary, instruments: [Self.sbin]))
    }

    @Test func anIlliquidInstrumentDoesNotSilenceALiveExchange() throws {
        let liquid = F.instrument("LIQUID")
        let illiquid = F.instrument("ILLIQUID")
        let gold = F.instrument("GOLD", "MCX")
        let silver = F.instrument("SILVER", "MCX")
        var machine = Machine(accounts: [F.primary, F.backup])
        _ = machine.setSubscriptions([liquid, illiquid, gold, silver].map { .init($0, mode: .ltp) }, now: .zero)
        let generation = try machine.startConnected().generation
        for second in 1...60 {
            machine.tickReceived(liquid, generation: generation, now: .seconds(second))
        }
        // MCX closed: only NSE counts, and NSE is alive.
        #expect(machine.checkTimeouts(now: .seconds(60)) { $0.exchange == "NSE" }.isEmpty)
        // Both open: NSE is alive, MCX has been silent since it opened at 60 s.
        machine.tickReceived(liquid, generation: generation, now: .seconds(89))
        #expect(machine.checkTimeouts(now: .seconds(89)) { _ in true }.isEmpty)
        machine.tickReceived(liquid, generation: generation, now: .seconds(90))
        let actions = machine.checkTimeouts(now: .seconds(90)) { _ in true }
        #expect(actions.alerts.first == .silent(account: F.primary, instruments: [gold, silver]))
        #expect(actions.contains(.disconnect(generation: generation, reason: "no tick for 30.0 seconds on MCX")))
    }

    @Test func aReconnectRestartsTheSilenceClock() throws {
        var (machine, _) = try Self.tickingMachine()
        // Silent at 40 s: fail over to the backup, which authenticates at 45 s.
        let next = try #require(machine.checkTimeouts(now: .seconds(40)) { _ in true }.connect?.generation)
        _ = machine.connected(generation: next, now: .seconds(45))
        #expect(machine.checkTimeouts(now: .seconds(74)) { _ in true }.isEmpty)
        #expect(machine.checkTimeouts(now: .seconds(75)) { _ in true }.alerts.first == .silent(account: F.backup, instruments: [Self.sbin]))
    }

    @Test func ticksFromAStaleSocketOrUnsubscribedInstrumentsDoNotCount() throws {
        var (machine, generation) = try Self.tickingMachine()
        machine.tickReceived(Self.sbin, generation: Machine.Generation(generation.rawValue + 100), now: .seconds(35))
        machine.tickReceived(F.instrument("OTHER"), generation: generation, now: .seconds(35))
        #expect(machine.checkTimeouts(now: .seconds(40)) { _ in true }.alerts.first == .silent(account: F.primary, instruments: [Self.sbin]))
    }

    @Test func aNewSubscriptionGetsItsOwnGracePeriod() throws {
        let late = F.instrument("LATE", "BSE")
        var (machine, generation) = try Self.tickingMachine()
        _ = machine.setSubscriptions([.init(Self.sbin, mode: .quote), .init(late, mode: .ltp)], now: .seconds(20))
        machine.tickReceived(Self.sbin, generation: generation, now: .seconds(45))
        #expect(machine.checkTimeouts(now: .seconds(49)) { _ in true }.isEmpty)
        #expect(machine.checkTimeouts(now: .seconds(50)) { _ in true }.alerts.first == .silent(account: F.primary, instruments: [late]))
    }

    @Test func aLoneSilentAccountIsRetriedWithBackoff() throws {
        var machine = Machine(accounts: [F.primary])
        _ = machine.setSubscriptions([.init(Self.sbin, mode: .ltp)], now: .zero)
        _ = try machine.startConnected()
        let actions = machine.checkTimeouts(now: .seconds(30)) { _ in true }
        #expect(actions.alerts == [.silent(account: F.primary, instruments: [Self.sbin]), .allAccountsDown(retryIn: .seconds(2))])
        #expect(actions.retry?.after == .seconds(2))
    }

    @Test(arguments: [(Duration.seconds(9), false), (.seconds(10), true)])
    func authenticationTimesOut(checkAt: Duration, timedOut: Bool) throws {
        var machine = Machine(accounts: [F.primary, F.backup])
        let first = try #require(machine.start(now: .zero).connect?.generation)
        let actions = machine.checkTimeouts(now: checkAt) { _ in true }
        if timedOut {
            #expect(actions.first == .disconnect(generation: first, reason: "no authentication within 10.0 seconds"))
            #expect(actions.connect?.account == F.backup)
            #expect(machine.connected(generation: first, now: checkAt).isEmpty, "the abandoned socket cannot connect")
        } else {
            #expect(actions.isEmpty)
        }
    }

    @Test func anOverdueRetryIsPerformedByTheCheckAndItsTimerIsThenStale() throws {
        var machine = Machine(accounts: [F.primary])
        let first = try #require(machine.start(now: .zero).connect?.generation)
        let wait = try #require(machine.connectionFailed(generation: first, reason: "refused", now: .zero).retry)
        #expect(machine.checkTimeouts(now: .seconds(1)) { _ in true }.isEmpty)
        #expect(machine.checkTimeouts(now: .seconds(2)) { _ in true }.connect?.account == F.primary)
        #expect(machine.retryTimerFired(generation: wait.generation, now: .seconds(2)).isEmpty)
    }
}
