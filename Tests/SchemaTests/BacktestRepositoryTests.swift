// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import GRDB
import Testing

@testable import Schema

@Suite("Backtest repository")
struct BacktestRepositoryTests {
    static let hash = String(repeating: "b", count: 64)

    static func summary(
        userID: Int64?, strategyID: Int64?, name: String, tradeCount: Int, sweepID: String? = nil, tradesSHA256: String = hash
    ) -> BacktestRunRecord {
        BacktestRunRecord(
            userID: userID, strategyID: strategyID, strategyName: name, sourceSHA256: hash, paramsJSON: #"{"fast":9}"#,
            symbols: ["NSE:SBIN", "NSE:INFY"], timeframe: .m5, dataSource: "hub", fromTime: "2026-01-01T00:00:00.000Z",
            toTime: "2026-02-01T00:00:00.000Z", initialCapital: 1_000_000, bars: 12_345, ticks: 0, tradeCount: tradeCount, netPnL: 1234.5,
            maxDrawdown: 321.25, winRate: 0.55, profitFactor: nil, sharpe: 1.4, tradesSHA256: tradesSHA256, sweepID: sweepID,
            reportJSON: #"{"equity":[[0,1000000],[1,1001234.5]]}"#, elapsedMillis: 87)
    }

    /// `count` alternating buys and sells a minute apart, with awkward prices.
    static func trades(_ count: Int) -> [BacktestTradeRecord] {
        (1...max(1, count)).prefix(count).map { seq in
            let buy = seq % 2 == 1
            return BacktestTradeRecord(
                seq: seq, tradedAt: HubTimestamp.utc(secondsSinceEpoch: 1_767_225_600 + Int64(seq) * 60), exchange: "NSE",
                symbol: seq % 3 == 0 ? "INFY" : "SBIN", action: buy ? .buy : .sell, quantity: 10, price: 100 + Double(seq % 97) / 7,
                positionAfter: buy ? 10 : 0, realizedPnL: buy ? 0 : Double(seq % 13) - 6.1, tag: seq % 5 == 0 ? "exit" : "")
        }
    }

    @Test("a backtest saves with 10,000 trades in one transaction and reads back exactly")
    func roundTrip() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let strategy = try await store.strategies.create(userID: users.alice, name: "ema", source: "return 1", origin: .api)
            let trades = Self.trades(10_000)
            let digest = String(repeating: "ab", count: 32)
            let summary = Self.summary(userID: users.alice, strategyID: strategy.id, name: "ema", tradeCount: trades.count, tradesSHA256: digest)

            let clock = ContinuousClock()
            var id: Int64 = 0
            let elapsed = try await clock.measure { id = try await store.backtests.save(run: summary, trades: trades) }
            print("saved 10,000 backtest trades in \(elapsed)")

            var expected = summary
            let stored = try #require(try await store.backtests.run(id: id))
            expected.id = id
            expected.createdAt = stored.createdAt
            #expect(stored == expected)
            #expect(try await store.backtests.trades(runID: id) == trades)

            let listed = try #require(try await store.backtests.runs().first)
            #expect(listed.reportJSON == nil && listed.tradeCount == 10_000)

            try await store.backtests.delete(runID: id)
            #expect(try await store.backtests.run(id: id) == nil)
            #expect(try await store.scalar("SELECT count(*) FROM backtest_trades", as: Int.self) == 0)
            let again = try await #require(throws: StoreError.self) { try await store.backtests.delete(runID: id) }
            #expect(again.code == .notFound)
        }
    }

    @Test("lists are newest first and filter by user, strategy name and sweep")
    func lists() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            var ids: [Int64] = []
            for (user, name, sweep) in [(users.alice, "ema", "S1"), (users.alice, "ema", "S1"), (users.bob, "rsi", nil), (nil, "ema", nil)] {
                ids.append(
                    try await store.backtests.save(
                        run: Self.summary(userID: user, strategyID: nil, name: name, tradeCount: 0, sweepID: sweep), trades: []))
            }
            #expect(try await store.backtests.runs().map(\.id) == ids.reversed())
            #expect(try await store.backtests.runs(limit: 2).map(\.id) == [ids[3], ids[2]])
            #expect(try await store.backtests.runs(userID: users.alice).map(\.id) == [ids[1], ids[0]])
            #expect(try await store.backtests.runs(strategyName: "ema").map(\.id) == [ids[3], ids[1], ids[0]])
            #expect(try await store.backtests.runs(sweepID: "S1").map(\.id) == [ids[1], ids[0]])
            #expect(try await store.backtests.runs(userID: users.bob, strategyName: "ema").isEmpty)
            #expect(try await store.backtests.run(id: ids[3])?.userID == nil)
        }
    }

    @Test("the schema refuses a save that does not add up, and nothing of it stays")
    func refused() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let mismatch = try await #require(throws: StoreError.self) {
                try await store.backtests.save(
                    run: Self.summary(userID: users.alice, strategyID: nil, name: "ema", tradeCount: 3), trades: Self.trades(2))
            }
            #expect(mismatch.code == .constraint)

            var badTime = Self.trades(3)
            badTime[2].tradedAt = "2026-01-02 09:15:00"
            let time = try await #require(throws: StoreError.self) {
                try await store.backtests.save(run: Self.summary(userID: users.alice, strategyID: nil, name: "ema", tradeCount: 3), trades: badTime)
            }
            #expect(time.code == .constraint)

            var renumbered = Self.trades(3)
            renumbered[2].seq = 4
            await #expect(throws: StoreError.self) {
                try await store.backtests.save(
                    run: Self.summary(userID: users.alice, strategyID: nil, name: "ema", tradeCount: 3), trades: renumbered)
            }
            let foreign = try await store.strategies.create(userID: users.bob, name: "bob", source: "return 1", origin: .api)
            await #expect(throws: StoreError.self) {
                try await store.backtests.save(run: Self.summary(userID: users.alice, strategyID: foreign.id, name: "bob", tradeCount: 0), trades: [])
            }
            #expect(try await store.scalar("SELECT count(*) FROM backtest_runs", as: Int.self) == 0)
            #expect(try await store.scalar("SELECT count(*) FROM backtest_trades", as: Int.self) == 0)
        }
    }
}
