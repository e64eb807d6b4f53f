// SPDX-License-Identifier: Apache-2.0
import Core
import Logging
import Schema
import Testing

@testable import Broker

/// GTTs against a real hub: when each fires, that it fires exactly once (also across a restart),
/// and what a refused order does to it.
@Suite(.serialized)
struct GTTTests {
    func withHarness(_ body: (SandboxHarness) async throws -> Void) async throws {
        let harness = try await SandboxHarness.make()
        defer { harness.close() }
        try await body(harness)
    }

    static func single(_ trigger: Double, price: Double, action: OrderAction = .buy, quantity: Int64 = 5) -> GTTTicket {
        GTTTicket(
            strategy: "gtt", kind: .single, exchange: "NSE", symbol: "SBIN", action: action, product: .cnc, quantity: quantity, priceType: .limit,
            triggerPrice: trigger, price: price)
    }

    func fire(_ harness: SandboxHarness, last: Double) async throws {
        let snapshot = try harness.price("SBIN", last: last)
        await harness.broker.fireGTTs([snapshot])
        await harness.broker.match([snapshot])
    }

    @Test func ruleTable() throws {
        func record(_ kind: GTTRecord.Kind, trigger: Double, target: Double? = nil, placedAt: Double) -> GTTRecord {
            GTTRecord.testRecord(kind: kind, trigger: trigger, target: target, lastPrice: placedAt)
        }
        let cases: [(GTTRecord, Double, GTTRule.Leg?)] = [
            (record(.single, trigger: 110, placedAt: 100), 109.95, nil),
            (record(.single, trigger: 110, placedAt: 100), 110, .single),
            (record(.single, trigger: 90, placedAt: 100), 90.05, nil),
            (record(.single, trigger: 90, placedAt: 100), 89, .single),
            (record(.twoLeg, trigger: 90, target: 120, placedAt: 100), 100, nil),
            (record(.twoLeg, trigger: 90, target: 120, placedAt: 100), 90, .stoploss),
            (record(.twoLeg, trigger: 90, target: 120, placedAt: 100), 121, .target),
        ]
        for (gtt, last, expected) in cases {
            #expect(GTTRule.leg(gtt, lastPrice: last) == expected, "trigger \(gtt.triggerPrice) at \(last)")
        }
    }

