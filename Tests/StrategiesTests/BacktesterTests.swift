// SPDX-License-Identifier: Apache-2.0
import Core
import Indicators
import LuaBridge
import Strategies
import Testing

@Suite struct BacktesterTests {
    @Test func emaCrossoverTradesExactlyWhereTheTALibSeriesCross() throws {
        let bars = StrategyFixtures.bars(count: 2_000)
        let backtester = try Backtester(source: StrategyFixtures.emaCross, chunkName: "ema_cross.lua", desk: StrategyFixtures.desk())
        try backtester.run(bars: [StrategyFixtures.sbin: bars])
        // The same rule computed directly on TA-Lib-exact series.
        let closes = bars.map(\.close)
        let fast = try TA.ema(closes, period: 9)
        let slow = try TA.ema(closes, period: 21)
        var expected: [(Int, OrderAction)] = []
        var position: Int64 = 0
        for index in 1..<bars.count where slow[index - 1].isFinite {
            if fast[index - 1] <= slow[index - 1] && fast[index] > slow[index] && position <= 0 {
                expected.append((index, .buy))
                position = 10
            } else if fast[index - 1] >= slow[index - 1] && fast[index] < slow[index] && position >= 0 {
                expected.append((index, .sell))
                position = -10
            }
        }
        #expect(expected.count > 10)
        // Opening at the end: the final stop does not close positions by itself.
        let fills = backtester.fills
        #expect(fills.count == expected.count)
        for (fill, (index, action)) in zip(fills, expected) {
            #expect(fill.action == action)
            #expect(fill.price == bars[index].close)
            #expect(fill.timeNanos == (bars[index].start + 60) * 1_000_000_000)
        }
        #expect(fills.first?.quantity == 10)
        #expect(fills.dropFirst().allSatisfy { $0.quantity == 20 })
    }

    @Test func sameInputsGiveTheSameFills() throws {
        let bars = StrategyFixtures.bars(count: 1_000, seed: 11)
        func run() throws -> [StrategyFill] {
            let backtester = try Backtester(source: StrategyFixtures.emaCross, chunkName: "ema_cross.lua", desk: StrategyFixtures.desk())
            try backtester.run(bars: [StrategyFixtures.sbin: bars], parameters: ["fast": 5, "slow": 13])
            return backtester.fills
        }
        #expect(try run() == run())
    }

    @Test func paramsOutOfRangeAreRefusedBeforeAnythingRuns() throws {
        let backtester = try Backtester(source: StrategyFixtures.emaCross, chunkName: "ema_cross.lua", desk: StrategyFixtures.desk())
        let error = #expect(throws: StrategyScriptError.self) {
            try backtester.run(bars: [StrategyFixtures.sbin: StrategyFixtures.bars(count: 10)], parameters: ["fast": 1])
        }
        #expect(error?.kind == .parameter)
        #expect(error?.field == "params.fast")
        #expect(backtester.fills.isEmpty)
    }
}
