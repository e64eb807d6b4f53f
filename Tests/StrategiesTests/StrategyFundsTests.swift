// SPDX-License-Identifier: Apache-2.0
import Core
import Strategies
import Testing

/// `ctx.funds()` in a backtest: cash and realized P&L from the fills, and the open position marked
/// at the latest price as unrealized P&L.
@Suite("ctx.funds in a backtest")
struct StrategyFundsTests {
    static let source = """
        strategy = { name = "funds", symbols = { "NSE:SBIN" }, timeframe = "1m" }
        local bars = 0
        function on_bar(ctx, bar)
          bars = bars + 1
          if bars == 1 then ctx.buy(nil, 10) end
          if bars == 5 then ctx.sell(nil, 4) end
          local funds = ctx.funds()
          ctx.log(string.format("%d %.2f %.2f %.2f %.2f", bars, bar.close, funds.available, funds.realized, funds.unrealized))
        end
        """

    @Test("unrealized is the open position marked at the bar's close")
    func unrealizedFollowsThePrice() throws {
        let bars = StrategyFixtures.bars(count: 8)
        let environment = BacktestSession.Environment(
            instruments: StrategyFixtures.instruments, calendar: StrategyFixtures.calendar, alwaysOpen: true)
        let outcome = try BacktestSession(source: Self.source, chunkName: "funds.lua", environment: environment, initialCapital: 100_000)
            .run(.bars([StrategyFixtures.sbin: bars]))
        #expect(outcome.failure == nil)
        let rows = outcome.logs.map { $0.message.split(separator: " ").map { Double($0) ?? .nan } }
        #expect(rows.count == 8)
        // A MARKET order fills at once at the bar's close, after the on_bar that placed it: bought
        // 10 at bar 1's close (held from bar 2's call), sold 4 at bar 5's (6 held from bar 6's).
        let entry = bars[0].close
        for row in rows where row.count == 5 {
            let bar = Int(row[0])
            let held: Double = bar < 2 ? 0 : (bar < 6 ? 10 : 6)
            let realized = bar < 6 ? 0 : ((bars[4].close - entry) * 4 * 100).rounded() / 100
            #expect(abs(row[4] - ((row[1] - entry) * held * 100).rounded() / 100) < 0.011, "bar \(bar): \(row)")
            #expect(abs(row[3] - realized) < 0.011, "bar \(bar): \(row)")
        }
        // Something moved: the check is not all zeros.
        #expect(rows.contains { $0.count == 5 && $0[4] != 0 })
    }
}
