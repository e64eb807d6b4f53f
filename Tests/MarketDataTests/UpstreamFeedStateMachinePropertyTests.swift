// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Testing

private typealias F = UpstreamFeedStateMachineFixture
private typealias Machine = UpstreamFeedStateMachine

/// Random event sequences against a model of the driver: whatever happens, at most one socket is
/// open, it is the machine's live one, and a connected socket carries exactly the hub's demand.
@Suite
struct UpstreamFeedStateMachinePropertyTests {
    /// The driver as the machine sees it: the sockets it opened and not yet closed, what each was
    /// asked to subscribe, and the retry timers it holds.
    private struct DriverModel {
        var sockets: Set<Machine.Generation> = []
        var subscribed: [Machine.Generation: [Machine.Instrument: SubscriptionMode]] = [:]
        var timers: [Machine.Generation] = []
        var highestGeneration: UInt64 = 0
        var connects = 0
        var waits = 0

        mutating func perform(_ actions: [Machine.Action], batchSize: Int) {
            for action in actions {
                switch action {
                case .connect(_, let generation):
                    #expect(generation.rawValue > highestGeneration, "generations only grow")
                    sockets.insert(generation)
                    subscribed[generation] = [:]
                    connects += 1
                case .disconnect(let generation, _):
                    #expect(sockets.contains(generation), "closes only an open socket")
                    sockets.remove(generation)
                case .subscribe(let batches, let generation):
                    #expect(sockets.contains(generation))
                    for batch in batches {
                        #expect((1...batchSize).contains(batch.instruments.count))
                        for instrument in batch.instruments {
                            #expect(subscribed[generation]?[instrument] == nil, "never subscribed twice")
                            subscribed[generation, default: [:]][instrument] = batch.mode
                        }
                    }
                case .unsubscribe(let batches, let generation):
                    #expect(sockets.contains(generation))
                    for batch in batches {
                        #expect((1...batchSize).contains(batch.instruments.count))
                        for instrument in batch.instruments {
                            #expect(subscribed[generation]?[instrument] == batch.mode, "unsubscribes only what it subscribed")
                            subscribed[generation]?[instrument] = nil
                        }
                    }
                case .scheduleRetry(_, let generation):
                    timers.append(generation)
                    waits += 1
                case .alert:
                    break
                }
                if case .connect(_, let generation) = action { highestGeneration = generation.rawValue }
                if case .scheduleRetry(_, let generation) = action { highestGeneration = generation.rawValue }
                // Checked after every single action: a connect before the old socket's disconnect fails here.
                #expect(sockets.count <= 1, "two sockets open at once")
            }
        }
    }

    private static let pool = [F.primary, F.backup, F.third, FeedAccount(id: 4, name: "fourth", priority: 2)]
    private static let universe = (0..<8).map { F.instrument("S\($0)", $0.isMultiple(of: 2) ? "NSE" : "MCX") }

    @Test(arguments: 1...40 as ClosedRange<UInt64>)
    func neverTwoConnectionsAndAlwaysFullySubscribed(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let batchSize = 3
        var machine = Machine(accounts: Array(Self.pool.prefix(2)), configuration: .init(subscribeBatchSize: batchSize))
        var driver = DriverModel()
        var now = Duration.zero
        var connectedSteps = 0
        driver.perform(machine.start(now: now), batchSize: batchSize)
        for step in 0..<500 {
            now += .milliseconds(Int64.random(in: 0...20_000, using: &rng))
            let open = driver.sockets.first
            let stale = Machine.Generation(UInt64.random(in: 0...driver.highestGeneration + 1, using: &rng))
            let actions: [Machine.Action]
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<2:
                actions = machine.stop(now: now)
                // The driver closes the socket itself on `disconnect`; forget its timers too.
                driver.timers.removeAll()
            case 2..<6:
                actions = machine.start(now: now)
            case 6..<26:
                actions = machine.connected(generation: Bool.random(using: &rng) ? (open ?? stale) : stale, now: now)
            case 26..<40:
                let generation = Bool.random(using: &rng) ? (open ?? stale) : stale
                // A failure the driver reports means its socket is gone.
                driver.sockets.remove(generation)
                actions = machine.connectionFailed(generation: generation, reason: "random", now: now)
            case 40..<52:
                if !driver.timers.isEmpty, Bool.random(using: &rng) {
                    let generation = driver.timers.remove(at: Int.random(in: 0..<driver.timers.count, using: &rng))
                    actions = machine.retryTimerFired(generation: generation, now: now)
                } else {
                    actions = machine.retryTimerFired(generation: stale, now: now)
                }
            case 52..<70:
                let instrument = Self.universe[Int.random(in: 0..<Self.universe.count, using: &rng)]
                machine.tickReceived(instrument, generation: Bool.random(using: &rng) ? (open ?? stale) : stale, now: now)
                actions = []
            case 70..<85:
                let nseOpen = Bool.random(using: &rng)
                let mcxOpen = Bool.random(using: &rng)
                actions = machine.checkTimeouts(now: now) { $0.exchange == "NSE" ? nseOpen : mcxOpen }
            case 85..<95:
                let wanted = Self.universe.filter { _ in Bool.random(using: &rng) }.map { instrument in
                    Machine.Subscription(instrument, mode: SubscriptionMode.allCases.randomElement(using: &rng) ?? .ltp)
                }
                actions = machine.setSubscriptions(wanted, now: now)
            default:
                let accounts = Self.pool.filter { _ in Int.random(in: 0..<4, using: &rng) > 0 }.shuffled(using: &rng)
                actions = machine.accountsChanged(accounts, now: now)
            }
            driver.perform(actions, batchSize: batchSize)

            let live = machine.liveGeneration
            #expect(driver.sockets == Set([live].compactMap { $0 }), "seed \(seed) step \(step): the open socket is the live one")
            if let account = machine.currentAccount {
                #expect(machine.accounts.contains(account), "seed \(seed) step \(step): connected to a configured account")
            }
            switch machine.state {
            case .connected(_, let generation, _):
                connectedSteps += 1
                let demand = Dictionary(uniqueKeysWithValues: machine.subscriptions.map { ($0.instrument, $0.mode) })
                #expect(driver.subscribed[generation] == demand, "seed \(seed) step \(step): the socket carries the demand")
            case .waitingToRetry(let generation, _):
                #expect(driver.timers.contains(generation), "seed \(seed) step \(step): a retry is pending")
            case .stopped, .noAccounts, .connecting:
                break
            }
        }
        // The sequence exercised the interesting paths.
        #expect(driver.connects > 10)
        #expect(connectedSteps > 10)
        #expect(driver.waits > 0)
    }
}
