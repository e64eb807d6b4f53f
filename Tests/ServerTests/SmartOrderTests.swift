// SPDX-License-Identifier: Apache-2.0
import Core
import Testing

@testable import Server

/// `placesmartorder` and `splitorder` arithmetic.
struct SmartOrderTests {
    struct Plan: Sendable, CustomTestStringConvertible {
        var target: Int64
        var current: Int64
        var action: OrderAction
        var quantity: Int64
        var expected: (OrderAction, Int64)?
        var testDescription: String { "target \(target) from \(current)" }
    }

    static let plans: [Plan] = [
        Plan(target: 100, current: -100, action: .buy, quantity: 100, expected: (.buy, 200)),  // the contract's example
        Plan(target: 100, current: 100, action: .buy, quantity: 100, expected: nil),
        Plan(target: 0, current: 50, action: .buy, quantity: 10, expected: (.sell, 50)),
        Plan(target: 0, current: -50, action: .sell, quantity: 10, expected: (.buy, 50)),
        Plan(target: -30, current: 20, action: .sell, quantity: 5, expected: (.sell, 50)),
        Plan(target: 40, current: 10, action: .sell, quantity: 5, expected: (.buy, 30)),
        Plan(target: 0, current: 0, action: .sell, quantity: 5, expected: (.sell, 5)),
        Plan(target: 0, current: 0, action: .buy, quantity: 0, expected: nil),
    ]

    @Test(arguments: plans)
    func movesToTheTarget(_ plan: Plan) {
        let result = SmartOrder.plan(target: plan.target, current: plan.current, action: plan.action, quantity: plan.quantity)
        #expect(result?.0 == plan.expected?.0)
        #expect(result?.1 == plan.expected?.1)
    }

    @Test(arguments: [
        (Int64(105), Int64(20), [Int64(20), 20, 20, 20, 20, 5]),
        (100, 20, [20, 20, 20, 20, 20]),
        (7, 10, [7]),
        (1, 1, [1]),
    ])
    func splitsCarryTheRemainderLast(total: Int64, size: Int64, expected: [Int64]) {
        #expect(SmartOrder.split(total: total, size: size) == expected)
    }

    @Test func moreThanAHundredPartsIsRefused() {
        #expect(SmartOrder.split(total: 101, size: 1) == nil)
        #expect(SmartOrder.split(total: 100, size: 1)?.count == 100)
    }

    /// Property: the parts always add up to the total and none exceeds the split size.
    @Test func partsAddUp() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<2_000 {
            let total = Int64.random(in: 1...100_000, using: &generator)
            let size = Int64.random(in: 1...5_000, using: &generator)
            let parts = try #require(SmartOrder.split(total: total, size: size, limit: 200_000))
            #expect(parts.reduce(0, +) == total)
            #expect(parts.allSatisfy { $0 > 0 && $0 <= size })
            #expect(parts.dropLast().allSatisfy { $0 == size })
        }
    }
}
