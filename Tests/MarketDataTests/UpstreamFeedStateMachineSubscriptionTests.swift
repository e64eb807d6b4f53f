// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Testing

private typealias F = UpstreamFeedStateMachineFixture
private typealias Machine = UpstreamFeedStateMachine

/// Subscribing in batches, deltas while connected, and resubscribing after a reconnect.
@Suite
struct UpstreamFeedStateMachineSubscriptionTests {
    /// Subscriptions per mode: LTP, Quote, Depth.
    static let batchCases: [(ltp: Int, quote: Int, depth: Int)] = [
        (0, 0, 0), (1, 0, 0), (50, 0, 0), (51, 0, 0), (0, 100, 0), (120, 3, 50), (7, 49, 101),
    ]

    @Test(arguments: batchCases)
    func connectedSubscribesEverythingInSingleModeBatchesOfFifty(ltp: Int, quote: Int, depth: Int) throws {
        let wanted =
            F.subscriptions(ltp, prefix: "L", mode: .ltp) + F.subscriptions(quote, prefix: "Q", mode: .quote, exchange: "NFO")
            + F.subscriptions(depth, prefix: "D", mode: .depth, exchange: "MCX")
        var machine = Machine(accounts: [F.primary])
        #expect(machine.setSubscriptions(wanted, now: .zero).isEmpty, "not connected yet")
        let actions = try machine.startConnected().actions
        let batches = actions.subscribedBatches
        #expect(batches.allSatisfy { !$0.instruments.isEmpty && $0.instruments.count <= 50 })
        let sent = batches.flatMap { batch in batch.instruments.map { Machine.Subscription($0, mode: batch.mode) } }
        #expect(sent.count == wanted.count, "each subscription exactly once")
        #expect(Set(sent) == Set(wanted))
        let expectedBatches = [ltp, quote, depth].map { ($0 + 49) / 50 }.reduce(0, +)
        #expect(batches.count == expectedBatches)
        #expect(actions.count == (wanted.isEmpty ? 0 : 1), "one subscribe action, none when there is nothing to subscribe")
    }

    @Test func anInstrumentWantedInSeveralModesIsSubscribedOnceInTheHighest() throws {
        var machine = Machine(accounts: [F.primary])
        let sbin = F.instrument("SBIN")
        _ = machine.setSubscriptions([.init(sbin, mode: .ltp), .init(sbin, mode: .depth), .init(sbin, mode: .quote)], now: .zero)
        let actions = try machine.startConnected().actions
        #expect(actions.subscribedBatches == [.init(mode: .depth, instruments: [sbin])])
        #expect(machine.subscriptions == [.init(sbin, mode: .depth)])
    }

    @Test func deltasWhileConnected() throws {
        let a = F.instrument("A")
        let b = F.instrument("B")
        let c = F.instrument("C")
        let d = F.instrument("D")
        var machine = Machine(accounts: [F.primary])
        _ = machine.setSubscriptions([.init(a, mode: .ltp), .init(b, mode: .ltp), .init(c, mode: .quote)], now: .zero)
        let generation = try machine.startConnected().generation
        // A stays, B moves to Depth, C goes, D comes.
        let actions = machine.setSubscriptions([.init(a, mode: .ltp), .init(b, mode: .depth), .init(d, mode: .ltp)], now: .seconds(1))
        #expect(
            actions == [
                .unsubscribe([.init(mode: .ltp, instruments: [b]), .init(mode: .quote, instruments: [c])], generation: generation),
                .subscribe([.init(mode: .ltp, instruments: [d]), .init(mode: .depth, instruments: [b])], generation: generation),
            ])
        #expect(machine.setSubscriptions([.init(a, mode: .ltp), .init(b, mode: .depth), .init(d, mode: .ltp)], now: .seconds(2)).isEmpty)
        #expect(
            machine.setSubscriptions([.init(a, mode: .ltp)], now: .seconds(3)) == [
                .unsubscribe([.init(mode: .ltp, instruments: [d]), .init(mode: .depth, instruments: [b])], generation: generation)
            ])
    }

    @Test func largeDeltasAreBatchedToo() throws {
        var machine = Machine(accounts: [F.primary])
        let generation = try machine.startConnected().generation
        let actions = machine.setSubscriptions(F.subscriptions(130, prefix: "X", mode: .quote), now: .seconds(1))
        #expect(actions.count == 1)
        #expect(actions.subscribedBatches.map(\.instruments.count) == [50, 50, 30])
        guard case .subscribe(_, let sentOn) = actions.first else {
            Issue.record("expected a subscribe, got \(actions)")
            return
        }
        #expect(sentOn == generation)
    }

    @Test func demandChangedWhileDisconnectedIsSubscribedOnConnect() throws {
        var machine = Machine(accounts: [F.primary, F.backup])
        _ = machine.setSubscriptions(F.subscriptions(2, prefix: "OLD", mode: .ltp), now: .zero)
        let first = try #require(machine.start(now: .zero).connect?.generation)
        #expect(machine.setSubscriptions(F.subscriptions(3, prefix: "NEW", mode: .ltp), now: .seconds(1)).isEmpty, "still connecting")
        let actions = machine.connected(generation: first, now: .seconds(2))
        #expect(actions == [.subscribe([.init(mode: .ltp, instruments: ["NEW0", "NEW1", "NEW2"].map { F.instrument($0) })], generation: first)])
    }

    @Test func aReconnectResubscribesEverything() throws {
        var machine = Machine(accounts: [F.primary, F.backup])
        _ = machine.setSubscriptions(F.subscriptions(60, prefix: "A", mode: .ltp), now: .zero)
        _ = try machine.startConnected()
        let wanted = F.subscriptions(60, prefix: "A", mode: .ltp) + F.subscriptions(5, prefix: "B", mode: .depth)
        _ = machine.setSubscriptions(wanted, now: .seconds(1))
        let (generation, actions) = try machine.failLive(now: .seconds(2))
        let onBackup = try #require(generation)
        let subscribes = actions.filter { if case .subscribe = $0 { true } else { false } }
        #expect(subscribes.count == 1)
        guard case .subscribe(let batches, let sentOn) = subscribes.first else { return }
        #expect(sentOn == onBackup)
        #expect(batches.map(\.instruments.count) == [50, 10, 5])
        #expect(Set(batches.flatMap { b in b.instruments.map { Machine.Subscription($0, mode: b.mode) } }) == Set(wanted))
    }

    @Test func theBatchSizeIsAtLeastOne() throws {
        var machine = Machine(accounts: [F.primary], configuration: .init(subscribeBatchSize: 0))
        _ = machine.setSubscriptions(F.subscriptions(3, prefix: "S", mode: .ltp), now: .zero)
        let batches = try machine.startConnected().actions.subscribedBatches
        #expect(batches.map(\.instruments.count) == [1, 1, 1])
    }
}
