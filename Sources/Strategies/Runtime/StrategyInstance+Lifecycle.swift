// SPDX-License-Identifier: Apache-2.0
public import Core
public import LuaBridge

extension StrategyInstance {
    /// Who is running the strategy, for `ctx.strategy`.
    public struct RunInfo: Sendable {
        public var runID: Int64?
        /// `live`, `sandbox` or `backtest`.
        public var mode: String

        public init(runID: Int64? = nil, mode: String) {
            self.runID = runID
            self.mode = mode
        }
    }

    /// Builds `ctx` with the run's parameters and saved state, then calls `on_start`.
    /// - Parameters:
    ///   - overrides: Param values for this run; the rest take their declared defaults.
    ///   - state: The state saved by an earlier run (`ctx.state`), or an empty table.
    /// - Throws: ``StrategyScriptError`` `.parameter` for a bad value (nothing ran), or
    ///   `.callback` when `on_start` fails.
    public func start(parameters overrides: [String: LuaValue] = [:], state: LuaValue = .dictionary([:]), info: RunInfo) throws {
        parameters = try declaration.resolveParameters(overrides)
        let api = makeContextFunctions()
        var infoTable: [LuaValue: LuaValue] = [
            "name": .string(declaration.name), "mode": .string(info.mode),
            "symbols": .array(declaration.symbols.map { .string($0.key) }),
        ]
        if let runID = info.runID { infoTable["run_id"] = .integer(runID) }
        if let timeframe = declaration.timeframe { infoTable["timeframe"] = .string(timeframe.rawValue) }
        let harnessChunk = try vm.load(StrategyHarness.source, name: StrategyHarness.name)
        let built = try vm.run(harnessChunk, with: [.dictionary(api), .dictionary(infoTable)])
        guard case .function(let setup)? = built.first?["setup"], case .function(let tick)? = built.first?["tick"],
            case .function(let bar)? = built.first?["bar"], case .function(let call)? = built.first?["call"],
            case .function(let stateGetter)? = built.first?["state"]
        else { throw StrategyScriptError(.callback, field: "harness", "the runtime's harness did not load") }
        harness = Harness(setup: setup, tick: tick, bar: bar, call: call, state: stateGetter)
        let params = LuaValue.dictionary(Dictionary(uniqueKeysWithValues: parameters.map { (LuaValue.string($0.key), $0.value.lua) }))
        let savedState: LuaValue = if case .dictionary = state { state } else { .dictionary([:]) }
        try invoke(setup, [params, savedState], callback: "start")
        if let function = callbacks[.onStart] { try invoke(call, [.function(function), .nil], callback: "on_start") }
    }

    /// A price of one of the strategy's symbols: `on_tick`, then the declared exits, the `exit` rule
    /// and the risk limits, then due timers.
    public func deliver(_ tick: StrategyTick) throws {
        guard let harness else { return }
        book.observe(tick.symbol, price: tick.lastPrice)
        if let function = callbacks[.onTick] {
            try invoke(
                harness.tick,
                [
                    .function(function), .string(tick.symbol.symbol), .string(tick.symbol.exchange), .number(tick.lastPrice), .number(tick.bid),
                    .number(tick.ask), .integer(tick.volume), .number(Double(tick.timeNanos) / 1e9),
                ], callback: "on_tick")
        }
        try checkExits(tick.symbol, price: tick.lastPrice)
        try checkUndeclaredPositions()
        try fireDueTimers()
    }

    /// Positions in symbols the strategy does not declare (entered legs) get no ticks of their own;
    /// their exits are checked on every tick the strategy does get, at the desk's last price.
    func checkUndeclaredPositions() throws {
        guard book.hasOpenPositions(outside: declaration.symbols) else { return }
        for position in book.open where !declaration.symbols.contains(position.symbol) {
            guard let price = desk.quote(position.symbol)?.lastPrice, price > 0 else { continue }
            book.observe(position.symbol, price: price)
            try checkExits(position.symbol, price: price)
        }
    }

    /// A closed bar: stored for `ctx.bars` and the indicators, and given to `on_bar` when it is of
    /// the strategy's timeframe.
    /// - Parameter checkExits: True when bars are the only prices (a backtest over bars): the
    ///   declared exits and limits are then checked at the bar's close.
    public func deliver(_ bar: Bar, of symbol: StrategySymbol, checkExits: Bool = false) throws {
        seriesFor(symbol, bar.timeframe).append(bar)
        try barClosed(bar, of: symbol, checkExits: checkExits)
    }

    /// Stores a whole series up front (a backtest); ``reveal(_:of:index:checkExits:)`` then plays it.
    public func preload(_ bars: [Bar], of symbol: StrategySymbol, timeframe: Timeframe) {
        seriesFor(symbol, timeframe).preload(bars)
    }

    /// Shows preloaded bar `index` and delivers it as ``deliver(_:of:checkExits:)`` would.
    public func reveal(_ bar: Bar, of symbol: StrategySymbol, index: Int, checkExits: Bool = false) throws {
        seriesFor(symbol, bar.timeframe).reveal(through: index)
        try barClosed(bar, of: symbol, checkExits: checkExits)
    }

