// SPDX-License-Identifier: Apache-2.0
public import Core
public import LuaBridge

/// Runs a strategy file over recorded bars or ticks on a simulated clock.
///
/// The same ``StrategyInstance`` as a live run, the same order validation and fill rules as the
/// sandbox broker (``BacktestMatcher``): only the clock and the prices come from the data. Every
/// step is deterministic — no wall clock, no hash-order iteration, instruction (not time) budgets —
/// so the same inputs give the same fills, byte for byte.
///
/// Order of one step over bars (a bar of one symbol):
/// 1. the clock moves to the bar's end and the symbol's quote to its close; 2. resting orders of the
///    symbol are matched; 3. the bar is delivered, and the declared exits and limits are checked;
///    4. the orders the calls issued are performed, and their updates and fills delivered (which may
///    issue more, performed in turn).
///
/// Over ticks, time passes between two ticks as it does live: before a tick, the bars that ended
/// since the last one close at their end and the timers due before the tick fire at their time, on
/// the prices of before the tick (the live hub's clock closes a bar at its end, not when the next
/// tick comes, so a strategy's order on that bar fills at the market of that moment). Then the
/// clock moves to the tick, the quote to its price, resting orders are matched and the tick is
/// delivered, each followed by step 4.
public final class Backtester {
    /// A bar closed while ticks are replayed, with the symbol it is of and when it ended.
    public struct ClosedBar: Sendable, Equatable {
        public var symbol: StrategySymbol
        public var bar: Bar
        /// Epoch seconds: the bar's start plus its timeframe, or its session's close if earlier.
        public var endSeconds: Int64

        public init(symbol: StrategySymbol, bar: Bar, endSeconds: Int64? = nil) {
            self.symbol = symbol
            self.bar = bar
            self.endSeconds = endSeconds ?? bar.start + Int64(bar.timeframe.seconds)
        }
    }

    public let instance: StrategyInstance
    public let desk: BacktestDesk
    var matcher = BacktestMatcher()
    public private(set) var fills: [StrategyFill] = []
    /// Log lines the strategy wrote (the first `maxLogLines`).
    public private(set) var logs: [StrategyLogLine] = []
    public private(set) var riskEvents: [StrategyRiskEvent] = []
    public var maxLogLines = 10_000
    /// Called after every step with the simulated time, for equity sampling.
    public var afterStep: ((Int64) -> Void)?
    /// Called for every fill, in order.
    public var onFill: ((StrategyFill) -> Void)?

    /// The budget of every callback in a backtest: instructions, so that the verdict is the same on
    /// every machine, plus a generous time limit as a last resort.
    public static let defaultBudget = LuaBudget(time: .seconds(10), instructions: 200_000_000)

    /// Loads the file into a VM seeded for reproducible `math.random`.
    /// - Throws: ``StrategyScriptError``.
    public init(source: String, chunkName: String, desk: BacktestDesk, budget: LuaBudget = Backtester.defaultBudget) throws {
        self.desk = desk
        let configuration = StrategyInstance.Configuration(
            vm: LuaVM.Configuration(budget: budget, randomSeed: 42, clock: desk.simulatedClock.luaClock), maxLogLines: 1_000)
        instance = try StrategyInstance(source: source, chunkName: chunkName, desk: desk, configuration: configuration)
    }

    /// Runs over bars of the strategy's timeframe (or any one timeframe the data has).
    /// - Parameters:
    ///   - bars: Each symbol's bars in time order.
    ///   - parameters: Param overrides for the run.
    /// - Returns: Why the run ended early, if it did (`ctx.stop`, a risk limit).
    /// - Throws: ``StrategyScriptError`` when a callback fails (the run stops there; the fills so far
    ///   remain in ``fills``).
    @discardableResult
    public func run(bars: [StrategySymbol: [Bar]], parameters: [String: LuaValue] = [:]) throws -> String? {
        let symbols = bars.keys.sorted { $0.key < $1.key }
        for symbol in symbols {
            _ = desk.ensureInstrument(symbol)
            if let first = bars[symbol]?.first { instance.preload(bars[symbol] ?? [], of: symbol, timeframe: first.timeframe) }
        }
        desk.nowNanos = symbols.compactMap { bars[$0]?.first?.start }.min().map { $0 * 1_000_000_000 } ?? 0
        try instance.start(parameters: parameters, info: StrategyInstance.RunInfo(mode: "backtest"))
        try settle()
        // Merge the symbols' bars by close time; equal times go in symbol order.
        var cursors = Array(repeating: 0, count: symbols.count)
        let series = symbols.map { bars[$0] ?? [] }
        let instrumentIDs = symbols.map { desk.ensureInstrument($0).id }
        while instance.stopRequest == nil {
            var next: Int?
            if symbols.count == 1 {
                next = cursors[0] < series[0].count ? 0 : nil
            } else {
                for index in symbols.indices where cursors[index] < series[index].count {
                    let end = Self.end(series[index][cursors[index]])
                    if next.map({ end < Self.end(series[$0][cursors[$0]]) }) ?? true { next = index }
                }
            }
            guard let index = next else { break }
            let bar = series[index][cursors[index]]
            let symbol = symbols[index]
            desk.nowNanos = Self.end(bar) * 1_000_000_000
            desk.quotes[symbol] = PriceSnapshot(instrumentID: instrumentIDs[index], lastPrice: bar.close, timestampNanos: desk.nowNanos)
            try perform(matcher.match(symbol, desk: desk))
            try instance.reveal(bar, of: symbol, index: cursors[index], checkExits: true)
            try settle()
            cursors[index] += 1
            // One equity sample per moment: the last symbol's bar of that close time takes it, so
            // N symbols do not make N samples of one period (the Sharpe ratio counts periods).
            let nextAtSameTime = symbols.indices.contains { cursors[$0] < series[$0].count && Self.end(series[$0][cursors[$0]]) == Self.end(bar) }
            if !nextAtSameTime { afterStep?(desk.nowNanos) }
        }
        return try finish()
    }

