// SPDX-License-Identifier: Apache-2.0
import Core
public import LuaBridge

/// One strategy file loaded into its own ``LuaVM``, with its `ctx`, its book and its outboxes.
///
/// The same type runs a strategy live (driven by the host's serial executor) and in a backtest
/// (driven by the simulated clock): the driver delivers events, then drains the order intents,
/// log lines and risk events the call produced and performs them. Not `Sendable`: one driver owns
/// it. A thrown ``StrategyScriptError`` means the strategy must stop; the VM stays usable for
/// `on_stop`.
public final class StrategyInstance {
    /// Settings for the VM and the runtime.
    public struct Configuration: Sendable {
        public var vm: LuaVM.Configuration
        /// Most log lines kept per drain (a logging loop cannot exhaust memory).
        public var maxLogLines: Int
        /// The longest log message kept, in characters.
        public var maxLogMessage: Int

        public init(
            vm: LuaVM.Configuration = LuaVM.Configuration(budget: LuaBudget(time: .milliseconds(500))), maxLogLines: Int = 1_000,
            maxLogMessage: Int = 2_000
        ) {
            self.vm = vm
            self.maxLogLines = maxLogLines
            self.maxLogMessage = maxLogMessage
        }
    }

    public let declaration: StrategyDeclaration
    public let chunkName: String
    public let vm: LuaVM
    let desk: any StrategyDesk
    let configuration: Configuration
    let chunk: LuaChunk
    var callbacks: [StrategyCallback: LuaFunctionRef] = [:]
    var harness: Harness?

    public internal(set) var book = StrategyBook()
    public internal(set) var parameters: [String: StrategyParameter.ParameterValue] = [:]
    var orders: [Int64: TrackedOrder] = [:]
    var nextRef: Int64 = 1
    var intents: [StrategyIntent] = []
    var logs: [StrategyLogLine] = []
    var droppedLogs = 0
    var riskEvents: [StrategyRiskEvent] = []
    var series: [SeriesKey: BarSeries] = [:]
    /// The declared timeframe's series of the only symbol (the common case), found without hashing.
    var defaultSeries: BarSeries?
    /// Symbol arguments already resolved, by the text the script passed.
    var resolvedSymbols: [String: StrategySymbol] = [:]
    var indicators = IndicatorCache()
    var timers: [String: StrategyTimer] = [:]
    var recentOrderTimes: [Int64] = []
    var ordersThisCall = 0
    var entriesToday: (day: Int, count: Int) = (0, 0)
    /// Symbols with an exit order in flight, so an exit fires once.
    var exiting: Set<StrategySymbol> = []
    /// Each entered leg's contract, fixed for the run.
    public internal(set) var legSymbols: [String: StrategySymbol] = [:]
    /// Set by `ctx.stop(reason)` or a risk limit: the driver stops the run after this call.
    public internal(set) var stopRequest: String?

    struct Harness {
        let setup: LuaFunctionRef
        let tick: LuaFunctionRef
        let bar: LuaFunctionRef
        let call: LuaFunctionRef
        let state: LuaFunctionRef
    }

    struct SeriesKey: Hashable {
        let symbol: StrategySymbol
        let timeframe: Timeframe
    }

    /// The series of `symbol` and `timeframe`, created empty on first use.
    func seriesFor(_ symbol: StrategySymbol, _ timeframe: Timeframe) -> BarSeries {
        let key = SeriesKey(symbol: symbol, timeframe: timeframe)
        if let existing = series[key] { return existing }
        let made = BarSeries(id: series.count + 1)
        series[key] = made
        if declaration.symbols.count == 1, symbol == declaration.symbols[0], timeframe == declaration.timeframe { defaultSeries = made }
        return made
    }

    /// A working order the strategy issued, as the runtime knows it (removed once final).
    struct TrackedOrder {
        var request: StrategyOrderRequest
        var orderID = ""
        var status = "pending"
        /// An order that flattens a position (`ctx.close`, `close_all`, an exit, a stop): never
        /// cancelled by a later close, which would leave the position open.
        var isClose = false
    }

