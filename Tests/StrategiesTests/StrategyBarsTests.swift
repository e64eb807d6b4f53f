// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import Strategies
import Testing

/// `ctx.bars`: the last n closed bars, oldest first, in each of its call forms.
@Suite("ctx.bars")
struct StrategyBarsTests {
    static let source = """
        strategy = { name = "bars", symbols = { "NSE:SBIN" }, timeframe = "1m" }
        local function closes(list)
          local parts = {}
          for i = 1, #list do parts[i] = string.format("%.2f", list[i].close) end
          return table.concat(parts, ",")
        end
        function on_bar(ctx, bar)
          ctx.log(closes(ctx.bars(3)), closes(ctx.bars(nil, 3)), closes(ctx.bars("NSE:SBIN", "1m", 3)), #ctx.bars())
        end
        """

    @Test("ctx.bars(n), ctx.bars(nil, n) and ctx.bars(symbol, timeframe, n) agree")
    func forms() throws {
        let bars = StrategyFixtures.bars(count: 5)
        let environment = BacktestSession.Environment(
            instruments: StrategyFixtures.instruments, calendar: StrategyFixtures.calendar, alwaysOpen: true)
        let outcome = try BacktestSession(source: Self.source, chunkName: "bars.lua", environment: environment).run(
            .bars([StrategyFixtures.sbin: bars]))
        #expect(outcome.failure == nil)
        let last = outcome.logs.last.map { $0.message.split(separator: " ").map(String.init) } ?? []
        let expected = bars.suffix(3).map { String(format: "%.2f", $0.close) }.joined(separator: ",")
        #expect(last == [expected, expected, expected, "5"])
    }
}