    /// Seeds history (closed bars before the run) without calling `on_bar`.
    public func seed(_ bars: [Bar], of symbol: StrategySymbol) {
        for bar in bars { seriesFor(symbol, bar.timeframe).append(bar) }
    }

    private func barClosed(_ bar: Bar, of symbol: StrategySymbol, checkExits check: Bool) throws {
        guard let harness else { return }
        if check { book.observe(symbol, price: bar.close) }
        if bar.timeframe == declaration.timeframe, let function = callbacks[.onBar] {
            try invoke(
                harness.bar,
                [
                    .function(function), .string(symbol.symbol), .string(symbol.exchange), .string(bar.timeframe.rawValue), .integer(bar.start),
                    .number(bar.open), .number(bar.high), .number(bar.low), .number(bar.close), .integer(bar.volume),
                ], callback: "on_bar")
        }
        if check {
            try checkExits(symbol, price: bar.close)
            try checkUndeclaredPositions()
        }
        try fireDueTimers()
    }

    /// What became of an order: `on_order`.
    public func deliver(_ update: StrategyOrderUpdate) throws {
        if OrderStatus(rawValue: update.status)?.isFinal == true {
            // Not filled whole: the symbol may be closed again.
            if let order = orders.removeValue(forKey: update.ref), update.filledQuantity < order.request.quantity {
                exiting.remove(order.request.symbol)
            }
        } else {
            orders[update.ref]?.orderID = update.orderID
            orders[update.ref]?.status = update.status
        }
        guard let harness, let function = callbacks[.onOrder] else { return }
        var table: [LuaValue: LuaValue] = [
            "ref": .integer(update.ref), "orderid": .string(update.orderID), "symbol": .string(update.symbol.symbol),
            "exchange": .string(update.symbol.exchange), "action": .string(update.action.rawValue), "quantity": .integer(update.quantity),
            "status": .string(update.status), "filled_quantity": .integer(update.filledQuantity), "average_price": .number(update.averagePrice),
            "tag": .string(update.tag),
        ]
        if !update.reason.isEmpty { table["reason"] = .string(update.reason) }
        try invoke(harness.call, [.function(function), .dictionary(table)], callback: "on_order")
    }

    /// A trade on one of the strategy's orders: the book first, then `on_fill`.
    public func deliver(_ fill: StrategyFill) throws {
        book.apply(symbol: fill.symbol, action: fill.action, quantity: fill.quantity, price: fill.price, timeNanos: fill.timeNanos)
        if book.position(fill.symbol).quantity == 0 { exiting.remove(fill.symbol) }
        guard let harness, let function = callbacks[.onFill] else { return }
        let position = book.position(fill.symbol)
        let table: LuaValue = [
            "ref": .integer(fill.ref), "orderid": .string(fill.orderID), "symbol": .string(fill.symbol.symbol),
            "exchange": .string(fill.symbol.exchange), "action": .string(fill.action.rawValue), "quantity": .integer(fill.quantity),
            "price": .number(fill.price), "time": .number(Double(fill.timeNanos) / 1e9), "tag": .string(fill.tag),
            "position": .integer(position.quantity),
        ]
        try invoke(harness.call, [.function(function), table], callback: "on_fill")
    }

    /// Calls `on_stop` (if defined) with the reason; the driver then closes what it must.
    public func stop(reason: String) throws {
        guard let harness, let function = callbacks[.onStop] else { return }
        try invoke(harness.call, [.function(function), .string(reason)], callback: "on_stop")
    }

    /// `ctx.state` as JSON, to persist it.
    /// - Throws: ``StrategyScriptError`` when the state holds something JSON cannot (a function).
    public func stateJSON() throws -> String {
        guard let harness else { return "{}" }
        let state = try invoke(harness.state, [], callback: "state").first ?? .nil
        do {
            let text = try LuaJSON.encode(state == .nil || state == .array([]) ? .dictionary([:]) : state)
            return text.hasPrefix("{") ? text : "{}"
        } catch {
            throw StrategyScriptError(.callback, field: "ctx.state", "cannot be saved: \(error)")
        }
    }

    /// Fires timers whose time has come (by ``StrategyDesk/nowNanos``), in due order.
    public func fireDueTimers() throws {
        guard !timers.isEmpty, let harness else { return }
        let now = desk.nowNanos
        while let (name, timer) = timers.lazy.filter({ $0.value.dueNanos <= now }).min(by: {
            ($0.value.dueNanos, $0.key) < ($1.value.dueNanos, $1.key)
        }) {
            if let interval = timer.intervalNanos {
                var next = timer.dueNanos + interval
                if next <= now { next = now + interval - (now - timer.dueNanos) % interval }
                timers[name]?.dueNanos = next
            } else {
                timers[name] = nil
            }
            if let function = callbacks[.onTimer] { try invoke(harness.call, [.function(function), .string(name)], callback: "on_timer") }
        }
    }

    /// When the next timer is due, for a driver that sleeps between events.
    public var nextTimerDueNanos: Int64? { timers.values.lazy.map(\.dueNanos).min() }
}