    /// Loads `source`, runs its top level and reads its declaration.
    /// - Throws: ``StrategyScriptError`` `.syntax` (with the line), `.declaration`, or `.callback`
    ///   for an error in the file's top level.
    public init(source: String, chunkName: String, desk: any StrategyDesk, configuration: Configuration = Configuration()) throws {
        self.chunkName = chunkName
        self.desk = desk
        self.configuration = configuration
        let vm = try LuaVM(configuration: configuration.vm)
        self.vm = vm
        let loaded: LuaChunk
        let results: [LuaValue]
        do {
            loaded = try vm.load(source, name: chunkName)
            results = try vm.run(loaded)
        } catch let error as LuaError {
            let kind: StrategyScriptError.Kind = error.code == .syntax ? .syntax : .callback
            throw StrategyScriptError(kind, field: kind == .syntax ? nil : "main chunk", error.message, line: error.line, lua: error)
        }
        chunk = loaded
        let table: LuaValue
        if case .dictionary? = results.first {
            table = results[0]
        } else {
            table = try vm.global("strategy", in: loaded)
        }
        var found: [StrategyCallback: LuaFunctionRef] = [:]
        for callback in StrategyCallback.allCases {
            if case .function(let function)? = table[callback.rawValue] {
                found[callback] = function
            } else if case .function(let function) = try vm.global(callback.rawValue, in: loaded) {
                found[callback] = function
            }
        }
        declaration = try StrategyDeclaration(table: table, callbacks: Set(found.keys))
        callbacks = found
    }

    /// Checks a file without running it against anything: syntax, top level, declaration.
    /// - Throws: ``StrategyScriptError``.
    /// The file's top level runs under `budget` (a check answers an HTTP request, and a file's top
    /// level only declares things, so it should take microseconds).
    public static func check(
        source: String, chunkName: String, desk: any StrategyDesk, budget: LuaBudget = LuaBudget(time: .milliseconds(100))
    ) throws -> StrategyDeclaration {
        let configuration = Configuration(vm: LuaVM.Configuration(memoryLimitBytes: 16 << 20, budget: budget))
        return try StrategyInstance(source: source, chunkName: chunkName, desk: desk, configuration: configuration).declaration
    }

    // MARK: Outboxes

    /// The orders the last calls asked for, in order.
    public func drainIntents() -> [StrategyIntent] {
        defer { intents.removeAll(keepingCapacity: true) }
        return intents
    }

    public func drainLogs() -> [StrategyLogLine] {
        if droppedLogs > 0 {
            logs.append(
                StrategyLogLine(
                    level: .warn, message: "\(droppedLogs) log lines dropped (at most \(configuration.maxLogLines) per call)",
                    timeNanos: desk.nowNanos))
            droppedLogs = 0
        }
        defer { logs.removeAll(keepingCapacity: true) }
        return logs
    }

    public func drainRiskEvents() -> [StrategyRiskEvent] {
        defer { riskEvents.removeAll() }
        return riskEvents
    }

    /// True when a call produced something the driver must act on.
    public var hasOutput: Bool { !intents.isEmpty || !logs.isEmpty || !riskEvents.isEmpty }

    func log(_ level: StrategyLogLine.Level, _ message: String, line: Int? = nil) {
        guard logs.count < configuration.maxLogLines else {
            droppedLogs += 1
            return
        }
        logs.append(StrategyLogLine(level: level, message: String(message.prefix(configuration.maxLogMessage)), line: line, timeNanos: desk.nowNanos))
    }

    // MARK: Calling Lua

    /// Calls a harness function under the VM's budget, turning a Lua failure into a stop.
    @discardableResult
    func invoke(_ function: LuaFunctionRef, _ arguments: [LuaValue], callback: String) throws -> [LuaValue] {
        ordersThisCall = 0
        do {
            return try vm.call(function, with: arguments)
        } catch let error as LuaError {
            throw StrategyScriptError(.callback, field: callback, Self.describe(error), line: error.line, lua: error)
        }
    }

    static func describe(_ error: LuaError) -> String {
        switch error.code {
        case .budgetExceeded: "ran past its budget (an endless loop?): \(error.message)"
        case .memory: "ran out of memory: \(error.message)"
        case .cancelled: "was cancelled by the host"
        default: error.message
        }
    }
}

/// A risk limit the runtime enforced, for `risk_events`.
public struct StrategyRiskEvent: Sendable, Equatable {
    /// The hub's `risk_events.event_type`: max_loss, max_profit, stop_loss, take_profit, trailing_sl,
    /// exit_rule, trade_cap.
    public var type: String
    public var action: String
    public var symbol: StrategySymbol?
    public var threshold: Double?
    public var value: Double?
    public var notes: String
}

/// `ctx.every` / `ctx.after`.
struct StrategyTimer {
    var dueNanos: Int64
    /// nil for a one-shot timer.
    var intervalNanos: Int64?
}

extension StrategyInstance {
    /// The request behind order `ref`, while the runtime still tracks it.
    public func request(ref: Int64) -> StrategyOrderRequest? { orders[ref]?.request }

    /// A log line from the host about the strategy (a refused modify, a dropped event).
    public func note(_ level: StrategyLogLine.Level, _ message: String) { log(level, message) }
}

extension StrategyInstance {
    /// The strategy file's chunk, for reading its globals (tests, diagnostics).
    public var mainChunk: LuaChunk? { chunk }
}
