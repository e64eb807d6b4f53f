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

    /// Over ticks, a bar closes at its end, before the next tick moves the price (as the live hub's
    /// clock closes it), and a timer fires at its time between two ticks.
    @Test func tickRunClosesBarsAtTheirEndAndFiresTimersBetweenTicks() throws {
        let source = """
            strategy = { name = "first bar", symbols = { "NSE:SBIN" }, timeframe = "1m" }
            function on_start(ctx) ctx.after(30, "sell") end
            function on_bar(ctx, bar)
              if not ctx.state.bought then
                ctx.state.bought = true
                ctx.buy(bar.symbol, 5, { tag = "bar " .. bar.close })
              end
            end
            function on_timer(ctx, name) ctx.sell("NSE:SBIN", 5, { tag = name }) end
            """
        let start: Int64 = 1_762_059_600  // 2026-11-02 10:30 IST, a whole minute
        func tick(_ second: Int64, _ price: Double) -> StrategyTick {
            StrategyTick(
                symbol: StrategyFixtures.sbin, lastPrice: price, bid: price - 0.05, ask: price + 0.05, timeNanos: (start + second) * 1_000_000_000)
        }
        let ticks = [tick(5, 100), tick(55, 101), tick(65, 105), tick(115, 107)]
        let bar = Bar(instrumentID: 1, timeframe: .m1, start: start, open: 100, high: 101, low: 100, close: 101, volume: 0)
        let backtester = try Backtester(source: source, chunkName: "first_bar.lua", desk: StrategyFixtures.desk())
        try backtester.run(ticks: ticks, barsDue: [[], [], [Backtester.ClosedBar(symbol: StrategyFixtures.sbin, bar: bar)], []])
        let fills = backtester.fills.map { ($0.action, $0.price, $0.timeNanos / 1_000_000_000 - start, $0.tag) }
        // The buy at the ask of the 10:30:55 tick, at 10:31:00; the timer's sell at 10:30:35 came
        // first, at the bid of the 10:30:05 tick.
        #expect(fills.count == 2)
        #expect(fills.first! == (.sell, 99.95, 35, "sell"))
        #expect(fills.last! == (.buy, 101.05, 60, "bar 101.0"))
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
