// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Synchronization
import Testing

@Suite("Subscription demand")
struct SubscriptionDemandTests {
    @Test("the union is the highest mode any owner wants, after any sequence of changes", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func unionMatchesANaiveRecount(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let demand = SubscriptionDemand()
        var owners: [UInt64: SubscriptionDemand.Wanted] = [:]
        let published = Mutex<[SubscriptionDemand.Wanted]>([])
        demand.observe { union in published.withLock { $0.append(union) } }
        for _ in 0..<500 {
            let owner = UInt64.random(in: 1...8, using: &random)
            var wanted: SubscriptionDemand.Wanted = [:]
            // Sometimes an owner leaves altogether (an empty set).
            if Int.random(in: 0..<5, using: &random) > 0 {
                for _ in 0..<Int.random(in: 0...6, using: &random) {
                    wanted[Int64.random(in: 1...12, using: &random)] = SubscriptionMode.allCases.randomElement(using: &random)
                }
            }
            owners[owner] = wanted.isEmpty ? nil : wanted
            demand.set(owner: owner, wanted)

            var expected: SubscriptionDemand.Wanted = [:]
            for entries in owners.values {
                for (id, mode) in entries { expected[id] = max(expected[id] ?? mode, mode) }
            }
            #expect(demand.union == expected)
            #expect(demand.ownerCount == owners.count)
            // Observers hear every change and nothing else.
            #expect(published.withLock { $0.last } == expected)
        }
        let notifications = published.withLock { $0 }
        #expect(zip(notifications, notifications.dropFirst()).allSatisfy { $0 != $1 })
    }
}
