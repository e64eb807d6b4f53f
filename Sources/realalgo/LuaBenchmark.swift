// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Core
import Foundation
import LuaBridge
import MarketData
import Strategies

/// `realalgo bench lua`: how fast the strategy runtime delivers ticks into one VM (a trivial
/// `on_tick`, then an EMA crossover computed in Lua), and how fast the backtester runs an EMA
/// crossover over one-minute bars.
struct LuaBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lua", abstract: "Ticks per second into one Lua strategy, and backtest bars per second.")

    @Option(help: "Ticks delivered in each dispatch run.")
    var ticks = 2_000_000

    @Option(help: "One-minute bars in the backtest run.")
    var bars = 1_000_000

    @Option(help: "Write the backtest's bars to this CSV (timestamp,open,high,low,close,volume) for comparison runs.")
    var writeBars: String?

    @Flag(help: "Print one JSON object instead of readable figures.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Also run the same rules in backtrader with this Python (which has backtrader installed), over the same bars, and compare.",
            valueName: "python"))
    var backtrader: String?

    @Option(help: ArgumentHelp("The backtrader reference script.", valueName: "path"))
    var backtraderScript = "e2e/backtrader_reference.py"

    static let symbol = StrategySymbol(exchange: "NSE", symbol: "BENCH")

    static let trivial = """
        strategy = { name = "trivial", symbols = { "NSE:BENCH" } }
        local count = 0
        function on_tick(ctx, tick) count = count + 1 end
        """

    /// The EMA-crossover rules in plain Lua on every tick (the per-tick cost of a real strategy).
    static let emaTicks = """
        strategy = { name = "ema ticks", symbols = { "NSE:BENCH" } }
        local fast, slow, k_fast, k_slow = nil, nil, 2 / 10, 2 / 22
        local above = nil
        local signals = 0
        function on_tick(ctx, tick)
          local price = tick.ltp
          if fast == nil then fast, slow = price, price return end
          fast = (price - fast) * k_fast + fast
          slow = (price - slow) * k_slow + slow
          local now_above = fast > slow
          if above ~= nil and now_above ~= above then signals = signals + 1 end
          above = now_above
        end
        """

    /// The EMA crossover of the backtest: TA-Lib EMAs from `ctx.ema`, reversing between ±qty.
    static let emaBars = """
        strategy = {
          name = "EMA crossover", symbols = { "NSE:BENCH" }, timeframe = "1m",
          params = { fast = { default = 9, min = 2 }, slow = { default = 21, min = 3 }, qty = 10 },
          risk = { max_orders_per_minute = 1000 },
        }
        function on_bar(ctx, bar)
          local fast, fast_prev = ctx.ema(ctx.params.fast)
          local slow, slow_prev = ctx.ema(ctx.params.slow)
          if not slow_prev then return end
          local position = ctx.position().quantity
          if ctx.crossover(fast, fast_prev, slow, slow_prev) and position <= 0 then
            ctx.buy(nil, ctx.params.qty - position)
          elseif ctx.crossunder(fast, fast_prev, slow, slow_prev) and position >= 0 then
            ctx.sell(nil, ctx.params.qty + position)
          end
        end
        """

    func run() throws {
        var report = BenchmarkReport(title: "Lua strategies (\(BenchmarkReport.buildKind))")
        report.notes.append("dispatch: \(ticks) ticks of one symbol into one VM; backtest: EMA(9/21) crossover over \(bars) one-minute bars")
        for (key, label, source) in [("dispatch_trivial", "trivial on_tick", Self.trivial), ("dispatch_ema", "EMA-crossover on_tick", Self.emaTicks)]
        {
            let rate = try dispatch(source)
            report.add(key + "_ticks_per_s", label, rate, unit: "ticks/s")
        }
        let series = Self.randomWalk(count: bars)
        if let writeBars { try Self.write(series, to: writeBars) }
        let (elapsed, fills, hash) = try backtest(series)
        report.add("backtest_bars_per_s", "backtest", Double(bars) / elapsed, unit: "bars/s")
        report.add("backtest_seconds", "backtest time", elapsed, unit: "s")
        report.add("backtest_fills", "backtest fills", Double(fills.count), unit: "fills")
        report.notes.append("backtest trade list sha256: \(hash)")
        if let backtrader {
            let comparison = try BacktraderComparison(python: backtrader, script: backtraderScript).run(series, realAlgoFills: fills)
            report.add("backtrader_seconds", "backtrader time", comparison.seconds, unit: "s")
            report.add("backtrader_bars_per_s", "backtrader", Double(bars) / comparison.seconds, unit: "bars/s")
            report.add("backtrader_fills", "backtrader fills", Double(comparison.fills), unit: "fills")
            report.add("speed_ratio", "RealAlgo ÷ backtrader speed", comparison.seconds / elapsed, unit: "×")
            report.add("identical_trades", "identical trade lists", comparison.identical ? 1 : 0, unit: comparison.identical ? "(yes)" : "(NO)")
            if let difference = comparison.firstDifference { report.notes.append("first difference: \(difference)") }
        }
        report.print(json: json)
    }

    private func desk() -> BacktestDesk {
        let calendar = TradingCalendar(templates: [], holidays: [], specialSessions: [])
        return BacktestDesk(instruments: InstrumentDirectory([]), calendar: calendar, initialCapital: 10_000_000, alwaysOpen: true)
    }

    /// Ticks per second through ``StrategyInstance/deliver(_:)`` (the runner's per-tick path).
    private func dispatch(_ source: String) throws -> Double {
        let desk = desk()
        let instance = try StrategyInstance(source: source, chunkName: "bench.lua", desk: desk)
        try instance.start(info: StrategyInstance.RunInfo(mode: "bench"))
        var generator = SeededGenerator(seed: 1)
        var price = 100.0
        let prices = (0..<4096).map { _ -> Double in
            price += Double(Int.random(in: -5...5, using: &generator)) * 0.05
            return max(1, price)
        }
        let start = ContinuousClock.now
        for index in 0..<ticks {
            try instance.deliver(StrategyTick(symbol: Self.symbol, lastPrice: prices[index & 4095], timeNanos: Int64(index) * 1_000_000))
        }
        let elapsed = (ContinuousClock.now - start).inSeconds
        return Double(ticks) / elapsed
    }

    /// The backtest as `realalgo backtest` runs it (a ``BacktestSession``: the ledger, the equity
    /// curve, the report), so its time and its `trades_sha256` are the command's.
    private func backtest(_ series: [Bar]) throws -> (Double, [BacktestFill], String) {
        let calendar = TradingCalendar(templates: [], holidays: [], specialSessions: [])
        let environment = BacktestSession.Environment(instruments: InstrumentDirectory([]), calendar: calendar, alwaysOpen: true)
        let session = BacktestSession(source: Self.emaBars, chunkName: "ema_cross.lua", environment: environment, initialCapital: 10_000_000)
        let start = ContinuousClock.now
        let outcome = try session.run(.bars([Self.symbol: series]))
        let elapsed = (ContinuousClock.now - start).inSeconds
        if let failure = outcome.failure { throw BacktestError("the benchmark strategy failed: \(failure)") }
        return (elapsed, outcome.fills, outcome.report.tradesSHA256)
    }

    static func randomWalk(count: Int) -> [Bar] {
        var generator = SeededGenerator(seed: 20_261_121)
        var price = 1_000.0
        var bars: [Bar] = []
        bars.reserveCapacity(count)
        for index in 0..<count {
            let open = price
            price = max(1, ((price + Double(Int.random(in: -40...40, using: &generator)) * 0.05) / 0.05).rounded() * 0.05)
            bars.append(
                Bar(
                    instrumentID: -1, timeframe: .m1, start: 1_700_000_000 + Int64(index) * 60, open: open, high: max(open, price),
                    low: min(open, price),
                    close: price, volume: 100))
        }
        return bars
    }

    static func write(_ bars: [Bar], to path: String) throws {
        var text = "timestamp,open,high,low,close,volume\n"
        for bar in bars { text += "\(bar.start),\(bar.open),\(bar.high),\(bar.low),\(bar.close),\(bar.volume)\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