    @Test func singleFiresOnceWhenTheMarketGetsThere() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let gtt = try await harness.broker.placeGTT(Self.single(810, price: 812), userID: harness.userID)
            #expect(gtt.triggerID.hasPrefix("GTT-"))
            try await fire(harness, last: 809)
            #expect(try await harness.count("orders") == 0)
            try await fire(harness, last: 810.5)
            #expect(try await harness.count("orders") == 1)
            #expect(try await harness.position("SBIN", product: .cnc).netQuantity == 5)  // marketable LIMIT 812 filled at 810.5
            try await fire(harness, last: 811)
            #expect(try await harness.count("orders") == 1)
            let stored = try await harness.store.trade { ledger in try ledger.gtt(triggerID: gtt.triggerID) }
            #expect(stored?.status == .triggered && stored?.firedLeg == "single" && stored?.orderID != nil)
            await #expect(throws: OrderRejection.self) { try await harness.broker.cancelGTT(triggerID: gtt.triggerID, userID: harness.userID) }
        }
    }

    @Test func ocoFiresOnlyOneLeg() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            _ = try await harness.broker.place(
                OrderTicket(exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 5, product: .cnc), userID: harness.userID)
            let oco = GTTTicket(
                strategy: "gtt", kind: .twoLeg, exchange: "NSE", symbol: "SBIN", action: .sell, product: .cnc, quantity: 5, priceType: .limit,
                triggerPrice: 780, price: 779, targetTrigger: 840, targetPrice: 841)
            let gtt = try await harness.broker.placeGTT(oco, userID: harness.userID)
            try await fire(harness, last: 779.5)  // stoploss leg: SELL LIMIT 779, marketable at 779.5
            try await fire(harness, last: 850)  // the target leg never fires after that
            let stored = try await harness.store.trade { ledger in try ledger.gtt(triggerID: gtt.triggerID) }
            #expect(stored?.firedLeg == "stoploss")
            #expect(try await harness.count("orders") == 2)
            #expect(try await harness.position("SBIN", product: .cnc).netQuantity == 0)
        }
    }

    @Test func ocoNeedsTheMarketBetweenItsTriggers() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let wrong = GTTTicket(
                strategy: "gtt", kind: .twoLeg, exchange: "NSE", symbol: "SBIN", action: .sell, product: .cnc, quantity: 5, priceType: .limit,
                triggerPrice: 810, price: 809, targetTrigger: 840, targetPrice: 841)
            await #expect(throws: OrderRejection.self) { try await harness.broker.placeGTT(wrong, userID: harness.userID) }
        }
    }

    @Test func aRefusedOrderRejectsTheGTTOnce() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            // ₹1 crore cannot buy 20,000 SBIN at 810 on CNC.
            let gtt = try await harness.broker.placeGTT(Self.single(810, price: 812, quantity: 20_000), userID: harness.userID)
            try await fire(harness, last: 811)
            let stored = try await harness.store.trade { ledger in try ledger.gtt(triggerID: gtt.triggerID) }
            #expect(stored?.status == .rejected)
            #expect(stored?.rejectionReason?.contains("Insufficient funds") == true)
            #expect(try await harness.count("orders") == 0)
        }
    }

    @Test func modifyCancelAndRestart() async throws {
        try await withHarness { harness in
            try harness.price("SBIN", last: 800)
            let first = try await harness.broker.placeGTT(Self.single(810, price: 812), userID: harness.userID)
            let modified = try await harness.broker.modifyGTT(triggerID: first.triggerID, userID: harness.userID, to: Self.single(820, price: 821))
            #expect(modified.triggerPrice == 820)
            let second = try await harness.broker.placeGTT(Self.single(790, price: 789, action: .buy), userID: harness.userID)
            let cancelled = try await harness.broker.cancelGTT(triggerID: second.triggerID, userID: harness.userID)
            #expect(cancelled.status == .cancelled)
            // A restarted broker watches only the active GTT, with its modified trigger.
            let restarted = SandboxBroker(
                store: harness.store, instruments: harness.broker.instrumentCatalog, prices: harness.prices,
                calendar: try await harness.store.calendar.load(), clock: FixedClock(SandboxHarness.marketOpenNanos), logger: Logger(label: "t"))
            try await restarted.start()
            #expect(restarted.activeGTTCount == 1)
            // Ids continue after the last GTT id too (they share the order-id sequence).
            let next = try await restarted.placeGTT(Self.single(830, price: 831), userID: harness.userID)
            #expect(next.triggerID > second.triggerID)
            _ = try await restarted.cancelGTT(triggerID: next.triggerID, userID: harness.userID)
            let low = try harness.price("SBIN", last: 785)
            await restarted.fireGTTs([low])
            #expect(try await harness.count("orders") == 0)
            let high = try harness.price("SBIN", last: 820)
            await restarted.fireGTTs([high])
            await harness.broker.fireGTTs([high])  // the old broker's stale watch cannot fire it twice
            #expect(try await harness.count("orders") == 1)
        }
    }
}

extension GTTRecord {
    static func testRecord(kind: Kind, trigger: Double, target: Double?, lastPrice: Double) -> GTTRecord {
        GTTRecord(
            rowID: 1, triggerID: "GTT-1", accountID: 1, userID: 1, strategy: "", kind: kind, exchange: "NSE", symbol: "SBIN", instrumentID: 1,
            action: .buy, product: .cnc, quantity: 1, priceType: .limit, triggerPrice: trigger, price: trigger, targetTrigger: target,
            targetPrice: target, lastPrice: lastPrice, status: .active, firedLeg: nil, orderRowID: nil, orderID: nil, rejectionReason: nil,
            expiresAt: nil, createdAt: "", updatedAt: "")
    }
}
