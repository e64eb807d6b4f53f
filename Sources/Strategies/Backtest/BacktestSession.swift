// SPDX-License-Identifier: Apache-2.0
public import Core
import Foundation
public import LuaBridge
public import Schema

/// One backtest from file to report: the ``Backtester`` driving the strategy, a ``BacktestLedger``
/// keeping the money, equity marked after every step, and the report with its trade-list hash.
public struct BacktestSession: Sendable {
    /// What the run reads besides the data.
    public struct Environment: Sendable {
        public var instruments: any InstrumentCatalog
        public var calendar: TradingCalendar
        public var alwaysOpen: Bool
        public var contracts: @Sendable (String, String) -> [Instrument]
        public var hubQuery: (@Sendable (String, Int) throws -> QueryResult)?

        public init(
            instruments: any InstrumentCatalog, calendar: TradingCalendar, alwaysOpen: Bool = false,
            contracts: @escaping @Sendable (String, String) -> [Instrument] = { _, _ in [] },
            hubQuery: (@Sendable (String, Int) throws -> QueryResult)? = nil
        ) {
            self.instruments = instruments
            self.calendar = calendar
            self.alwaysOpen = alwaysOpen
            self.contracts = contracts
            self.hubQuery = hubQuery
        }
    }

    /// The data a run plays.
    public enum Data: Sendable {
        case bars([StrategySymbol: [Bar]])
        /// Ticks in time order, with the bars that end before each one (the live hub's aggregator,
        /// closed by its clock; see ``Backtester/run(ticks:barsDue:parameters:)``).
        case ticks([StrategyTick], barsDue: [[Backtester.ClosedBar]])
    }

    /// A finished run.
    public struct Outcome: Sendable {
        public var report: BacktestReport
        public var fills: [BacktestFill]
        public var logs: [StrategyLogLine]
        /// Why the strategy stopped before the data ended (`ctx.stop`, a risk limit).
        public var stopReason: String?
        /// The callback error that ended the run early, if one did.
        public var failure: StrategyScriptError?
        public var declaration: StrategyDeclaration
        public var parameters: [String: StrategyParameter.ParameterValue]
        public var bars: Int
        public var ticks: Int
        public var elapsedSeconds: Double
    }

    public var source: String
    public var chunkName: String
    public var environment: Environment
    public var initialCapital: Double
    public var costs: BacktestCosts

    public init(source: String, chunkName: String, environment: Environment, initialCapital: Double = 1_000_000, costs: BacktestCosts = .zero) {
        self.source = source
        self.chunkName = chunkName
        self.environment = environment
        self.initialCapital = initialCapital
        self.costs = costs
    }

    /// Runs once.
    /// - Throws: ``StrategyScriptError`` when the file does not load or its params are refused
    ///   (nothing ran); a callback error during the run is returned as ``Outcome/failure``.
    public func run(_ data: Data, parameters: [String: LuaValue] = [:]) throws -> Outcome {
        guard initialCapital.isFinite, initialCapital > 0 else { throw BacktestError("the initial capital must be a positive amount") }
        let started = ContinuousClock.now
        let desk = BacktestDesk(
            instruments: environment.instruments, calendar: environment.calendar, initialCapital: initialCapital, alwaysOpen: environment.alwaysOpen,
            contracts: environment.contracts, hubQuery: environment.hubQuery)
        let backtester = try Backtester(source: source, chunkName: chunkName, desk: desk)
        var ledger = BacktestLedger(initialCapital: initialCapital, costs: costs)
        backtester.onFill = { fill in
            ledger.apply(
                BacktestFill(
                    timeNanos: fill.timeNanos, exchange: fill.symbol.exchange, symbol: fill.symbol.symbol, action: fill.action,
                    quantity: fill.quantity,
                    price: fill.price, tag: fill.tag))
            desk.cash = ledger.cash
            desk.realized = ledger.realizedPnL
        }
        desk.unrealized = { [unowned desk] in
            ledger.unrealizedPnL { exchange, symbol in desk.quotes[StrategySymbol(canonicalExchange: exchange, symbol: symbol)]?.lastPrice }
        }
        backtester.afterStep = { now in
            ledger.mark(timeNanos: now) { exchange, symbol in desk.quotes[StrategySymbol(canonicalExchange: exchange, symbol: symbol)]?.lastPrice }
        }
        var stopReason: String?
        var failure: StrategyScriptError?
        var barCount = 0
        var tickCount = 0
        var timeframe = backtester.instance.declaration.timeframe ?? .m1
        do {
            switch data {
            case .bars(let bars):
                barCount = bars.values.reduce(0) { $0 + $1.count }
                ledger.reserveSamples(barCount)
                if let first = bars.values.first(where: { !$0.isEmpty })?.first { timeframe = first.timeframe }
                stopReason = try backtester.run(bars: bars, parameters: parameters)
            case .ticks(let ticks, let due):
                tickCount = ticks.count
                ledger.reserveSamples(tickCount)
                stopReason = try backtester.run(ticks: ticks, barsDue: due, parameters: parameters)
            }
        } catch let error as StrategyScriptError where error.kind == .callback || error.kind == .limit {
            failure = error
        }
        let report = BacktestReport(ledger: ledger, periodsPerYear: Self.periodsPerYear(timeframe, ticks: tickCount > 0))
        return Outcome(
            report: report, fills: ledger.fills, logs: backtester.logs, stopReason: stopReason, failure: failure,
            declaration: backtester.instance.declaration, parameters: backtester.instance.parameters, bars: barCount, ticks: tickCount,
            elapsedSeconds: (ContinuousClock.now - started).inSeconds)
    }

    /// Equity samples per year: one per bar (252 trading days of 375 minutes for intraday bars),
    /// or, for ticks, assumed one per second of the NSE session.
    static func periodsPerYear(_ timeframe: Timeframe, ticks: Bool) -> Double {
        if ticks { return 252 * 375 * 60 }
        if timeframe == .day { return 252 }
        return 252 * 22_500 / Double(timeframe.seconds)
    }
}
