// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import LuaBridge
import Strategies
import Testing

/// The example files in `strategies/` load, declare what their docs say, and trade over a seeded
/// session of bars, the same way twice. (The end-to-end suite replays tick files through them live
/// and in the backtester.)
@Suite struct ExampleStrategyTests {
    static let folder = StrategyFixtures.examplesFolder

    static func source(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    @Test(arguments: [
        ("ema_crossover.lua", "EMA crossover"), ("supertrend_trend.lua", "Supertrend trend"), ("rsi_mean_reversion.lua", "RSI mean reversion"),
        ("opening_range_breakout.lua", "Opening range breakout"), ("custom_exit_rule.lua", "Breakout with custom exit"),
    ])
    func barStrategiesTradeDeterministically(file: String, name: String) throws {
        let source = try Self.source(file)
        let bars = StrategyFixtures.bars(count: 1_500, seed: 5)
        func run() throws -> [StrategyFill] {
            let backtester = try Backtester(source: source, chunkName: file, desk: StrategyFixtures.desk())
            try backtester.run(bars: [StrategyFixtures.sbin: bars])
            #expect(backtester.instance.declaration.name == name)
            return backtester.fills
        }
        let first = try run()
        #expect(!first.isEmpty, "\(file) never traded over 1,500 bars")
        #expect(try run() == first)
    }

    @Test func customExitRuleClosesThroughTheRule() throws {
        let backtester = try Backtester(
            source: try Self.source("custom_exit_rule.lua"), chunkName: "custom_exit_rule.lua", desk: StrategyFixtures.desk())
        try backtester.run(bars: [StrategyFixtures.sbin: StrategyFixtures.bars(count: 1_500, seed: 5)])
        #expect(backtester.fills.contains { $0.tag == "exit:rule" })
        #expect(backtester.riskEvents.contains { $0.type == "exit_rule" })
    }

    @Test func openingRangeTradesAtMostOncePerDay() throws {
        let backtester = try Backtester(
            source: try Self.source("opening_range_breakout.lua"), chunkName: "opening_range_breakout.lua", desk: StrategyFixtures.desk())
        try backtester.run(bars: [StrategyFixtures.sbin: StrategyFixtures.bars(count: 375, seed: 9)])
        let entries = backtester.fills.filter { $0.tag.hasPrefix("breakout") }
        #expect(entries.count <= 1)
    }

    @Test func shortStraddleDeclaresItsLegsAndRisk() throws {
        let declaration = try StrategyInstance.check(
            source: try Self.source("short_straddle.lua"), chunkName: "short_straddle.lua", desk: StrategyFixtures.desk())
        #expect(declaration.legs.map(\.name) == ["short_ce", "short_pe"])
        #expect(declaration.legs.allSatisfy { $0.action == .sell && $0.strike == .relative(0) && $0.expiry == .currentWeek })
        #expect(declaration.risk.maxLoss == 5000)
        #expect(declaration.risk.maxProfit == 3000)
    }
}