    /// Runs over ticks: bars of the strategy's timeframe are built from them as the live hub does.
    /// - Parameters:
    ///   - ticks: Every symbol's ticks, in time order.
    ///   - barsDue: For each tick, the bars that ended before it (built by the live hub's
    ///     aggregator and closed by its clock reaching the tick's second), in the order they close.
    ///   - parameters: Param overrides for the run.
    /// - Returns: Why the run ended early, if it did (`ctx.stop`, a risk limit).
    @discardableResult
    public func run(ticks: [StrategyTick], barsDue: [[ClosedBar]], parameters: [String: LuaValue] = [:]) throws -> String? {
        // Each symbol's instrument looked up once, not per tick.
        var instrumentIDs: [StrategySymbol: Int64] = [:]
        for tick in ticks where instrumentIDs[tick.symbol] == nil { instrumentIDs[tick.symbol] = desk.ensureInstrument(tick.symbol).id }
        let declared = Set(instance.declaration.symbols)
        desk.nowNanos = ticks.first?.timeNanos ?? 0
        try instance.start(parameters: parameters, info: StrategyInstance.RunInfo(mode: "backtest"))
        try settle()
        for (index, tick) in ticks.enumerated() {
            try pass(to: tick.timeNanos, closing: index < barsDue.count ? barsDue[index] : [], declared: declared)
            guard instance.stopRequest == nil else { break }
            desk.nowNanos = tick.timeNanos
            let previous = desk.quotes[tick.symbol]
            desk.quotes[tick.symbol] = PriceSnapshot(
                instrumentID: instrumentIDs[tick.symbol] ?? desk.ensureInstrument(tick.symbol).id, lastPrice: tick.lastPrice, bid: tick.bid,
                ask: tick.ask,
                dayLow: min(previous?.dayLow ?? tick.lastPrice, tick.lastPrice), dayHigh: max(previous?.dayHigh ?? tick.lastPrice, tick.lastPrice),
                timestampNanos: tick.timeNanos)
            try perform(matcher.match(tick.symbol, desk: desk))
            // As live: every tick moves its price, but the strategy hears only of the symbols it
            // declares (or of all, when it declares none).
            guard declared.isEmpty || declared.contains(tick.symbol) else {
                try settle()
                afterStep?(desk.nowNanos)
                continue
            }
            try instance.deliver(tick)
            try settle()
            afterStep?(desk.nowNanos)
        }
        return try finish()
    }

    /// Moves the clock up to (not onto) `nanos`: each bar closes at its end and each timer due
    /// before `nanos` fires at its time, in time order (a bar before a timer due at the same time:
    /// a closed bar fires due timers after `on_bar`, as live).
    private func pass(to nanos: Int64, closing bars: [ClosedBar], declared: Set<StrategySymbol>) throws {
        var next = 0
        while instance.stopRequest == nil {
            let barEnd = next < bars.count ? min(bars[next].endSeconds * 1_000_000_000, nanos) : nil
            let timerDue = instance.nextTimerDueNanos.flatMap { $0 < nanos ? $0 : nil }
            if let barEnd, barEnd <= timerDue ?? .max {
                let closed = bars[next]
                next += 1
                desk.nowNanos = max(desk.nowNanos, barEnd)
                guard declared.isEmpty || declared.contains(closed.symbol) else { continue }
                try instance.deliver(closed.bar, of: closed.symbol)
                try settle()
            } else if let timerDue {
                desk.nowNanos = max(desk.nowNanos, timerDue)
                try instance.fireDueTimers()
                try settle()
                // A timer that did not move (no harness yet) must not hold the loop.
                if let again = instance.nextTimerDueNanos, again <= timerDue { break }
            } else {
                break
            }
        }
    }

    /// Calls `on_stop`. Unlike a live stop, it closes nothing: what is still open stays in the
    /// report, marked at the last prices.
    private func finish() throws -> String? {
        let reason = instance.stopRequest
        try instance.stop(reason: reason ?? "end of data")
        try settle()
        return reason
    }

    /// Performs the intents of the last calls and delivers their outcomes, until none are left.
    private func settle() throws {
        var rounds = 0
        while instance.hasOutput {
            rounds += 1
            guard rounds <= 1_000 else { throw StrategyScriptError(.limit, "orders kept issuing more orders (1000 rounds in one step)") }
            for line in instance.drainLogs() where logs.count < maxLogLines { logs.append(line) }
            riskEvents += instance.drainRiskEvents()
            for intent in instance.drainIntents() {
                switch intent {
                case .place(let request):
                    try perform(matcher.place(request, desk: desk))
                case .modify(let ref, let quantity, let priceType, let price, let trigger):
                    try perform(matcher.modify(ref: ref, quantity: quantity, priceType: priceType, price: price, triggerPrice: trigger, desk: desk))
                case .cancel(let ref):
                    try perform(matcher.cancel(ref: ref))
                }
            }
        }
    }

    private func perform(_ outcomes: [BacktestMatcher.Outcome]) throws {
        for outcome in outcomes {
            switch outcome {
            case .update(let update):
                try instance.deliver(update)
            case .fill(let fill, let update):
                fills.append(fill)
                onFill?(fill)
                try instance.deliver(update)
                try instance.deliver(fill)
            }
        }
    }

    static func end(_ bar: Bar) -> Int64 { bar.start + Int64(bar.timeframe.seconds) }
}
